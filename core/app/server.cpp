#include "app/server.hpp"

#include <Poco/Logger.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <utility>

#include "app/version.hpp"
#include "base/text.hpp"
#include "clients/stream_transport.hpp"
#include "clients/websocket_transport.hpp"
#include "commands/core_commands.hpp"

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
  if (config_.io_threads == 1) {
    shards_.push_back(std::make_unique<IoShard>(reactor_));
  } else {
    for (unsigned i = 0; i < config_.io_threads; ++i)
      shards_.push_back(std::make_unique<IoShard>());
  }
  publish_settings();
}

Server::~Server() {
  workers_.stop();  // workers post back to the reactors and call Asterisk; stop them first
  for (auto& shard : shards_) shard->stop();
  for (auto& shard : shards_) shard->clear();  // sessions post to the main reactor
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

void Server::publish_settings() {
  auto settings = std::make_shared<SessionSettings>();
  settings->config = config_;
  settings->users = users_;
  settings->commands = registry_;
  std::shared_ptr<const SessionSettings> published = std::move(settings);
  for (auto& shard : shards_) {
    shard->run([shard = shard.get(), published] { shard->set_settings(published); });
  }
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
  for (auto& shard : shards_) shard->start();
  if (on_running) reactor_.post(std::move(on_running));
  reactor_.run();
  for (auto& shard : shards_) shard->stop();
}

void Server::accept(int fd, std::string peer, Transport transport) {
  const auto id = next_session_id_++;
  const bool full = clients_.fetch_add(1) >= config_.max_clients;
  auto& shard = shard_of(id);
  if (shard.is_main()) {
    return open_session(shard, id, fd, peer, transport, full, tls_, websocket_options_);
  }
  // The socket is the task's until the shard takes it: closed if the task is dropped unrun.
  auto socket = std::shared_ptr<int>(new int(fd), [](int* owned) {
    if (*owned >= 0) ::close(*owned);
    delete owned;
  });
  shard.run([this, &shard, id, socket, peer = std::move(peer), transport, full, tls = tls_,
             websocket = websocket_options_] {
    open_session(shard, id, std::exchange(*socket, -1), peer, transport, full, tls, websocket);
  });
}

// On the shard's thread: its connections must be made on its own event_base.
void Server::open_session(IoShard& shard, std::uint64_t id, int fd, const std::string& peer,
                          Transport transport, bool full,
                          const std::shared_ptr<const TlsContext>& tls,
                          const std::shared_ptr<const WebSocketOptions>& websocket) {
  const bool secure = transport == Transport::TlsStream || transport == Transport::TlsWebSocket;
  auto connection = secure ? Connection::accept_tls(shard.reactor(), fd, peer, *tls)
                           : Connection::accept(shard.reactor(), fd, peer);
  Poco::Logger::get("ampd.client").debug("client %s connected", connection->peer());
  std::unique_ptr<ClientTransport> framing;
  if (transport == Transport::WebSocket || transport == Transport::TlsWebSocket) {
    framing = std::make_unique<WebSocketTransport>(std::move(connection), websocket);
  } else {
    framing = std::make_unique<StreamTransport>(std::move(connection));
  }
  auto session = std::make_unique<ClientSession>(*this, shard, id, std::move(framing));
  session->start();
  if (full) {
    session->close_with_error("Too many clients (limit " +
                                  std::to_string(shard.config().max_clients) + "), try again later",
                              "too many clients");
  }
  shard.add(id, std::move(session));
}

void Server::session_closed(std::uint64_t id, const std::string& reason) {
  Poco::Logger::get("ampd.client").debug("client %Lu closed: %s", id, reason);
  // The session is inside its own callback: destroy it once the callback has returned.
  auto& shard = shard_of(id);
  shard.reactor().post([this, &shard, id] {
    if (shard.erase(id)) clients_.fetch_sub(1);
  });
}

void Server::run_command(IoShard& shard, const Identity& who, std::uint64_t id,
                         const Message& request) {
  auto dispatch = [this, id](const Identity& identity, const Message& command) {
    // The answer echoes only the request's ActionID: keep that rather than the whole request.
    Message echo;
    if (auto action_id = command.find("ActionID")) echo.add("ActionID", *action_id);
    dispatcher_->dispatch(identity, id, command, [this, id, echo](Reply reply) {
      with_session(id,
                   [reply = std::move(reply), echo](ClientSession& s) { s.complete(reply, echo); });
    });
  };
  if (shard.is_main()) return dispatch(who, request);
  reactor_.post([dispatch, who, request] { dispatch(who, request); });
}

CoreHandler Server::core_handler(CoreVerb verb) {
  if (verb == CoreVerb::StatisticInfo || verb == CoreVerb::AgentActivity) {
    return [this, verb](const Identity&, const Message& request, std::function<void(Reply)> done) {
      done(statistics_command(verb, request));
    };
  }
  return
      [this, verb](const Identity& who, const Message& request, std::function<void(Reply)> done) {
        run_profile_command(verb, who, request, std::move(done));
      };
}

void Server::load_plugins() {
  const auto dir = config_.plugin_dir.empty() ? std::string(kDefaultPluginDir) : config_.plugin_dir;
  // The core's commands first, afresh: [permissions] may have changed since they were added.
  registry_.remove_plugin(kCorePlugin);
  add_core_commands(registry_, [this](CoreVerb verb) { return core_handler(verb); });
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
      fresh.worker_threads != config_.worker_threads || fresh.io_threads != config_.io_threads) {
    log.warning(
        "listen addresses, [asterisk.*] sections, worker_threads and io_threads change on restart "
        "only");
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
  fresh.io_threads = config_.io_threads;
  config_ = std::move(fresh);
  users_ = std::move(users);
  profiles_.set_users_file(config_.users_file);
  login_throttle_.configure(config_.login_attempts,
                            std::chrono::milliseconds(config_.login_window_ms));
  log.information("reloaded: %z users", users_->users().size());
  publish_settings();
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
  for (auto& l : listeners_) l->pause();
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
  save_statistics(true);
  for (auto& shard : shards_) {
    shard->run(
        [shard = shard.get()] { shard->for_each([](ClientSession& s) { s.say_goodbye(); }); });
  }
  // Give the goodbyes a moment to leave, then stop.
  shutdown_timer_ = std::make_unique<Timer>(reactor_, [this] { reactor_.stop(); });
  shutdown_timer_->start(clients_ == 0 ? 0 : 200);
}

void Server::apply_permissions() {
  for (const auto& [name, type] : config_.permissions) {
    std::string error;
    if (registry_.set_privilege(name, type, error)) {
      Poco::Logger::get("ampd").information("permissions: %s needs %s", name,
                                            std::string(client_type_name(type)));
    } else if (error == "no such command") {
      Poco::Logger::get("ampd").warning("[permissions] %s: no plugin provides this command", name);
    } else {
      Poco::Logger::get("ampd").warning("[permissions] %s: %s; ignored", name, error);
    }
  }
}

void Server::run_profile_command(CoreVerb verb, const Identity& who, const Message& request,
                                 std::function<void(Reply)> done) {
  auto job = [this, verb, request, by = who.user, done]() {
    auto outcome = profiles_.run(verb, request, by);
    reactor_.post([this, outcome = std::move(outcome), done] {
      if (outcome.users) {
        users_ = outcome.users;
        publish_settings();
      }
      done(outcome.reply);
      if (!outcome.deleted_user.empty()) close_sessions_of(outcome.deleted_user);
    });
  };
  if (!workers_.try_post(std::move(job))) {
    done(failed_reply(request.get("Action"),
                      "Server busy: too many commands waiting, try again later"));
  }
}

void Server::close_sessions_of(const std::string& user) {
  for (auto& shard : shards_) {
    shard->run([shard = shard.get(), user] {
      shard->for_each([&user](ClientSession& s) {
        if (s.logged_in() && iequals(s.identity().user, user)) {
          s.close_with_error("Your profile was deleted", "profile deleted");
        }
      });
    });
  }
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
  if (shards_.size() == 1 && shards_[0]->is_main()) {
    RenderedEvent rendered(*out);
    bool behind = false;
    shards_[0]->for_each([&rendered, &behind](ClientSession& s) {
      s.deliver_event(rendered);
      behind = behind || s.holds_back_events();
    });
    shards_[0]->clients_behind.store(behind, std::memory_order_relaxed);
    if (behind && !intake_paused_) check_event_intake();
    return;
  }
  // Every shard delivers the one copy; each variant is still rendered once, by whichever
  // shard needs it first.
  auto shared = std::make_shared<SharedEvent>(*out);
  for (auto& shard : shards_) {
    shard->event_backlog.fetch_add(1, std::memory_order_relaxed);
    shard->run([shard = shard.get(), shared] {
      bool behind = false;
      shard->for_each([&shared, &behind](ClientSession& s) {
        s.deliver_event(shared->rendered);
        behind = behind || s.holds_back_events();
      });
      shard->clients_behind.store(behind, std::memory_order_relaxed);
      shard->event_backlog.fetch_sub(1, std::memory_order_relaxed);
    });
  }
  if (!intake_paused_) check_event_intake();
}

// Events that come faster than the clients take them would fill every client's output to its
// cap and then be dropped, although each client reads as fast as it can. Paused, Asterisk waits
// instead, as it would for a direct client. What holds intake back: a shard far behind in
// delivering (an I/O thread slower than the main reactor), or a client behind that has been
// taking its output fast; a client that reads slowly or not at all does not (it meets its cap,
// and the others go on). Reading one 8 KiB block adds at most ~40 events to a backlog.
void Server::check_event_intake() {
  constexpr std::int64_t kPauseAt = 2048;
  constexpr std::int64_t kResumeAt = 256;
  std::int64_t worst = 0;
  bool behind = false;
  for (const auto& shard : shards_) {
    worst = std::max(worst, shard->event_backlog.load(std::memory_order_relaxed));
    behind = behind || shard->clients_behind.load(std::memory_order_relaxed);
  }
  if (!intake_paused_ && (worst >= kPauseAt || behind)) {
    intake_paused_ = true;
    asterisk_->pause_events(true);
    if (!intake_timer_) {
      intake_timer_ = std::make_unique<Timer>(reactor_, [this] { check_event_intake(); });
    }
    intake_timer_->start(1, true);
  } else if (intake_paused_ && worst <= kResumeAt && !behind) {
    intake_paused_ = false;
    intake_timer_->cancel();
    asterisk_->pause_events(false);
  } else if (intake_paused_) {
    // Nothing is delivered while paused: the shards look at their clients again.
    for (auto& shard : shards_) {
      if (shard->scan_posted.exchange(true, std::memory_order_relaxed)) continue;
      shard->run([shard = shard.get()] { shard->scan_clients(); });
    }
  }
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

Reply Server::statistics_command(CoreVerb verb, const Message& request) {
  const auto now = std::chrono::system_clock::now();
  std::int64_t logged_in = 0;
  std::uint64_t actions = 1;  // this one, answered after the counters are read
  std::uint64_t delivered = 0;
  for (const auto& shard : shards_) {
    logged_in += shard->logged_in.load(std::memory_order_relaxed);
    actions += shard->actions_run.load(std::memory_order_relaxed);
    delivered += shard->delivered_events.load(std::memory_order_relaxed);
  }
  statistics_.set_counters(
      {static_cast<std::uint64_t>(std::max<std::int64_t>(logged_in, 0)), actions, delivered});
  if (verb == CoreVerb::AgentActivity) {
    return statistics_.agent_activity(request.get("Agent"), now);
  }
  return statistics_.statistic_info(request.get("Type"), request.get("Queue"), request.get("Agent"),
                                    now);
}

void Server::on_session_event(std::uint64_t session_id, const Message& event) {
  with_session(session_id, [event](ClientSession& s) { s.send(event); });
}

bool Server::check_login_async(ClientSession& session, const Message& request) {
  const auto& shard = shard_of(session.id());
  const auto& config = shard.config();
  const LoginPolicy policy{config.format,
                           config.trust && config.trusted_networks.contains_peer(session.peer()),
                           &login_cache_, session.challenge()};
  const auto id = session.id();
  return workers_.try_post([this, id, request, policy, users = shard.users()] {
    const auto result = check_login(request, *users, policy);
    auto& shard = shard_of(id);
    shard.reactor().post([&shard, id, request, result] {
      if (auto* s = shard.find(id)) s->on_login_checked(request, result);
    });
  });
}

}  // namespace ampd
