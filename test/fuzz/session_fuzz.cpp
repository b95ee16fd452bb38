// Fuzz target: a whole client session through the real Server, in process: the input's bytes go
// to ampd over a loopback TCP connection (in chunks the first two bytes choose), ampd logs the
// client in (the users file below), runs its commands through the plugins of the build tree, and
// talks to a fake Asterisk that answers every action (echoing its fields, lists for *Status and
// *List actions, Follows output for Command) and raises an event for every action. Checks that
// nothing crashes, that the banner comes first and that every session ends: nothing may be left
// running once the client is gone.
//
// One Server lives for the whole fuzzing run; this thread drives its reactor (event_base_loop),
// as Server::run() would, while its worker threads check secrets and run plugin handlers.
#include <Poco/Logger.h>
#include <event2/event.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/server.hpp"
#include "auth/secret_hash.hpp"
#include "base/text.hpp"
#include "fuzz_support.hpp"
#include "net/connection.hpp"
#include "net/listener.hpp"
#include "net/reactor.hpp"
#include "net/timer.hpp"
#include "wire/input_decoder.hpp"
#include "wire/native_codec.hpp"

using namespace ampd;
using Clock = std::chrono::steady_clock;

namespace {

// ---- The fake Asterisk ----

class FakeAsterisk;

class FakeAmiSession : public ConnectionHandler {
 public:
  FakeAmiSession(FakeAsterisk& owner, std::unique_ptr<Connection> c)
      : owner_(owner), connection_(std::move(c)), decoder_(WireLimits{}) {
    connection_->set_handler(this);
    connection_->write("Asterisk Call Manager/9.0.0\r\n");
  }
  ~FakeAmiSession() override { connection_->set_handler(nullptr); }
  void send(const Message& m) {
    std::string out;
    render_native(m, out);
    connection_->write(out);
  }
  void send_raw(const std::string& bytes) { connection_->write(bytes); }
  bool events() const { return events_ && !connection_->closed(); }
  bool closed() const { return connection_->closed(); }

 private:
  void on_data(std::string_view bytes) override;
  void on_closed(const std::string&) override {}
  void answer(const Message& action);

  FakeAsterisk& owner_;
  std::unique_ptr<Connection> connection_;
  InputDecoder decoder_;
  bool events_ = false;
};

class FakeAsterisk {
 public:
  explicit FakeAsterisk(Reactor& reactor)
      : reactor_(reactor), listener_(reactor, "127.0.0.1:0", [this](int fd, std::string peer) {
          sessions_.push_back(std::make_unique<FakeAmiSession>(
              *this, Connection::accept(reactor_, fd, std::move(peer))));
        }) {}
  int port() const { return listener_.port(); }
  // An event on every connection that logged in with events on.
  void broadcast(const Message& event) {
    for (auto& s : sessions_) {
      if (s->events()) s->send(event);
    }
  }

