#include "snapshot_saver.hpp"

#include <ampd/sdk.hpp>
#include <utility>

namespace ampd_statistics {

SnapshotSaver::SnapshotSaver(Statistics& statistics, std::string path,
                             std::chrono::milliseconds interval, Report report)
    : statistics_(statistics),
      path_(std::move(path)),
      interval_(interval),
      report_(std::move(report)),
      saved_(statistics.changes()),
      thread_([this] { run(); }) {}

void SnapshotSaver::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  save_if_changed();
}

void SnapshotSaver::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    save_if_changed();
    lock.lock();
  }
}

void SnapshotSaver::save_if_changed() {
  const auto changes = statistics_.changes();
  if (changes == saved_) return;
  saved_ = changes;
  std::string error;
  if (!ampd::sdk::write_file_atomically(path_, statistics_.snapshot(), error)) report_(error);
}

}  // namespace ampd_statistics
