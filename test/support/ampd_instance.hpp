// Starts the real ampd binary on a free loopback port with a generated config and users file.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client.hpp"
#include "process.hpp"

namespace ampd::test {

// Every test user's secret.
inline constexpr const char* kSecret = "secret";

// AMPD_TEST_IO_THREADS=N runs every test's ampd with its clients on N I/O threads (ctest runs
// the suites that start ampd once more so), unless the test's [server] lines set io_threads.
// Returns the line to add to [server], or nothing.
std::string io_threads_line(const std::string& server);

struct AmpdSetup {
  std::string server{};    // extra lines for [server]
  std::string sections{};  // extra sections (e.g. [asterisk.pbx])
  std::string users{};     // extra users
  bool plugins = true;     // point [server] plugins at the build tree's plugins
  // For floods and leak runs: the log goes to a file, so that thousands of log lines never
  // fill a pipe and stall ampd.
  bool log_to_file = false;
  std::string level = "debug";         // [logging] level
  std::vector<std::string> wrapper{};  // runs ampd under it, e.g. {"valgrind", ...}
  std::chrono::milliseconds start_timeout = std::chrono::seconds(15);
  // A directory to run in, kept across instances (a restart after a kill): its users.ini is
  // used as it is if one exists. Without it, each instance has a fresh directory of its own.
  std::shared_ptr<TempDir> dir{};
};

class AmpdInstance {
 public:
  explicit AmpdInstance(const AmpdSetup& setup = {});
  int port() const { return port_; }
  Process& process() { return *process_; }
  const TempDir& dir() const { return *dir_; }
  std::unique_ptr<Client> connect() const;
  // ampd's log so far: the log file with log_to_file, else what the process printed.
  std::string log() const;
  // Waits for a log line containing `needle`; false on timeout.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;
  // A field of ampd's /proc/PID/status in KiB ("VmRSS", "VmHWM"); -1 if unreadable.
  long status_kib(const std::string& field = "VmRSS") const;

 private:
  std::shared_ptr<TempDir> dir_;
  std::unique_ptr<Process> process_;
  bool log_to_file_ = false;
  int port_ = 0;
};

// A field of /proc/PID/status in KiB; -1 if unreadable.
long process_status_kib(int pid, const std::string& field);
// Restarts VmHWM (the peak resident size) from the current size; false if refused.
bool reset_peak(int pid);

// The wrapper from AMPD_TEST_WRAPPER (space-separated), if set.
std::vector<std::string> wrapper_from_environment();

// The Asterisk simulator on a free loopback port.
class SimInstance {
 public:
  explicit SimInstance(const std::vector<std::string>& options = {}, int port = 0);
  int port() const { return port_; }
  Process& process() { return *process_; }
  // An [asterisk.NAME] section pointing ampd at this simulator.
  std::string section(const std::string& name = "pbx", const std::string& extra = "") const;

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// Users in every instance: admin (administrator, monitor), mon (monitor), agent1 (agent 1001),
// multi (monitor, agent; agentid 1002), xmlmon (monitor, format xml).
std::string standard_users();
// The stored form of kSecret, for extra users.
const std::string& secret_hash();

}  // namespace ampd::test