 private:
  Reactor& reactor_;
  Listener listener_;
  std::vector<std::unique_ptr<FakeAmiSession>> sessions_;
};

void FakeAmiSession::on_data(std::string_view bytes) {
  decoder_.append(bytes);
  while (auto d = decoder_.next()) {
    if (d->kind == Decoded::Kind::Message) answer(d->message);
  }
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

void FakeAmiSession::answer(const Message& action) {
  const auto name = action.get("Action");
  const auto id = action.get("ActionID");
  if (iequals(name, "Login")) {
    events_ = iequals(action.get("Events"), "on");
    send({{"Response", "Success"}, {"ActionID", id}, {"Message", "Authentication accepted"}});
    if (events_)
      send({{"Event", "FullyBooted"}, {"Privilege", "system,all"}, {"Status", "Fully Booted"}});
    return;
  }
  if (iequals(name, "Ping")) {
    send({{"Response", "Success"}, {"ActionID", id}, {"Ping", "Pong"}, {"Timestamp", "1.0"}});
    return;
  }
  if (iequals(name, "CoreSettings")) {
    send({{"Response", "Success"},
          {"ActionID", id},
          {"AMIversion", "9.0.0"},
          {"AsteriskVersion", "20.5.0"},
          {"SystemName", "fake"}});
    return;
  }
  // Every other action raises an event carrying its fields, so events reach clients too.
  Message event{{"Event", "UserEvent"}, {"UserEvent", name}};
  for (const auto& h : action.headers()) {
    if (!iequals(h.name, "ActionID")) event.add(h.name, h.value);
  }
  owner_.broadcast(event);

  if (iequals(name, "Command")) {
    send_raw("Response: Follows\r\nPrivilege: Command\r\nActionID: " + id + "\r\n" +
             "output of: " + action.get("Command") + "\nline: with a colon\n\nafter a blank\n" +
             "--END COMMAND--\r\n\r\n");
    return;
  }
  if (ends_with(name, "Status") || ends_with(name, "List") || ends_with(name, "Show") ||
      iequals(name, "QueueSummary") || iequals(name, "Agents")) {
    send({{"Response", "Success"},
          {"ActionID", id},
          {"EventList", "start"},
          {"Message", "Results will follow"}});
    for (int i = 0; i < 2; ++i) {
      Message item{{"Event", name + "Entry"}, {"ActionID", id}, {"Item", std::to_string(i)}};
      for (const auto& h : action.headers()) {
        if (!iequals(h.name, "ActionID") && !iequals(h.name, "Action")) item.add(h.name, h.value);
      }
      send(item);
    }
    send({{"Event", name + "Complete"},
          {"ActionID", id},
          {"EventList", "Complete"},
          {"ListItems", "2"}});
    return;
  }
  Message response{{"Response", "Success"}, {"ActionID", id}, {"Message", name + " done"}};
  for (const auto& h : action.headers()) {
    if (!iequals(h.name, "ActionID") && !iequals(h.name, "Action")) response.add(h.name, h.value);
  }
  send(response);
  if (iequals(name, "Originate") && iequals(action.get("Async"), "true")) {
    send({{"Event", "OriginateResponse"},
          {"ActionID", id},
          {"Response", "Success"},
          {"Channel", action.get("Channel")},
          {"Reason", "4"}});
  }
}

// ---- The client side ----

class FuzzClient : public ConnectionHandler {
 public:
  std::string received;
  bool closed = false;
  Clock::time_point last_data = Clock::now();

 private:
  void on_data(std::string_view bytes) override {
    received.append(bytes);
    last_data = Clock::now();
  }
  void on_closed(const std::string&) override { closed = true; }
};

// ---- The world: one Server and one fake Asterisk for the whole run ----

struct World {
  std::filesystem::path dir;
  Reactor asterisk_reactor;  // the fake Asterisk runs on a thread of its own
  std::unique_ptr<FakeAsterisk> asterisk;
  std::thread asterisk_thread;
  std::unique_ptr<Server> server;
  std::unique_ptr<Timer> tick;
  std::uint64_t next_session = 1;

  Reactor& reactor() { return server->reactor(); }
  // Runs ampd's reactor for about `ms` milliseconds (one pass if 0).
  void pump(unsigned ms) {
    tick->start(ms);
    event_base_loop(reactor().base(), EVLOOP_ONCE);
  }
};

template <typename C>
void relax_login_throttle(C& config) {
  // Fuzzed logins come from 127.0.0.1 by the thousand; a login throttle (when the build has
  // one) would soon refuse them all and hide the login path from the fuzzer.
  if constexpr (requires { config.login_attempts; }) config.login_attempts = 0;
}

World& world() {
  // Never destroyed: the fuzzer exits with the world still running.
  static World* w = [] {
    Poco::Logger::root().setLevel(Poco::Message::PRIO_FATAL);
    auto* world = new World;
    char pattern[] = "/tmp/ampd-fuzz-session-XXXXXX";
    world->dir = mkdtemp(pattern);
    const auto hash = hash_secret("secret", 1000);
    std::ofstream(world->dir / "users.ini")
        << "[admin]\nsecret = " << hash << "\ntypes = administrator, monitor\n\n"
        << "[mon]\nsecret = " << hash << "\ntypes = monitor\n\n"
        << "[agent1]\nsecret = " << hash << "\ntypes = agent\nagentid = 1001\n"
        << "interface = PJSIP/1001\n\n"
        << "[xmlmon]\nsecret = " << hash << "\ntypes = monitor\nformat = xml\n\n";
    std::vector<std::string> problems;
    auto users = UserStore::load((world->dir / "users.ini").string(), problems);
    std::filesystem::remove_all(world->dir);
    for (const auto& p : problems) std::fprintf(stderr, "users.ini: %s\n", p.c_str());
    if (!users || !problems.empty()) fuzz::fail("users.ini for the session fuzzer has problems");

    world->asterisk = std::make_unique<FakeAsterisk>(world->asterisk_reactor);
    world->asterisk_thread = std::thread([world] { world->asterisk_reactor.run(); });

    Config config;
    config.listen = {"127.0.0.1:0"};
    config.plugin_dir = AMPD_FUZZ_PLUGIN_DIR;
    config.worker_threads = 2;
    config.shutdown_timeout_ms = 0;
    relax_login_throttle(config);
    AsteriskConfig pbx;
    pbx.name = "pbx";
    pbx.host = "127.0.0.1";
    pbx.port = world->asterisk->port();
    pbx.username = "ampd";
    pbx.secret = "amp111";
    pbx.action_timeout_ms = 1000;
    pbx.connect_timeout_ms = 1000;
    pbx.ping_interval_ms = 60000;
    pbx.command_connections = 2;
    config.asterisk.push_back(pbx);
    world->server = std::make_unique<Server>(config, users);
    world->tick = std::make_unique<Timer>(world->server->reactor(), [] {});
    world->server->start();
    world->server->asterisk().start();
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!world->server->asterisk().info("").connected && Clock::now() < deadline) {
      world->pump(5);
    }
    if (!world->server->asterisk().info("").connected) {
      fuzz::fail("ampd did not reach the fake Asterisk");
    }
    for (int i = 0; i < 50; ++i) world->pump(2);  // let the events connection finish booting
    return world;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& w = world();
  fuzz::Chunker chunks(data, size);
  FuzzClient client;
  std::string error;
  auto connection =
      Connection::connect(w.reactor(), "127.0.0.1", w.server->bound_ports().at(0), error);
  if (!connection) fuzz::fail("cannot connect to the in-process ampd");
  connection->set_handler(&client);
  const auto id = w.next_session++;

  const auto start = Clock::now();
  // The banner first, then the input chunk by chunk, a loop pass between chunks.
  while (client.received.find("\r\n") == std::string::npos && !client.closed &&
         Clock::now() - start < std::chrono::seconds(5)) {
    w.pump(1);
  }
  // The fake Asterisk's banner once the link has seen it, ampd's default before.
  AMPD_FUZZ_CHECK(client.received.starts_with("Asterisk Call Manager/"));
  for (auto chunk = chunks.next(); !chunk.empty() && !client.closed; chunk = chunks.next()) {
    connection->write(chunk);
    w.pump(0);
  }
  // Then until ampd is quiet: no output for a while and no command of this client running. A
  // session closed by Logoff may still be finishing an action passed through to Asterisk: it
  // too must be answered within the action timeout.
  client.last_data = Clock::now();
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (Clock::now() < deadline) {
    w.pump(2);
    auto* session = w.server->session(id);
    const bool busy = session != nullptr && session->in_flight() > 0;
    if (!busy &&
        (client.closed || Clock::now() - client.last_data > std::chrono::milliseconds(15))) {
      break;
    }
  }
  // Commands are answered within the action timeout (1 s here) or the session is stuck.
  if (auto* session = w.server->session(id); session != nullptr && session->in_flight() > 0) {
    fuzz::fail("a command was still running 3 s after the last input");
  }

  // Hang up; ampd must forget the session.
  connection->set_handler(nullptr);
  connection.reset();
  const auto gone_by = Clock::now() + std::chrono::seconds(3);
  while (w.server->session(id) != nullptr && Clock::now() < gone_by) w.pump(1);
  AMPD_FUZZ_CHECK(w.server->session(id) == nullptr);
  return 0;
}
