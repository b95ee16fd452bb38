// The proxy server, wired from its parts: the acceptor (listeners into sessions on I/O
// shards), the Asterisk link and event delivery, the command table and dispatcher, the core's
// own commands, and the lifecycle (SIGHUP reload, plugin swap, shutdown). The main reactor holds
// the Asterisk link and commands; client sessions live on the shards.
//   server.cpp           wiring, and what sessions ask of the server (SessionHost)
//   server_commands.cpp  the core commands' handlers (Profile*)
//   lifecycle.cpp        reload, plugin swap, shutdown
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "asterisk/asterisk_link.hpp"
#include "auth/login_cache.hpp"
#include "auth/login_throttle.hpp"
#include "auth/users.hpp"
#include "clients/acceptor.hpp"
#include "clients/event_delivery.hpp"
#include "clients/session_host.hpp"
#include "clients/shards.hpp"
#include "commands/command_dispatcher.hpp"
#include "commands/command_registry.hpp"
#include "commands/passthrough.hpp"
#include "commands/plugin_loader.hpp"
#include "commands/profile_commands.hpp"
#include "config/config.hpp"
#include "net/reactor.hpp"
#include "net/timer.hpp"
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
  // SIGHUP: called on the reactor thread; returns the new config and users, or nothing to keep
  // the current ones (the callback logs why).
  using Reloader = std::function<bool(Config&, std::shared_ptr<const UserStore>&)>;
  void set_reloader(Reloader reloader) { reloader_ = std::move(reloader); }

  const Config& config() const { return config_; }
  std::shared_ptr<const UserStore> users() const { return users_; }
  Reactor& reactor() { return reactor_; }
  const std::vector<int>& bound_ports() const { return acceptor_.ports(); }
  AsteriskLink& asterisk() { return *asterisk_; }
  // The session with this id, if it is still connected; on its shard's thread only.
  ClientSession* session(std::uint64_t id) { return shards_.of(id).find(id); }

  // SessionHost: called from a session on its shard's thread.
  bool stopping() const override { return stopping_.load(std::memory_order_relaxed); }
  std::string asterisk_banner() const override;
  bool check_login_async(ClientSession& session, const Message& request) override;
  long login_blocked_for(const std::string& peer, const std::string& user, bool known) override {
    return login_throttle_.blocked_for(LoginThrottle::address_of(peer), user, known);
  }
  void login_failed(const std::string& peer, const std::string& user, bool known) override {
    login_throttle_.failed(LoginThrottle::address_of(peer), user, known);
  }
  void login_succeeded(const std::string& peer, const std::string& user) override {
    login_throttle_.succeeded(LoginThrottle::address_of(peer), user);
  }
  void run_command(IoShard& shard, const Identity& who, std::uint64_t id,
                   const Message& request) override;
  bool passes_through() const override { return !asterisk_->empty(); }
  void pass_through(IoShard& shard, const Identity& who, std::uint64_t id,
                    const Message& request) override;
  void session_closed(std::uint64_t id, const std::string& reason) override {
    acceptor_.session_closed(id, reason);
  }

  // AsteriskEventSink: main reactor.
  void on_asterisk_event(const std::string& server, const Message& event) override;
  void on_session_event(std::uint64_t session_id, const Message& event) override;
  void on_link_state(const std::string& server, bool up) override;

 private:
  void configure_login_throttle();
  // Main reactor: every shard sees the current config, users and commands from now on.
  void publish_settings();
  static std::shared_ptr<const WebSocketOptions> make_websocket_options(const Config& config);

  // server_commands.cpp
  CoreHandler core_handler(CoreVerb verb);
  void run_profile_command(CoreVerb verb, const Identity& who, const Message& request,
                           std::function<void(Reply)> done);
  void close_sessions_of(const std::string& user);  // ProfileDelete

  // What plugins may learn about the daemon (its counters, the links' states).
  std::shared_ptr<const HostFacts> make_host_facts();

  // lifecycle.cpp
  // `kept`: what the plugins being replaced kept for the new ones.
  void load_plugins(std::shared_ptr<PluginLoader::KeptState> kept = nullptr);
  void apply_permissions();
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
  LoginThrottle login_throttle_;
  const std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
  LinkStates links_;  // each Asterisk server's link, once it went up or down; main reactor
  ProfileCommands profiles_;
  std::unique_ptr<AsteriskLink> asterisk_;
  CommandRegistry registry_;
  PassThroughPolicy passthrough_;  // main reactor; rebuilt by apply_permissions
  std::shared_ptr<const HostFacts> host_facts_;
  std::unique_ptr<PluginLoader> plugins_;
  std::unique_ptr<CommandDispatcher> dispatcher_;
  Shards shards_;
  Acceptor acceptor_;
  EventDelivery delivery_;
  Reloader reloader_;
  std::unique_ptr<Timer> plugin_swap_timer_;
  std::chrono::steady_clock::time_point swap_requested_;
  std::unique_ptr<Timer> overdue_timer_;  // gives up async commands past command_timeout
  // Plugins swapped out while a command they were given up on may still call into them: kept
  // loaded (their commands gone) until the Asterisk link has failed every pending action.
  std::vector<std::unique_ptr<PluginLoader>> retired_plugins_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Timer> shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
};

}  // namespace ampd
