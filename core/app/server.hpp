// The proxy server: listeners, client sessions, users, and the worker pool. The main reactor
// holds the Asterisk link, commands and statistics; client sessions live on I/O shards (the main
// reactor itself, or io_threads reactor threads of their own).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "asterisk/asterisk_link.hpp"
#include "auth/login_cache.hpp"
#include "auth/login_throttle.hpp"
#include "auth/users.hpp"
#include "clients/client_session.hpp"
#include "clients/io_shard.hpp"
#include "clients/websocket_transport.hpp"
#include "commands/command_dispatcher.hpp"
#include "commands/command_registry.hpp"
#include "commands/plugin_loader.hpp"
#include "commands/profile_commands.hpp"
#include "commands/statistics.hpp"
#include "config/config.hpp"
#include "net/listener.hpp"
#include "net/reactor.hpp"
#include "net/timer.hpp"
#include "net/tls_context.hpp"
#include "net/worker_pool.hpp"

namespace ampd {

class Server : public AsteriskEventSink, public SessionHost {
 public:
  Server(Config config, std::shared_ptr<const UserStore> users);
  ~Server() override;

  // Binds every listen address; throws std::runtime_error naming the one that failed.
  void start();
  // Runs the reactor until a stop is requested (SIGINT/SIGTERM or stop()).
  void run(std::function<void()> on_running = {});
  void stop() { reactor_.stop(); }
  bool stopping() const override { return stopping_.load(std::memory_order_relaxed); }
  // SIGHUP: called on the reactor thread; returns the new config and users, or nothing to keep
  // the current ones (the callback logs why).
  using Reloader = std::function<bool(Config&, std::shared_ptr<const UserStore>&)>;
  void set_reloader(Reloader reloader) { reloader_ = std::move(reloader); }

  const Config& config() const { return config_; }
  std::shared_ptr<const UserStore> users() const { return users_; }
  Reactor& reactor() { return reactor_; }
  const std::vector<int>& bound_ports() const { return ports_; }

  // Called from a session on its shard's thread.
  // Checks a login on a worker; the session hears back on its thread if still connected.
  bool check_login_async(ClientSession& session, const Message& request) override;
  void session_closed(std::uint64_t id, const std::string& reason) override;
  // Runs a command of the table on the main reactor; the answer reaches the session through
  // complete().
  void run_command(IoShard& shard, const Identity& who, std::uint64_t id,
                   const Message& request) override;

  // The session with this id, if it is still connected; on its shard's thread only.
  ClientSession* session(std::uint64_t id) { return shard_of(id).find(id); }
  CommandDispatcher& dispatcher() { return *dispatcher_; }
  AsteriskLink& asterisk() { return *asterisk_; }

  void on_asterisk_event(const std::string& server, const Message& event) override;
  void on_session_event(std::uint64_t session_id, const Message& event) override;
  void on_link_state(const std::string& server, bool up) override;

  // StatisticInfo / AgentActivity, answered from ampd's own state. Main reactor.
  Reply statistics_command(CoreVerb verb, const Message& request);

  void count_disconnect(const std::string& category) override {
    std::lock_guard lock(disconnects_mutex_);
    ++disconnects_[category];
  }
  long login_blocked_for(const std::string& peer) override {
    return login_throttle_.blocked_for(LoginThrottle::address_of(peer));
  }
  void login_failed(const std::string& peer) override {
    login_throttle_.failed(LoginThrottle::address_of(peer));
  }

 private:
  enum class Transport { Stream, TlsStream, WebSocket, TlsWebSocket };
  void listen(const std::vector<std::string>& addresses, Transport transport,
              const char* log_format);
  void accept(int fd, std::string peer, Transport transport);
  void open_session(IoShard& shard, std::uint64_t id, int fd, const std::string& peer,
                    Transport transport, bool full, const std::shared_ptr<const TlsContext>& tls,
                    const std::shared_ptr<const WebSocketOptions>& websocket);
  IoShard& shard_of(std::uint64_t id) { return *shards_[id % shards_.size()]; }
  // Main reactor: runs `fn` with the session on its shard's thread, if it is still connected.
  template <typename Fn>
  void with_session(std::uint64_t id, Fn&& fn) {
    auto& shard = shard_of(id);
    shard.run([&shard, id, fn = std::forward<Fn>(fn)]() mutable {
      if (auto* s = shard.find(id)) fn(*s);
    });
  }
  // Main reactor: every shard sees the current config, users and commands from now on.
  void publish_settings();
  // Main reactor: pauses event intake while a shard's backlog is high or a client that reads
  // fast is behind, and resumes when neither holds.
  void check_event_intake();
  static std::shared_ptr<const WebSocketOptions> make_websocket_options(const Config& config);
  // The handler of each core command the dispatcher runs.
  CoreHandler core_handler(CoreVerb verb);
  void run_profile_command(CoreVerb verb, const Identity& who, const Message& request,
                           std::function<void(Reply)> done);
  // ProfileDelete: the deleted user's sessions are closed.
  void close_sessions_of(const std::string& user);
  void load_plugins();
  void apply_permissions();
  void save_statistics(bool now);
  void reload();
  void swap_plugins_when_idle();
  // SIGTERM/SIGINT: stop accepting, let commands in flight finish (up to shutdown_timeout), say
  // goodbye to every client, then stop the reactor.
  void begin_shutdown();
  void finish_shutdown();

  Config config_;
  std::shared_ptr<const UserStore> users_;
  Reactor reactor_;
  WorkerPool workers_;
  LoginCache login_cache_;
  Statistics statistics_{std::chrono::system_clock::now()};
  std::unique_ptr<Timer> statistics_timer_;
  std::unique_ptr<Timer> plugin_swap_timer_;
  std::unique_ptr<Timer> intake_timer_;  // polls the shards while event intake is paused
  bool intake_paused_ = false;
  std::uint64_t statistics_saved_ = 0;  // changes() at the last snapshot
  ProfileCommands profiles_;
  std::unique_ptr<AsteriskLink> asterisk_;
  CommandRegistry registry_;
  std::unique_ptr<PluginLoader> plugins_;
  std::unique_ptr<CommandDispatcher> dispatcher_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<int> ports_;  // plain listeners first, then TLS, WebSocket and secure WebSocket
  std::shared_ptr<const TlsContext> tls_;  // with listen_tls or listen_wss; replaced by SIGHUP
  std::shared_ptr<const WebSocketOptions> websocket_options_;  // with listen_ws or listen_wss
  std::vector<std::unique_ptr<IoShard>> shards_;               // session id % size picks the shard
  std::atomic<std::size_t> clients_{0};                        // connected, on every shard
  std::uint64_t next_session_id_ = 1;
  Reloader reloader_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Timer> shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  LoginThrottle login_throttle_{5, std::chrono::minutes(1)};
  std::mutex disconnects_mutex_;
  std::map<std::string, std::uint64_t> disconnects_;  // by category
};

}  // namespace ampd
