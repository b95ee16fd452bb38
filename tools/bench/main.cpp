// ampd-bench: measures ampd against clients connected straight to the Asterisk simulator
// (issue 7) and prints a markdown table for README's Performance section.
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "options.hpp"
#include "report.hpp"
#include "scenarios.hpp"

namespace {

// 10,000 idle clients need 10,000 descriptors here; ampd inherits the raised limit too.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string machine() {
  std::string model;
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  uname(&u);
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs (" + model + "), Linux " +
         u.release + ", open files limit " + std::to_string(limit.rlim_cur);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options opt;
  std::string error;
  if (!bench::parse_options(argc, argv, opt, error)) {
    std::cerr << "ampd-bench: " << error << "\n" << bench::usage();
    return 2;
  }
  if (opt.help) {
    std::cout << bench::usage();
    return 0;
  }
  bench::default_paths(argv[0], opt);
  if (opt.ampd.empty() || opt.sim.empty() || opt.plugins.empty()) {
    std::cerr << "ampd-bench: cannot find ampd, the simulator or the plugins; give --ampd, "
                 "--sim and --plugins\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  raise_file_limit();
  const auto start = std::chrono::steady_clock::now();
  bench::Report report;
  if (opt.wants("fanout")) bench::scenario_fanout(opt, report);
  if (opt.wants("roundtrip")) bench::scenario_roundtrip(opt, report);
  if (opt.wants("passthrough")) bench::scenario_passthrough(opt, report);
  if (opt.wants("idle")) bench::scenario_idle(opt, report);
  if (opt.wants("slow")) bench::scenario_slow(opt, report);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.print(std::cout, opt.command_line,
               machine() + "; took " + std::to_string(static_cast<int>(took)) + " s");
  return report.failed() ? 1 : 0;
}
