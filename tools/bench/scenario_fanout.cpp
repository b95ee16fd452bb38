// Event fan-out: 1, 100 and 1,000 clients reading everything the simulator emits.
#include <cstdio>
#include <stdexcept>

#include "event_run.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace bench {

namespace {

constexpr long kOutputCap = 4 * 1024 * 1024;  // ampd's default client_output_cap

std::string rates(const EventFigures& f) { return si(f.min) + " / " + si(f.median); }

std::string latency(const EventFigures& f) {
  return duration_text(f.p50) + " / " + duration_text(f.p99);
}

void report_errors(Report& report, const std::string& what, const EventFigures& f) {
  if (f.errors == 0) return;
  std::string text = what + ": " + std::to_string(f.errors) + " wrong events or lost clients";
  for (const auto& s : f.samples) text += "\n    " + s;
  report.failure(text);
}

}  // namespace

std::string ratio_text(double ampd, double direct) {
  if (direct <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", ampd / direct);
  return buf;
}

void scenario_fanout(const Options& opt, Report& report) {
  report.table("Event fan-out (simulator at --events-per-second max)",
               {"Clients", "Format", "Direct events/s", "ampd events/s", "ampd/direct",
                "Per client min / median: direct", "ampd", "Latency p50 / p99: direct", "ampd",
                "Dropped by ampd"});
  const std::vector<int> sizes =
      opt.quick ? std::vector<int>{1, 50} : std::vector<int>{1, 100, 1000};
  for (const int n : sizes) {
    EventFigures direct;
    bool have_direct = false;
    try {
      direct = run_events(opt, {false, Wire::Native}, n, 0, kOutputCap);
      have_direct = true;
      report_errors(report, "fanout direct " + std::to_string(n), direct);
    } catch (const std::exception& e) {
      report.failure("fanout direct " + std::to_string(n) + " clients: " + e.what());
    }
    for (const auto wire : {Wire::Native, Wire::Xml}) {
      const std::string format = wire == Wire::Xml ? "xml" : "native";
      const std::string what = "fanout ampd " + format + " " + std::to_string(n);
      try {
        const auto f = run_events(opt, {true, wire}, n, 0, kOutputCap);
        report_errors(report, what, f);
        report.row({std::to_string(n), format, have_direct ? si(direct.total) : "failed",
                    si(f.total), ratio_text(f.total, direct.total),
                    have_direct ? rates(direct) : "-", rates(f),
                    have_direct ? latency(direct) : "-", latency(f), std::to_string(f.dropped)});
        char fields[512];
        std::snprintf(fields, sizeof fields,
                      "scenario=fanout clients=%d format=%s direct=%.0f ampd=%.0f ratio=%s "
                      "direct_min=%.0f direct_median=%.0f ampd_min=%.0f ampd_median=%.0f "
                      "direct_p50_us=%lld direct_p99_us=%lld ampd_p50_us=%lld ampd_p99_us=%lld "
                      "dropped=%llu errors=%llu",
                      n, format.c_str(), direct.total, f.total,
                      ratio_text(f.total, direct.total).c_str(), direct.min, direct.median, f.min,
                      f.median, static_cast<long long>(direct.p50),
                      static_cast<long long>(direct.p99), static_cast<long long>(f.p50),
                      static_cast<long long>(f.p99), static_cast<unsigned long long>(f.dropped),
                      static_cast<unsigned long long>(f.errors + direct.errors));
        report.result(fields);
      } catch (const std::exception& e) {
        report.failure(what + " clients: " + e.what());
      }
    }
  }
  report.note(
      "Direct clients each get their own stream (the simulator refills a session when it has "
      "drained); through ampd every client shares ampd's one events session. XML rows compare "
      "with the native direct figure. Latency is from the event's Timestamp to its read, so at "
      "`max` it is mostly time spent queued. \"Dropped\" are events ampd announced with "
      "EventsDropped (its output cap of 4 MiB per client was full); a gap not announced fails "
      "the run.");
}

}  // namespace bench
