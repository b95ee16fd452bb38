// Command-line options of ampd-bench.
#pragma once

#include <string>
#include <vector>

namespace bench {

struct Options {
  bool quick = false;
  std::vector<std::string> scenarios;  // empty = all
  double duration = 5.0;               // seconds per measurement
  bool duration_set = false;
  std::string ampd;
  std::string sim;
  std::string plugins;
  unsigned io_threads = 0;   // ampd's io_threads; 0 = its default
  std::string command_line;  // as typed, for the report
  bool help = false;

  bool wants(const std::string& scenario) const;
  // Seconds of traffic before a measurement starts (buffers and logins settle).
  double warmup() const { return quick ? 0.3 : 1.0; }
};

std::string usage();
// Fills `opt`; false with `error` set on a bad command line.
bool parse_options(int argc, char** argv, Options& opt, std::string& error);
// Fills empty binary paths with the build tree's binaries next to this executable.
void default_paths(const char* argv0, Options& opt);

}  // namespace bench
