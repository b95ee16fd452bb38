// A child process (ampd, the simulator) whose output goes to a log file, never a pipe: a
// benchmark that stops reading must not be able to stall the process it measures.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace bench {

class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log_file);
  ~Child();  // stops the process if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Waits until the log holds `needle`; returns the line holding it, or "" on timeout or exit.
  std::string wait_for_line(const std::string& needle, double seconds);
  std::string log_tail(std::size_t bytes = 2000) const;
  // SIGTERM, then SIGKILL after `grace` seconds.
  void stop(double grace = 5.0);
  // Resident memory from /proc/<pid>/status, in KiB (0 when unknown).
  long rss_kib() const;

 private:
  std::string read_log() const;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string log_file_;
};

// Runs a command to completion with `input` on stdin; returns its exit status and stdout.
int run_capture(const std::vector<std::string>& argv, const std::string& input,
                std::string& output);

// A temporary directory, removed with its contents at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace bench
