// One reactor's share of the clients: the sessions it owns and what they read of the server's
// state. With io_threads = 1 the only shard is the main reactor; with more, every shard has its
// own thread and event_base and reaches the main reactor (Asterisk link, commands, statistics)
// only through posted tasks, so a session is only ever touched by its shard's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "auth/users.hpp"
#include "commands/command_registry.hpp"
#include "config/config.hpp"
#include "net/reactor.hpp"

namespace ampd {

class ClientSession;

// What sessions read of the server's configuration, published to every shard as a whole when
// SIGHUP, a profile command or a plugin reload changes it.
struct SessionSettings {
  Config config;
  std::shared_ptr<const UserStore> users;
  CommandRegistry commands;  // a copy of the command table, for lookups on the shard's thread
};

class IoShard {
 public:
  // The main reactor's shard: runs on the thread that runs `main`.
  explicit IoShard(Reactor& main);
  // A shard with a reactor of its own, run by a thread from start() to stop().
  IoShard();
  ~IoShard();
  IoShard(const IoShard&) = delete;
  IoShard& operator=(const IoShard&) = delete;

  void start();
  // Stops the thread and waits for it; the sessions stay until the shard is destroyed.
  void stop();
  bool is_main() const { return !own_reactor_; }
  Reactor& reactor() { return *reactor_; }

  // Main reactor thread: runs `task` on this shard's thread, at once for the main shard.
  template <typename Task>
  void run(Task&& task) {
    if (is_main()) {
      task();
    } else {
      reactor_->post(std::forward<Task>(task));
    }
  }

  // The rest is for this shard's thread only.
  ClientSession* find(std::uint64_t id);
  void add(std::uint64_t id, std::unique_ptr<ClientSession> session);
  bool erase(std::uint64_t id);
  void clear();
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (auto& [id, session] : sessions_) fn(*session);
  }

  const Config& config() const { return settings_->config; }
  const std::shared_ptr<const UserStore>& users() const { return settings_->users; }
  // The command of that name (any case) in the published table, or nullptr.
  const Command* command(std::string_view action) const { return settings_->commands.find(action); }
  void set_settings(std::shared_ptr<const SessionSettings> settings) {
    settings_ = std::move(settings);
  }

  // Counted here, read by the main reactor for statistics: each shard writes only its own.
  std::atomic<std::uint64_t> actions_run{0};
  std::atomic<std::uint64_t> delivered_events{0};
  std::atomic<std::int64_t> logged_in{0};
  // Events posted to this shard and not yet delivered: the main reactor stops reading Asterisk
  // while a shard is far behind, rather than queueing without bound.
  std::atomic<std::int64_t> event_backlog{0};
  // Whether a client held event intake back at the last delivery or scan (shard thread writes).
  std::atomic<bool> clients_behind{false};
  std::atomic<bool> scan_posted{false};  // a scan is on its way to this shard
  // Shard thread: sets clients_behind from every session now.
  void scan_clients();

 private:
  std::unique_ptr<Reactor> own_reactor_;
  Reactor* reactor_;
  std::thread thread_;
  std::unordered_map<std::uint64_t, std::unique_ptr<ClientSession>> sessions_;
  std::shared_ptr<const SessionSettings> settings_;
};

// Adds one to a counter that only one thread writes: no locked instruction needed.
inline void count_one(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace ampd
