// Test helpers: run ampd-asterisk-sim as a child process and talk AMI to it.
// Every read has a deadline so a test can never hang.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace simtest {

using namespace std::chrono_literals;
constexpr auto kTimeout = 5s;

// The simulator process, started with --port 0; stopped with SIGTERM on destruction.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> args = {});
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  int port() const { return port_; }
  // Sends SIGTERM and waits (bounded); returns the exit status or -1.
  int stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
};

// One AMI connection.
class AmiClient {
 public:
  explicit AmiClient(int port);
  ~AmiClient();
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  void send(const std::string& bytes);
  // Reads one line ending in "\r\n" (the banner).
  std::string read_line(std::chrono::milliseconds timeout = kTimeout);
  // Reads one message up to and including the blank line. Empty on timeout/EOF.
  std::string read_message(std::chrono::milliseconds timeout = kTimeout);
  // Reads raw bytes until `marker` has been seen (1.4 Command "--END COMMAND--\r\n\r\n").
  std::string read_until(const std::string& marker, std::chrono::milliseconds timeout = kTimeout);
  // Reads messages until one whose Event/Response matches; returns all read (bounded).
  std::vector<std::string> read_until_event(const std::string& event, size_t max_messages = 1000,
                                            std::chrono::milliseconds timeout = kTimeout);
  // True when the server closed the connection within the timeout (discarding data).
  bool wait_closed(std::chrono::milliseconds timeout = kTimeout);
  // Logs in as admin/amp111. With events on, the modern dialect's FullyBooted is consumed too.
  void login(bool events, bool modern = true);
  bool ok() const { return fd_ >= 0; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

// Builds a wire message from lines: each gets "\r\n", then the final blank line.
std::string msg(std::initializer_list<std::string> lines);
// Value of a header in a raw message (first occurrence), or "" when absent.
std::string header(const std::string& message, const std::string& name);
// Replaces the values of the named headers with "*" (for times that vary).
std::string mask(std::string message, std::initializer_list<std::string> names);

}  // namespace simtest
