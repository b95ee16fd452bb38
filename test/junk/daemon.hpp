// Runs the real ampd for the bad-input and leak tests: logs go to a file (so thousands of log
// lines never fill a pipe and stall ampd), and an optional wrapper (valgrind) can run it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client.hpp"
#include "process.hpp"

namespace ampd::test {

struct DaemonOptions {
  std::string server;                 // extra [server] lines
  std::string sections;               // extra sections, e.g. the simulator's [asterisk.pbx]
  std::string level = "information";  // [logging] level
  std::vector<std::string> wrapper;   // e.g. {"valgrind", "--leak-check=full", ...}
  std::chrono::milliseconds start_timeout = std::chrono::seconds(15);
};

class Daemon {
 public:
  explicit Daemon(const DaemonOptions& options);
  int port() const { return port_; }
  Process& process() { return *process_; }
  // ampd's log so far (the file named by [logging] file).
  std::string log() const;
  // Resident set size of the ampd process in KiB, from /proc/<pid>/status; -1 if unknown.
  long rss_kib() const;
  // Waits for a log line containing `needle`; false on timeout.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// The wrapper from AMPD_TEST_WRAPPER (space-separated), if set.
std::vector<std::string> wrapper_from_environment();

}  // namespace ampd::test
