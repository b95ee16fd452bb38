// Single-threaded poll() event loop: accepts AMI clients, parses requests,
// runs actions one at a time per session, fans events out, runs timers.
// All sockets are non-blocking; every output buffer is capped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "message.h"
#include "options.h"
#include "session.h"
#include "state.h"

namespace sim {

class Server {
 public:
  using Clock = std::chrono::steady_clock;

  Server(const Options& opt, SimState& state);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; prints "LISTENING <port>" on stdout.
  bool start(std::string& error);
  // Runs until SIGTERM/SIGINT.
  void run();
  static void install_signal_handlers();

  const Options& opt() const { return opt_; }
  SimState& state() { return state_; }

  // --- used by actions ---
  void send(Session& s, const Message& m);
  void send_raw(Session& s, std::string_view bytes);
  // Sends an event to every logged-in session whose event mask covers its class.
  void broadcast(const Message& ev);
  void broadcast_raw(uint32_t event_class, std::string_view bytes);
  uint64_t after(int ms, std::function<void()> fn);
  void cancel_timer(uint64_t id);
  Session* session(uint64_t id);
  // Completes a held action (sync Originate, SimSleep): flushes its events, runs the next.
  void finish_action(uint64_t session_id);
  void close_after_flush(Session& s) { s.closing = true; }
  // Queues actions on an internal session (used by --script).
  void run_script(std::deque<RequestParser::Item> items);

  // --events-per-second max: called to top up an idle session's output.
  std::function<void(Session&)> refill;
  static constexpr size_t kRefillLowWater = 256 * 1024;

 private:
  struct Timer {
    Clock::time_point when;
    std::function<void()> fn;
  };

  void accept_clients();
  void read_session(Session& s);
  void process_inbox(Session& s);
  void write_session(Session& s);
  void run_timers();
  void reap();
  int poll_timeout_ms() const;
  void append(Session& s, std::string_view bytes, bool is_event);

  const Options& opt_;
  SimState& state_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  uint64_t next_session_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Session>> sessions_;  // id order = connection order
  uint64_t next_timer_id_ = 1;
  std::map<uint64_t, Timer> timers_;
  std::multimap<Clock::time_point, uint64_t> timer_order_;
};

}  // namespace sim
