// One benchmark client: connects, logs in (to the simulator or to ampd), then plays its role,
// checking every event's sequence and every answer's ActionID as it goes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loop.hpp"
#include "stats.hpp"
#include "wire.hpp"

namespace bench {

enum class Role {
  Reader,     // reads events at full speed
  RoundTrip,  // one action outstanding, the next sent as soon as the answer arrives
  Idle,       // logged in, sends nothing
  Stalled,    // logged in, never reads again
};

// Shared by the clients of one measurement.
struct Measure {
  bool measuring = false;            // inside the measurement window
  std::int64_t wall_us = 0;          // wall clock of the current read, for event latency
  Histogram latency;                 // event latency or round-trip time, in the window
  std::uint64_t logged_in = 0;       // clients past login
  std::uint64_t failed = 0;          // clients that could not connect or log in, or were dropped
  std::uint64_t errors = 0;          // wrong answers or events
  std::vector<std::string> samples;  // the first few errors and failures, for the report
  void error(const std::string& text);
};

struct ClientSetup {
  int port = 0;
  bool via_ampd = false;
  Wire wire = Wire::Native;
  Role role = Role::Reader;
  std::string action;  // RoundTrip: the action to repeat
};

class Client : public IoHandler {
 public:
  enum class State { New, Connecting, Banner, LoggingIn, Ready, Failed, Closed };

  Client(Loop& loop, Measure& measure, const ClientSetup& setup, int index);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();
  // Readers and stalled clients log in with events off (a server busy feeding the first
  // clients would log the others in slowly and unevenly) and turn them on all at once.
  void enable_events();
  void close();
  State state() const { return state_; }
  void on_io(std::uint32_t events) override;

  std::uint64_t window_events = 0;   // events read inside the window
  std::uint64_t dropped = 0;         // sequence numbers ampd announced as dropped
  std::uint64_t window_actions = 0;  // answers inside the window

 private:
  void fail(const std::string& why);
  void send(std::string_view bytes);
  void flush();
  void read_input();
  void on_message(std::string_view message);
  void on_login_answer(std::string_view message);
  void on_event(std::string_view message);
  void on_answer(std::string_view message);
  void send_action();
  void want(std::uint32_t events);

  Loop& loop_;
  Measure& measure_;
  ClientSetup setup_;
  int index_;
  int fd_ = -1;
  State state_ = State::New;
  std::uint32_t interest_ = 0;
  std::vector<char> in_;
  std::size_t in_begin_ = 0, in_end_ = 0;
  std::string out_;
  bool seen_sequence_ = false;
  std::uint64_t last_sequence_ = 0;
  std::uint64_t announced_drops_ = 0;
  std::uint64_t actions_sent_ = 0;
  bool events_answer_pending_ = false;
  std::string expected_id_;
  std::int64_t sent_at_us_ = 0;
};

}  // namespace bench
