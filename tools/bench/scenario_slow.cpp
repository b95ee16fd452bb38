// One slow consumer: readers at full speed plus one client that never reads; what it costs
// the readers, and whether ampd's memory stays within the per-client output cap.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "event_run.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace bench {

namespace {

constexpr long kOutputCap = 1024 * 1024;

std::string cost_text(const EventFigures& alone, const EventFigures& with) {
  if (alone.total <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * (1.0 - with.total / alone.total));
  return buf;
}

// The run with the median rate; RSS peak the highest of all.
EventFigures median_run(std::vector<EventFigures> runs) {
  long peak = 0;
  for (const auto& r : runs) peak = std::max(peak, r.rss_peak_kib);
  std::sort(runs.begin(), runs.end(),
            [](const EventFigures& a, const EventFigures& b) { return a.total < b.total; });
  auto median = runs[runs.size() / 2];
  median.rss_peak_kib = peak;
  return median;
}

// The cost is a difference of two rates, each from its own run, so run-to-run noise on a
// shared machine shows up in it whole: alternate the two kinds of run and keep the medians (five of
// each in a full run).
bool measure_pair(const Options& opt, Report& report, bool via_ampd, int readers,
                  EventFigures& alone, EventFigures& with) {
  const std::string what = std::string("slow ") + (via_ampd ? "ampd" : "direct");
  const int rounds = opt.quick ? 1 : 5;
  std::vector<EventFigures> alone_runs, with_runs;
  try {
    for (int i = 0; i < rounds; ++i) {
      alone_runs.push_back(run_events(opt, {via_ampd, Wire::Native}, readers, 0, kOutputCap));
      with_runs.push_back(run_events(opt, {via_ampd, Wire::Native}, readers, 1, kOutputCap));
    }
  } catch (const std::exception& e) {
    report.failure(what + ": " + e.what());
    return false;
  }
  for (const auto& runs : {alone_runs, with_runs}) {
    for (const auto& f : runs) {
      if (f.errors == 0) continue;
      std::string text = what + ": " + std::to_string(f.errors) + " wrong events or lost clients";
      for (const auto& s : f.samples) text += "\n    " + s;
      report.failure(text);
    }
  }
  alone = median_run(std::move(alone_runs));
  with = median_run(std::move(with_runs));
  return true;
}

}  // namespace

void scenario_slow(const Options& opt, Report& report) {
  report.table("One slow consumer (never reads; ampd client_output_cap = 1 MiB)",
               {"Clients", "Readers' events/s alone → with the slow one: direct", "ampd",
                "Cost: direct", "ampd", "ampd RSS peak alone → with", "ampd/direct (with)"});
  const int readers = opt.quick ? 19 : 99;
  EventFigures d_alone, d_with, a_alone, a_with;
  if (!measure_pair(opt, report, false, readers, d_alone, d_with) ||
      !measure_pair(opt, report, true, readers, a_alone, a_with)) {
    return;
  }
  const long extra_kib = a_with.rss_peak_kib - a_alone.rss_peak_kib;
  report.row({std::to_string(readers) + " + 1", si(d_alone.total) + " → " + si(d_with.total),
              si(a_alone.total) + " → " + si(a_with.total), cost_text(d_alone, d_with),
              cost_text(a_alone, a_with),
              mib_text(static_cast<double>(a_alone.rss_peak_kib)) + " → " +
                  mib_text(static_cast<double>(a_with.rss_peak_kib)),
              ratio_text(a_with.total, d_with.total)});
  char fields[512];
  std::snprintf(fields, sizeof fields,
                "scenario=slow clients=%d+1 format=native direct=%.0f ampd=%.0f ratio=%s "
                "direct_alone=%.0f ampd_alone=%.0f ampd_cost=%s ampd_rss_alone_kib=%ld "
                "ampd_rss_with_kib=%ld ampd_rss_extra_kib=%ld cap_kib=%ld dropped_readers=%llu",
                readers, d_with.total, a_with.total, ratio_text(a_with.total, d_with.total).c_str(),
                d_alone.total, a_alone.total, cost_text(a_alone, a_with).c_str(),
                a_alone.rss_peak_kib, a_with.rss_peak_kib, extra_kib, kOutputCap / 1024,
                static_cast<unsigned long long>(a_with.dropped));
  report.result(fields);
  char note[320];
  std::snprintf(note, sizeof note,
                "Rates are the medians of %d alternating runs with and without the slow client. "
                "The slow client adds %.1f MiB to ampd's peak RSS (cap %ld MiB, plus what the "
                "kernel's socket buffers hold); readers had %llu events dropped.",
                opt.quick ? 1 : 5, static_cast<double>(extra_kib) / 1024,
                kOutputCap / (1024 * 1024), static_cast<unsigned long long>(a_with.dropped));
  report.note(note);
}

}  // namespace bench
