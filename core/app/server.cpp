#include "app/server.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <csignal>
#include <utility>

#include "app/version.hpp"

namespace ampd {

Server::Server(Config config, std::shared_ptr<const UserStore> users)
    : config_(std::move(config)),
      users_(std::move(users)),
      workers_(config_.worker_threads, config_.worker_queue),
      profiles_(config_.users_file),
      asterisk_(std::make_unique<AsteriskLink>(reactor_, config_.asterisk, *this)),
      shards_(reactor_, config_.io_threads),
      acceptor_(reactor_, shards_, *this),
      delivery_(reactor_, shards_, [this](bool pause) { asterisk_->pause_events(pause); }) {
  configure_login_throttle();
  acceptor_.set_max_clients(config_.max_clients);
  host_facts_ = make_host_facts();
  load_plugins();
  apply_permissions();
  dispatcher_ = std::make_unique<CommandDispatcher>(
      registry_, workers_, *asterisk_,
      [this](std::function<void()> task) { reactor_.post(std::move(task)); });
  publish_settings();
  overdue_timer_ = std::make_unique<Timer>(reactor_, [this] {
    dispatcher_->give_up_overdue(std::chrono::milliseconds(config_.command_timeout_ms));
  });
  overdue_timer_->start(std::min(1000u, config_.command_timeout_ms), true);
}

Server::~Server() {
  workers_.stop();  // workers post back to the reactors and call Asterisk; stop them first
  shards_.stop();
  shards_.clear();    // sessions post to the main reactor
  asterisk_.reset();  // fails the actions still waiting, which may run plugin callbacks
  // A plugin may finish a request it still holds as it unloads: the dispatcher hears of it.
  plugins_.reset();
  retired_plugins_.clear();
  dispatcher_.reset();
}

void Server::start() {
  using Transport = Acceptor::Transport;
  acceptor_.listen(config_.listen, Transport::Stream, "listening on %s (port %d)");
  if (!config_.listen_tls.empty() || !config_.listen_wss.empty()) {
    TlsLoadError error;
    auto tls = TlsContext::load(config_.tls_certificate, config_.tls_key, error);
    if (!tls) throw std::runtime_error("[server] " + error.key + ": " + error.text);
    acceptor_.set_tls(std::move(tls));
  }
  // After the plain listeners, and without "(port ": tests read the first such line.
  acceptor_.listen(config_.listen_tls, Transport::TlsStream, "tls listening on %s (tls port %d)");
  if (config_.listen_ws.empty() && config_.listen_wss.empty()) return;
  acceptor_.set_websocket_options(make_websocket_options(config_));
  acceptor_.listen(config_.listen_ws, Transport::WebSocket, "ws listening on %s (ws port %d)");
  acceptor_.listen(config_.listen_wss, Transport::TlsWebSocket,
                   "wss listening on %s (wss port %d)");
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
  shards_.publish(std::move(settings));
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
  shards_.start();
  if (on_running) reactor_.post(std::move(on_running));
  reactor_.run();
  shards_.stop();
}

std::string Server::asterisk_banner() const {
  const auto version = asterisk_->info("").ami_version;
  return version.empty() ? std::string() : "Asterisk Call Manager/" + version;
}

void Server::run_command(IoShard& shard, const Identity& who, std::uint64_t id,
                         const Message& request) {
  auto dispatch = [this, id](const Identity& identity, const Message& command) {
    // The answer echoes only the request's ActionID: keep that rather than the whole request.
    Message echo;
    if (auto action_id = command.find("ActionID")) echo.add("ActionID", *action_id);
    dispatcher_->dispatch(identity, id, command, [this, id, echo](Reply reply) {
      shards_.with_session(
          id, [reply = std::move(reply), echo](ClientSession& s) { s.complete(reply, echo); });
    });
  };
  if (shard.is_main()) return dispatch(who, request);
  reactor_.post([dispatch, who, request] { dispatch(who, request); });
}

void Server::pass_through(IoShard& shard, const Identity& who, std::uint64_t id,
                          const Message& request) {
  auto forward = [this, id](const Identity& identity, const Message& action) {
    auto name = action.get("Action");
    Message echo;
    if (auto action_id = action.find("ActionID")) echo.add("ActionID", *action_id);
    auto end = [this, id, name, echo](std::string error) {
      shards_.with_session(id, [name, echo, error = std::move(error)](ClientSession& s) {
        s.relayed(name, echo, error);
      });
    };
    // One of ampd's commands that is also Asterisk's action keeps that command's privilege.
    std::optional<ClientType> needed;
    if (const auto* command = registry_.find(name)) needed = command->privilege;
    if (auto error = passthrough_.check(identity, action, needed); !error.empty()) {
      return end(error);
    }
    // Everything the client sent goes to Asterisk but Server, which is ampd's.
    Message forwarded = action;
    forwarded.remove("Server");
    const auto wait = answer_wait(action);
    // Each part is held until its session has written it (or is gone): see StreamFlow.
    auto flow = std::make_shared<StreamFlow>(reactor_);
    asterisk_->stream(
        {id, echo.get("ActionID")}, action.get("Server"), std::move(forwarded), wait,
        [this, id, name, flow](Message& part) {
          auto held = std::shared_ptr<void>(nullptr, [flow](void*) { flow->release(); });
          shards_.with_session(id, [name, part, held](ClientSession& s) { s.relay(name, part); });
        },
        [end](AmiResult result) { end(result.ok() ? std::string() : result.error); }, flow);
  };
  if (shard.is_main()) return forward(who, request);
  reactor_.post([forward, who, request] { forward(who, request); });
}

void Server::on_asterisk_event(const std::string& server, const Message& event) {
  plugins_->deliver_event(server, event);
  // With several servers, native clients need to know where an event comes from.
  if (asterisk_->size() <= 1) return delivery_.deliver(event);
  Message tagged = event;
  tagged.add("Server", server);
  delivery_.deliver(tagged);
}

void Server::on_session_event(std::uint64_t session_id, const Message& event) {
  shards_.with_session(session_id, [event](ClientSession& s) { s.send(event); });
}

void Server::on_link_state(const std::string& server, bool up) {
  const auto [it, added] = links_.try_emplace(server);
  if (!added && it->second.up == up) return;  // a reconnect that failed again
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  it->second = {up, std::chrono::duration_cast<std::chrono::milliseconds>(now).count()};
  plugins_->deliver_link_state(server, it->second);
}

std::shared_ptr<const HostFacts> Server::make_host_facts() {
  auto facts = std::make_shared<HostFacts>();
  const auto started =
      std::chrono::duration_cast<std::chrono::milliseconds>(started_.time_since_epoch()).count();
  facts->counters = [this, started] {
    ServerCounters c;
    c.started_ms = started;
    std::int64_t logged_in = 0;
    for (const auto& shard : shards_) {
      logged_in += shard->logged_in.load(std::memory_order_relaxed);
      c.actions_run += shard->actions_run.load(std::memory_order_relaxed);
      c.events_delivered += shard->delivered_events.load(std::memory_order_relaxed);
    }
    c.clients_logged_in = static_cast<std::uint64_t>(std::max<std::int64_t>(logged_in, 0));
    return c;
  };
  facts->links = [this] { return links_; };
  return facts;
}

void Server::configure_login_throttle() {
  using std::chrono::milliseconds;
  login_throttle_.configure(
      {config_.login_attempts, config_.login_user_attempts, config_.login_spray_attempts,
       milliseconds(config_.login_backoff_initial_ms), milliseconds(config_.login_backoff_max_ms),
       milliseconds(config_.login_window_ms)});
}

bool Server::check_login_async(ClientSession& session, const Message& request) {
  const auto& shard = shards_.of(session.id());
  const auto& config = shard.config();
  const LoginPolicy policy{config.format,
                           config.trust && config.trusted_networks.contains_peer(session.peer()),
                           &login_cache_, session.challenge()};
  const auto id = session.id();
  return workers_.try_post([this, id, request, policy, users = shard.users()] {
    const auto result = check_login(request, *users, policy);
    auto& shard = shards_.of(id);
    shard.reactor().post([&shard, id, request, result] {
      if (auto* s = shard.find(id)) s->on_login_checked(request, result);
    });
  });
}

}  // namespace ampd
