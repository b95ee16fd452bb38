// Round trips: closed-loop clients, one action outstanding each, on an action ampd forwards
// to Asterisk (ServerVersion runs CoreSettings), against CoreSettings sent directly; and the
// pass-through scenario: CoreSettings passed through ampd against ServerVersion forwarded.
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "fleet.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "stats.hpp"

namespace bench {

namespace {

struct ActionFigures {
  double rate = 0;  // answers per second
  std::int64_t p50 = 0, p99 = 0, max = 0;
};

ActionFigures run_actions(const Options& opt, bool via_ampd, int clients, Report& report,
                          const std::string& action) {
  const std::string what = std::string("roundtrip ") + (via_ampd ? "ampd " : "direct ") + action +
                           " " + std::to_string(clients);
  Report::progress(what + " clients");
  Sim sim = start_sim(opt, {});
  std::optional<Ampd> ampd;
  if (via_ampd) ampd.emplace(start_ampd(opt, sim.port, 4 * 1024 * 1024));
  Fleet fleet;
  fleet.add({via_ampd ? ampd->port : sim.port, via_ampd, Wire::Native, Role::RoundTrip, action},
            clients);
  fleet.login_all(30);
  fleet.run_for(opt.warmup());
  const double window = fleet.measure_for(opt.duration);
  ActionFigures f;
  for (const auto& c : fleet.clients()) f.rate += static_cast<double>(c->window_actions);
  f.rate /= window;
  const auto& m = fleet.measure();
  f.p50 = m.latency.percentile(0.50);
  f.p99 = m.latency.percentile(0.99);
  f.max = m.latency.max();
  if (m.errors + m.failed > 0) {
    std::string text =
        what + ": " + std::to_string(m.errors + m.failed) + " wrong answers or lost clients";
    for (const auto& s : m.samples) text += "\n    " + s;
    report.failure(text);
  }
  return f;
}

std::string latencies(const ActionFigures& f) {
  return duration_text(f.p50) + " / " + duration_text(f.p99) + " / " + duration_text(f.max);
}

}  // namespace

void scenario_roundtrip(const Options& opt, Report& report) {
  report.table("Round trips (direct CoreSettings, ampd ServerVersion)",
               {"Clients", "Direct actions/s", "ampd actions/s", "ampd/direct",
                "Latency p50 / p99 / max: direct", "ampd", "p50 ampd/direct"});
  const std::vector<int> sizes = opt.quick ? std::vector<int>{1, 10} : std::vector<int>{1, 10, 100};
  for (const int n : sizes) {
    try {
      const auto direct = run_actions(opt, false, n, report, "CoreSettings");
      const auto via = run_actions(opt, true, n, report, "ServerVersion");
      report.row({std::to_string(n), si(direct.rate), si(via.rate),
                  ratio_text(via.rate, direct.rate), latencies(direct), latencies(via),
                  ratio_text(static_cast<double>(via.p50), static_cast<double>(direct.p50))});
      char fields[400];
      std::snprintf(fields, sizeof fields,
                    "scenario=roundtrip clients=%d format=native direct=%.0f ampd=%.0f ratio=%s "
                    "direct_p50_us=%lld direct_p99_us=%lld direct_max_us=%lld ampd_p50_us=%lld "
                    "ampd_p99_us=%lld ampd_max_us=%lld",
                    n, direct.rate, via.rate, ratio_text(via.rate, direct.rate).c_str(),
                    static_cast<long long>(direct.p50), static_cast<long long>(direct.p99),
                    static_cast<long long>(direct.max), static_cast<long long>(via.p50),
                    static_cast<long long>(via.p99), static_cast<long long>(via.max));
      report.result(fields);
    } catch (const std::exception& e) {
      report.failure("roundtrip " + std::to_string(n) + " clients: " + e.what());
    }
  }
  report.note(
      "Every answer is checked against its request's unique ActionID. ampd runs each "
      "ServerVersion as a CoreSettings on one of its command_connections (default 2) sessions.");
}

void scenario_passthrough(const Options& opt, Report& report) {
  report.table("Pass-through (ampd CoreSettings passed through, ampd ServerVersion forwarded)",
               {"Clients", "Direct actions/s", "Forwarded actions/s", "Passed through actions/s",
                "passed/forwarded", "Latency p50 / p99 / max: forwarded", "passed through"});
  const std::vector<int> sizes = opt.quick ? std::vector<int>{10} : std::vector<int>{1, 10, 100};
  for (const int n : sizes) {
    try {
      const auto direct = run_actions(opt, false, n, report, "CoreSettings");
      const auto forwarded = run_actions(opt, true, n, report, "ServerVersion");
      const auto passed = run_actions(opt, true, n, report, "CoreSettings");
      report.row({std::to_string(n), si(direct.rate), si(forwarded.rate), si(passed.rate),
                  ratio_text(passed.rate, forwarded.rate), latencies(forwarded),
                  latencies(passed)});
      char fields[300];
      std::snprintf(fields, sizeof fields,
                    "scenario=passthrough clients=%d format=native direct=%.0f forwarded=%.0f "
                    "passed=%.0f ratio=%s passed_p50_us=%lld passed_p99_us=%lld",
                    n, direct.rate, forwarded.rate, passed.rate,
                    ratio_text(passed.rate, forwarded.rate).c_str(),
                    static_cast<long long>(passed.p50), static_cast<long long>(passed.p99));
      report.result(fields);
    } catch (const std::exception& e) {
      report.failure("passthrough " + std::to_string(n) + " clients: " + e.what());
    }
  }
  report.note(
      "An action ampd has no command for goes to Asterisk as the client sent it and its answer "
      "streams back; the target is within 10% of a forwarded command (passed/forwarded >= "
      "0.90).");
}

}  // namespace bench
