#include <Poco/Logger.h>

#include "app/server.hpp"
#include "app/version.hpp"
#include "commands/core_commands.hpp"
#include "commands/plugin_listing.hpp"

namespace ampd {

void Server::load_plugins(std::shared_ptr<PluginLoader::KeptState> kept) {
  const auto dir = config_.plugin_dir.empty() ? std::string(kDefaultPluginDir) : config_.plugin_dir;
  // The core's commands first, afresh: [permissions] may have changed since they were added.
  registry_.remove_plugin(kCorePlugin);
  add_core_commands(registry_, [this](CoreVerb verb) { return core_handler(verb); });
  plugins_ = std::make_unique<PluginLoader>(registry_);
  plugins_->set_sections(config_.plugin_sections);
  plugins_->set_facts(host_facts_);
  if (kept) plugins_->share_kept_state(std::move(kept));
  if (!plugins_->load_directory(dir)) {
    Poco::Logger::get("ampd").error("cannot read the plugin directory %s: no commands", dir);
    return;
  }
  for (const auto& section : unclaimed_sections(*plugins_, config_.plugin_sections)) {
    Poco::Logger::get("ampd").warning("%s: no such plugin is loaded", section);
  }
}

// [permissions] entries for commands of the table change them; the others are Asterisk
// actions passed through (see commands/passthrough.hpp).
void Server::apply_permissions() {
  std::vector<std::pair<std::string, ClientType>> passed_through;
  for (const auto& [name, type] : config_.permissions) {
    std::string error;
    if (registry_.find(name) == nullptr) {
      passed_through.emplace_back(name, type);
      Poco::Logger::get("ampd").information("permissions: %s (passed through to Asterisk) needs %s",
                                            name, std::string(client_type_name(type)));
    } else if (registry_.set_privilege(name, type, error)) {
      Poco::Logger::get("ampd").information("permissions: %s needs %s", name,
                                            std::string(client_type_name(type)));
    } else {
      Poco::Logger::get("ampd").warning("[permissions] %s: %s; ignored", name, error);
    }
  }
  passthrough_ = PassThroughPolicy(passed_through, config_.passthrough_deny);
}

void Server::reload() {
  auto& log = Poco::Logger::get("ampd");
  log.information("SIGHUP: reloading %s", config_.path);
  Config fresh;
  std::shared_ptr<const UserStore> users;
  if (!reloader_ || !reloader_(fresh, users)) {
    log.error("reload failed: keeping the running configuration and users");
    return;
  }
  if (fresh.listen != config_.listen || fresh.listen_tls != config_.listen_tls ||
      fresh.listen_ws != config_.listen_ws || fresh.listen_wss != config_.listen_wss ||
      fresh.asterisk.size() != config_.asterisk.size() ||
      fresh.worker_threads != config_.worker_threads || fresh.io_threads != config_.io_threads) {
    log.warning(
        "listen addresses, [asterisk.*] sections, worker_threads and io_threads change on restart "
        "only");
  }
  // A renewed certificate is taken for new TLS clients; connected ones keep their session.
  if (acceptor_.tls()) {
    TlsLoadError error;
    if (auto renewed = TlsContext::load(fresh.tls_certificate, fresh.tls_key, error)) {
      acceptor_.set_tls(std::move(renewed));
    } else {
      log.error("reload: [server] %s: %s; keeping the loaded certificate", error.key, error.text);
    }
  }
  // What each new message, login and event reads from; sessions keep their connections.
  fresh.listen = config_.listen;
  fresh.listen_tls = config_.listen_tls;
  fresh.listen_ws = config_.listen_ws;
  fresh.listen_wss = config_.listen_wss;
  // New WebSocket clients get the new origins and page; connected ones keep theirs.
  if (acceptor_.serves_websocket()) acceptor_.set_websocket_options(make_websocket_options(fresh));
  fresh.asterisk = config_.asterisk;
  fresh.worker_threads = config_.worker_threads;
  fresh.io_threads = config_.io_threads;
  config_ = std::move(fresh);
  acceptor_.set_max_clients(config_.max_clients);
  users_ = std::move(users);
  profiles_.set_users_file(config_.users_file);
  configure_login_throttle();
  log.information("reloaded: %z users", users_->users().size());
  publish_settings();
  swap_requested_ = std::chrono::steady_clock::now();
  swap_plugins_when_idle();
}

// Handlers run on workers without locks on the registry, and async ones wait for Asterisk with
// a plugin callback, so plugins are swapped only at a moment when no command is in flight, even
// one whose client has gone; until then commands keep running on the loaded plugins. An async
// command holds the swap back for shutdown_timeout at most: then it is given up, and the old
// plugins stay loaded, without commands, for as long as one of them may still call back.
void Server::swap_plugins_when_idle() {
  const auto waited = std::chrono::steady_clock::now() - swap_requested_;
  if (dispatcher_->in_flight() > 0 &&
      waited >= std::chrono::milliseconds(config_.shutdown_timeout_ms)) {
    dispatcher_->give_up_overdue(std::chrono::milliseconds(0));
  }
  if (dispatcher_->in_flight() > 0) {
    if (!plugin_swap_timer_) {
      plugin_swap_timer_ = std::make_unique<Timer>(reactor_, [this] { swap_plugins_when_idle(); });
    }
    plugin_swap_timer_->start(50);
    return;
  }
  auto kept = plugins_->kept_state();
  if (dispatcher_->given_up() > 0) {
    Poco::Logger::get("ampd.plugins")
        .warning("plugins swapped with %u given-up commands unfinished: the old ones stay loaded",
                 dispatcher_->given_up());
    plugins_->retire();
    retired_plugins_.push_back(std::move(plugins_));
  }
  plugins_.reset();  // unloads every plugin (each may keep state) and empties the registry
  load_plugins(std::move(kept));
  apply_permissions();
  publish_settings();
  Poco::Logger::get("ampd.plugins")
      .information("plugins reloaded: %z commands", registry_.commands().size());
}

void Server::begin_shutdown() {
  if (stopping_.exchange(true)) {
    reactor_.stop();  // a second signal: stop now
    return;
  }
  Poco::Logger::get("ampd").information("termination requested: finishing commands in flight");
  acceptor_.pause();
  shutdown_deadline_ =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdown_timeout_ms);
  shutdown_timer_ = std::make_unique<Timer>(reactor_, [this] {
    const bool idle = dispatcher_->in_flight() == 0;
    if (idle || std::chrono::steady_clock::now() >= shutdown_deadline_) finish_shutdown();
  });
  shutdown_timer_->start(20, true);
}

void Server::finish_shutdown() {
  shutdown_timer_->cancel();
  shards_.for_each_session([](ClientSession& s) { s.say_goodbye(); });
  // Give the goodbyes a moment to leave, then stop.
  shutdown_timer_ = std::make_unique<Timer>(reactor_, [this] { reactor_.stop(); });
  shutdown_timer_->start(acceptor_.clients() == 0 ? 0 : 200);
}

}  // namespace ampd
