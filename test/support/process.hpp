// Runs a real binary (ampd, the simulator) for integration tests and reads its log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ampd::test {

class Process {
 public:
  // Starts `argv[0]` with its stdout and stderr merged into a pipe the test can read.
  explicit Process(std::vector<std::string> argv);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads output until a line containing `needle`; returns that line, or "" on timeout/exit.
  std::string wait_for_line(const std::string& needle,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Everything read so far.
  const std::string& output() const { return output_; }
  void signal(int sig);
  // Waits for exit; returns the exit status, or -1 on timeout (the process is then killed).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  pid_t pid() const { return pid_; }

 private:
  bool read_some(std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  bool exited_ = false;
  int status_ = 0;
};

// Runs a command to completion, feeding `input` on stdin; returns exit status and output.
int run_command(const std::vector<std::string>& argv, const std::string& input,
                std::string& output);

// A fresh temporary directory, removed with its contents when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace ampd::test
