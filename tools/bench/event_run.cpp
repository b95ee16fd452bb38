#include "event_run.hpp"

#include <algorithm>
#include <optional>

#include "fleet.hpp"
#include "report.hpp"
#include "servers.hpp"

namespace bench {

namespace {

constexpr double kLoginDeadline = 60;
constexpr double kSampleEvery = 0.1;  // seconds between RSS samples

}  // namespace

std::string endpoint_name(const Endpoint& endpoint) {
  if (!endpoint.via_ampd) return "direct";
  return endpoint.wire == Wire::Xml ? "ampd xml" : "ampd native";
}

EventFigures run_events(const Options& opt, const Endpoint& endpoint, int readers, int stalled,
                        long client_output_cap) {
  Report::progress("events: " + endpoint_name(endpoint) + ", " + std::to_string(readers) +
                   " readers" + (stalled > 0 ? " + " + std::to_string(stalled) + " stalled" : ""));
  Sim sim = start_sim(opt, {"--events-per-second", "max"});
  std::optional<Ampd> ampd;
  if (endpoint.via_ampd) ampd.emplace(start_ampd(opt, sim.port, client_output_cap));
  Child& server = ampd ? *ampd->child : *sim.child;

  Fleet fleet;
  ClientSetup setup{ampd ? ampd->port : sim.port, endpoint.via_ampd, endpoint.wire, Role::Reader,
                    ""};
  fleet.add(setup, readers);
  setup.role = Role::Stalled;
  fleet.add(setup, stalled);
  fleet.login_all(kLoginDeadline);
  fleet.enable_events();

  EventFigures f;
  f.rss_base_kib = server.rss_kib();
  f.rss_peak_kib = f.rss_base_kib;
  fleet.run_for(opt.warmup());
  double window = 0;
  while (window < opt.duration) {
    window += fleet.measure_for(std::min(kSampleEvery, opt.duration - window));
    f.rss_peak_kib = std::max(f.rss_peak_kib, server.rss_kib());
  }

  std::vector<double> rates;
  for (const auto& c : fleet.clients()) {
    if (&c - &fleet.clients().front() >= readers) break;
    rates.push_back(static_cast<double>(c->window_events) / window);
    f.dropped += c->dropped;
  }
  for (const auto r : rates) f.total += r;
  f.min = minimum(rates);
  f.median = median(rates);
  const auto& m = fleet.measure();
  f.p50 = m.latency.percentile(0.50);
  f.p99 = m.latency.percentile(0.99);
  f.errors = m.errors + m.failed;
  f.samples = m.samples;
  if (!server.running()) {
    ++f.errors;
    f.samples.push_back(endpoint_name(endpoint) + " server exited:\n" + server.log_tail());
  }
  return f;
}

}  // namespace bench
