// Idle clients: many logged-in clients that do nothing; the server's memory per client.
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "fleet.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "stats.hpp"

namespace bench {

namespace {

struct IdleFigures {
  long before_kib = 0, after_kib = 0;
  double login_s = 0;
  double per_client_kib(int n) const { return static_cast<double>(after_kib - before_kib) / n; }
};

IdleFigures run_idle(const Options& opt, bool via_ampd, int clients, Report& report) {
  const std::string what =
      std::string("idle ") + (via_ampd ? "ampd" : "direct") + " " + std::to_string(clients);
  Report::progress(what + " clients");
  Sim sim = start_sim(opt, {});
  std::optional<Ampd> ampd;
  if (via_ampd) ampd.emplace(start_ampd(opt, sim.port, 4 * 1024 * 1024));
  Child& server = ampd ? *ampd->child : *sim.child;
  IdleFigures f;
  f.before_kib = server.rss_kib();
  Fleet fleet;
  fleet.add({ampd ? ampd->port : sim.port, via_ampd, Wire::Native, Role::Idle, ""}, clients);
  f.login_s = fleet.login_all(opt.quick ? 30 : 120);
  fleet.run_for(opt.quick ? 0.3 : 1.0);  // let the server settle after the login burst
  f.after_kib = server.rss_kib();
  const auto& m = fleet.measure();
  if (m.errors + m.failed > 0) {
    report.failure(what + ": " + std::to_string(m.errors + m.failed) +
                   " clients lost or sent wrong messages: " + m.samples.front());
  }
  return f;
}

std::string memory(const IdleFigures& f, int n) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1f → %.1f MiB (%.1f KiB/client)",
                static_cast<double>(f.before_kib) / 1024, static_cast<double>(f.after_kib) / 1024,
                f.per_client_kib(n));
  return buf;
}

}  // namespace

void scenario_idle(const Options& opt, Report& report) {
  report.table("Idle clients (RSS before → after logging the clients in)",
               {"Clients", "Simulator (direct)", "ampd", "ampd/direct per client",
                "Login time: direct", "ampd"});
  const int n = opt.quick ? 500 : 10000;
  try {
    const auto direct = run_idle(opt, false, n, report);
    const auto via = run_idle(opt, true, n, report);
    char login_d[32], login_a[32];
    std::snprintf(login_d, sizeof login_d, "%.2f s", direct.login_s);
    std::snprintf(login_a, sizeof login_a, "%.2f s", via.login_s);
    report.row({std::to_string(n), memory(direct, n), memory(via, n),
                ratio_text(via.per_client_kib(n), direct.per_client_kib(n)), login_d, login_a});
    char fields[400];
    std::snprintf(fields, sizeof fields,
                  "scenario=idle clients=%d format=native direct=%.1f ampd=%.1f ratio=%s "
                  "unit=kib_per_client direct_rss_kib=%ld ampd_rss_kib=%ld ampd_rss_before_kib=%ld "
                  "direct_login_s=%.2f ampd_login_s=%.2f",
                  n, direct.per_client_kib(n), via.per_client_kib(n),
                  ratio_text(via.per_client_kib(n), direct.per_client_kib(n)).c_str(),
                  direct.after_kib, via.after_kib, via.before_kib, direct.login_s, via.login_s);
    report.result(fields);
  } catch (const std::exception& e) {
    report.failure("idle " + std::to_string(n) + " clients: " + e.what());
  }
  report.note("Logins run 128 at a time. The simulator's figure is for reference only.");
}

}  // namespace bench
