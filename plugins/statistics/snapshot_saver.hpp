// Writes the statistics' snapshot to its file every interval when something changed, on a
// thread of its own (file work never runs on ampd's reactor), and once more when stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "statistics.hpp"

namespace ampd_statistics {

class SnapshotSaver {
 public:
  using Report = std::function<void(const std::string& error)>;  // a write that failed

  SnapshotSaver(Statistics& statistics, std::string path, std::chrono::milliseconds interval,
                Report report);
  ~SnapshotSaver() { stop(); }
  SnapshotSaver(const SnapshotSaver&) = delete;
  SnapshotSaver& operator=(const SnapshotSaver&) = delete;

  // Ends the thread and writes a changed snapshot one last time. Idempotent.
  void stop();

 private:
  void run();
  void save_if_changed();

  Statistics& statistics_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  Report report_;
  std::uint64_t saved_;  // changes() at the last write
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ampd_statistics
