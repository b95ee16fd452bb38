#include "server.hpp"

#include <Poco/Logger.h>

#include <csignal>

#include "stream_transport.hpp"
#include "text.hpp"
#include "version.hpp"
#include "websocket_transport.hpp"

namespace ampd {

Server::Server(Config config, std::shared_ptr<const UserStore> users)
    : config_(std::move(config)),
      users_(std::move(users)),
      workers_(config_.worker_threads, config_.worker_queue),
      profiles_(config_.users_file),
      asterisk_(std::make_unique<AsteriskLink>(reactor_, config_.asterisk, *this)) {
  login_throttle_.configure(config_.login_attempts,
                            std::chrono::milliseconds(config_.login_window_ms));
  load_plugins();
  apply_permissions();
  dispatcher_ = std::make_unique<CommandDispatcher>(
      registry_, workers_, *asterisk_,
      [this](std::function<void()> task) { reactor_.post(std::move(task)); });
}

Server::~Server() {
  workers_.stop();  // workers post back to the reactor and call Asterisk; stop them first
  sessions_.clear();
  asterisk_.reset();  // fails the actions still waiting, which may run plugin callbacks
  dispatcher_.reset();
  plugins_.reset();
}

void Server::start() {
  if (!config_.statistics_file.empty()) {
    std::string error;
    if (!statistics_.load_file(config_.statistics_file, error)) {
      Poco::Logger::get("ampd").error("statistics not restored from %s: %s",
                                      config_.statistics_file, error);
    }
    statistics_saved_ = statistics_.changes();
    statistics_timer_ = std::make_unique<Timer>(reactor_, [this] { save_statistics(false); });
    statistics_timer_->start(config_.statistics_interval_ms, true);
  }
  listen(config_.listen, Transport::Stream, "listening on %s (port %d)");
  if (!config_.listen_tls.empty() || !config_.listen_wss.empty()) {
    TlsLoadError error;
    tls_ = TlsContext::load(config_.tls_certificate, config_.tls_key, error);
    if (!tls_) throw std::runtime_error("[server] " + error.key + ": " + error.text);
  }
  // After the plain listeners, and without "(port ": tests read the first such line.
  listen(config_.listen_tls, Transport::TlsStream, "tls listening on %s (tls port %d)");
  if (config_.listen_ws.empty() && config_.listen_wss.empty()) return;
  websocket_options_ = make_websocket_options(config_);
  listen(config_.listen_ws, Transport::WebSocket, "ws listening on %s (ws port %d)");
  listen(config_.listen_wss, Transport::TlsWebSocket, "wss listening on %s (wss port %d)");
}

void Server::listen(const std::vector<std::string>& addresses, Transport transport,
                    const char* log_format) {
  for (const auto& address : addresses) {
    listeners_.push_back(std::make_unique<Listener>(
        reactor_, address,
        [this, transport](int fd, std::string peer) { accept(fd, std::move(peer), transport); }));
    ports_.push_back(listeners_.back()->port());
    Poco::Logger::get("ampd").information(log_format, address, listeners_.back()->port());
  }
}

std::shared_ptr<const WebSocketOptions> Server::make_websocket_options(const Config& config) {
  auto options = std::make_shared<WebSocketOptions>();
  options->allowed_origins = config.allowed_origins;
  options->max_message = config.limits.max_message;
  const auto dir = config.web_root.empty() ? std::string(kDefaultWebRoot) : config.web_root;
  std::string error;
  options->web_root = WebRoot::load(dir, error);
  if (!error.empty()) Poco::Logger::get("ampd").warning("%s", error);
  Poco::Logger::get("ampd").debug("web root %s: %z files", dir, options->web_root->size());
  return options;
}

void Server::run(std::function<void()> on_running) {
  if (asterisk_->empty()) {
    Poco::Logger::get("ampd").warning(
        "no [asterisk.NAME] section: commands that need Asterisk will fail");
  }
  asterisk_->start();
  reactor_.on_signal(SIGINT, [this] { begin_shutdown(); });
  reactor_.on_signal(SIGTERM, [this] { begin_shutdown(); });
  reactor_.on_signal(SIGHUP, [this] { reload(); });
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
  pthread_sigmask(SIG_UNBLOCK, &held, nullptr);  // held since main(); see there
  // Runs inside the loop: whoever waits for it knows signals are handled from then on.
  if (on_running) reactor_.post(std::move(on_running));
  reactor_.run();
}

void Server::accept(int fd, std::string peer, Transport transport) {
  const auto id = next_session_id_++;
  const bool tls = transport == Transport::TlsStream || transport == Transport::TlsWebSocket;
  auto connection = tls ? std::make_unique<Connection>(reactor_, fd, std::move(peer), *tls_)
                        : std::make_unique<Connection>(reactor_, fd, std::move(peer));
  const bool full = sessions_.size() >= config_.max_clients;
  Poco::Logger::get("ampd.client").debug("client %s connected", connection->peer());
  std::unique_ptr<ClientTransport> framing;
  if (transport == Transport::WebSocket || transport == Transport::TlsWebSocket) {
    framing = std::make_unique<WebSocketTransport>(std::move(connection), websocket_options_);
  } else {
    framing = std::make_unique<StreamTransport>(std::move(connection));
  }
  auto session = std::make_unique<ClientSession>(*this, id, std::move(framing));
  session->start();
  if (full) {
    session->close_with_error(
        "Too many clients (limit " + std::to_string(config_.max_clients) + "), try again later",
        "too many clients");
  }
  sessions_.emplace(id, std::move(session));
}

void Server::session_closed(std::uint64_t id, const std::string& reason) {
  Poco::Logger::get("ampd.client").debug("client %Lu closed: %s", id, reason);
  // The session is inside its own callback: destroy it once the callback has returned.
  reactor_.post([this, id] { sessions_.erase(id); });
}

void Server::load_plugins() {
  const auto dir = config_.plugin_dir.empty() ? std::string(kDefaultPluginDir) : config_.plugin_dir;
  plugins_ = std::make_unique<PluginLoader>(registry_);
  if (!plugins_->load_directory(dir)) {
    Poco::Logger::get("ampd").error("cannot read the plugin directory %s: no commands", dir);
    return;
  }
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
      fresh.worker_threads != config_.worker_threads) {
    log.warning(
        "listen addresses, [asterisk.*] sections and worker_threads change on restart only");
  }
  // A renewed certificate is taken for new TLS clients; connected ones keep their session.
  if (tls_) {
    TlsLoadError error;
    if (auto renewed = TlsContext::load(fresh.tls_certificate, fresh.tls_key, error)) {
      tls_ = std::move(renewed);
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
  if (websocket_options_) websocket_options_ = make_websocket_options(fresh);
  fresh.asterisk = config_.asterisk;
  fresh.worker_threads = config_.worker_threads;
  config_ = std::move(fresh);
  users_ = std::move(users);
  profiles_.set_users_file(config_.users_file);
  login_throttle_.configure(config_.login_attempts,
                            std::chrono::milliseconds(config_.login_window_ms));
  log.information("reloaded: %z users", users_->users().size());
  swap_plugins_when_idle();
}

// Handlers run on workers without locks on the registry, and async ones wait for Asterisk with
// a plugin callback, so plugins are swapped only at a moment when no command is in flight, even
// one whose client has gone; until then commands keep running on the loaded plugins.
void Server::swap_plugins_when_idle() {
  if (dispatcher_->in_flight() > 0) {
    if (!plugin_swap_timer_) {
      plugin_swap_timer_ = std::make_unique<Timer>(reactor_, [this] { swap_plugins_when_idle(); });
    }
    plugin_swap_timer_->start(50);
    return;
  }
  plugins_.reset();  // unloads every plugin and empties the registry
  load_plugins();
  apply_permissions();
  Poco::Logger::get("ampd.plugins")
      .information("plugins reloaded: %z commands", registry_.commands().size());
}

void Server::begin_shutdown() {
  if (stopping_) {
    reactor_.stop();  // a second signal: stop now
    return;
  }
  stopping_ = true;
  Poco::Logger::get("ampd").information("termination requested: finishing commands in flight");
  for (auto& l : listeners_) l->pause();
  shutdown_deadline_ =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdown_timeout_ms);
  shutdown_timer_ = std::make_unique<Timer>(reactor_, [this] {
    unsigned busy = dispatcher_->in_flight();
    for (const auto& [id, s] : sessions_) busy += s->in_flight();  // also profile commands
    const bool idle = busy == 0;
    if (idle || std::chrono::steady_clock::now() >= shutdown_deadline_) finish_shutdown();
  });
  shutdown_timer_->start(20, true);
}

void Server::finish_shutdown() {
  shutdown_timer_->cancel();
  save_statistics(true);
  for (auto& [id, s] : sessions_) s->say_goodbye();
  // Give the goodbyes a moment to leave, then stop.
  shutdown_timer_ = std::make_unique<Timer>(reactor_, [this] { reactor_.stop(); });
  shutdown_timer_->start(sessions_.empty() ? 0 : 200);
}

void Server::apply_permissions() {
  for (const auto& [name, type] : config_.permissions) {
    if (registry_.set_privilege(name, type)) {
      Poco::Logger::get("ampd").information("permissions: %s needs %s", name,
                                            std::string(client_type_name(type)));
    } else {
      Poco::Logger::get("ampd").warning("[permissions] %s: no plugin provides this command", name);
    }
  }
}

void Server::run_profile_command(ClientSession& session, const Message& request) {
  const auto id = session.id();
  const auto by = session.identity().user;
  const bool posted = workers_.try_post([this, id, request, by] {
    auto outcome = profiles_.run(request.get("Action"), request, by);
    reactor_.post([this, id, request, outcome = std::move(outcome)] {
      if (outcome.users) users_ = outcome.users;
      if (auto* s = this->session(id)) s->complete(outcome.reply, request);
      if (outcome.deleted_user.empty()) return;
      for (auto& [other_id, other] : sessions_) {
        if (other->logged_in() && iequals(other->identity().user, outcome.deleted_user)) {
          other->close_with_error("Your profile was deleted", "profile deleted");
        }
      }
    });
  });
  if (!posted) {
    Reply busy;
    busy.action = request.get("Action");
    busy.success = false;
    busy.message = "Server busy: too many commands waiting, try again later";
    session.complete(busy, request);
  }
}

ClientSession* Server::session(std::uint64_t id) {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Server::on_asterisk_event(const std::string& server, const Message& event) {
  // With several servers, native clients need to know where an event comes from.
  Message tagged;
  const Message* out = &event;
  if (asterisk_->size() > 1) {
    tagged = event;
    tagged.add("Server", server);
    out = &tagged;
  }
  statistics_.on_event(server, event, std::chrono::system_clock::now());
  RenderedEvent rendered(*out);
  for (auto& [id, session] : sessions_) session->deliver_event(rendered);
}

void Server::on_link_state(const std::string& server, bool up) {
  statistics_.on_link_state(server, up, std::chrono::system_clock::now());
}

void Server::save_statistics(bool now) {
  if (config_.statistics_file.empty() || statistics_.changes() == statistics_saved_) return;
  statistics_saved_ = statistics_.changes();
  auto save = [this, path = config_.statistics_file] {
    std::string error;
    if (!statistics_.save_atomically(path, error)) {
      Poco::Logger::get("ampd").error("statistics snapshot not written: %s", error);
    }
  };
  // The file work is done on a worker; at shutdown, right here.
  if (now || !workers_.try_post(save)) save();
}

Reply Server::statistics_command(const Message& request) {
  const auto now = std::chrono::system_clock::now();
  std::uint64_t logged_in = 0;
  for (const auto& [id, s] : sessions_) logged_in += s->logged_in() ? 1 : 0;
  statistics_.set_counters({logged_in, actions_run_, delivered_events_});
  if (iequals(request.get("Action"), "AgentActivity")) {
    return statistics_.agent_activity(request.get("Agent"), now);
  }
  return statistics_.statistic_info(request.get("Type"), request.get("Queue"), request.get("Agent"),
                                    now);
}

void Server::on_session_event(std::uint64_t session_id, const Message& event) {
  if (auto* s = session(session_id)) s->send(event);
}

bool Server::check_login_async(ClientSession& session, const Message& request) {
  const LoginPolicy policy{config_.format,
                           config_.trust && config_.trusted_networks.contains_peer(session.peer()),
                           &login_cache_, session.challenge()};
  const auto id = session.id();
  return workers_.try_post([this, id, request, policy, users = users_] {
    const auto result = check_login(request, *users, policy);
    reactor_.post([this, id, request, result] {
      const auto it = sessions_.find(id);
      if (it != sessions_.end()) it->second->on_login_checked(request, result);
    });
  });
}

}  // namespace ampd
