// Every I/O shard, and which one owns a session: its id modulo their number. With io_threads = 1
// the only shard is the main reactor; with more, each has a thread of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "clients/client_session.hpp"
#include "clients/io_shard.hpp"

namespace ampd {

class Shards {
 public:
  Shards(Reactor& main, unsigned io_threads);

  IoShard& of(std::uint64_t session_id) { return *shards_[session_id % shards_.size()]; }
  // Only the main reactor's shard: its sessions are reached without posting.
  bool main_only() const { return shards_.size() == 1 && shards_[0]->is_main(); }
  auto begin() { return shards_.begin(); }
  auto end() { return shards_.end(); }

  // Main reactor: runs `fn` with the session on its shard's thread, if it is still connected.
  template <typename Fn>
  void with_session(std::uint64_t id, Fn&& fn) {
    auto& shard = of(id);
    shard.run([&shard, id, fn = std::forward<Fn>(fn)]() mutable {
      if (auto* s = shard.find(id)) fn(*s);
    });
  }
  // Main reactor: runs `fn` with every session, each on its shard's thread.
  template <typename Fn>
  void for_each_session(const Fn& fn) {
    for (auto& shard : shards_) {
      shard->run([shard = shard.get(), fn] { shard->for_each(fn); });
    }
  }
  // Main reactor: every shard reads these settings from now on.
  void publish(const std::shared_ptr<const SessionSettings>& settings);

  void start();
  void stop();
  // Destroys every session: after stop(), since sessions post to the main reactor.
  void clear();

 private:
  std::vector<std::unique_ptr<IoShard>> shards_;
};

}  // namespace ampd
