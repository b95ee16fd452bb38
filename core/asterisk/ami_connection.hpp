// One manager session to Asterisk: connect, read the banner, log in, wait for FullyBooted (event
// connections), keep alive with Ping, and reconnect forever with capped exponential backoff.
// Actions and their answers are the owner's business (AsteriskServer); this class only moves
// messages and keeps the session up.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "asterisk/ami_parser.hpp"
#include "config/config.hpp"
#include "net/connection.hpp"
#include "net/reactor.hpp"
#include "net/timer.hpp"

namespace ampd {

// Makes ActionIDs that are never reused within a process and differ between processes.
class ActionIds {
 public:
  ActionIds();
  std::string next();
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  unsigned long long counter_ = 0;
};

class AmiConnection : public ConnectionHandler {
 public:
  enum class Role { Events, Command };
  enum class State { Waiting, Connecting, LoggingIn, Booting, Ready };

  struct Callbacks {
    std::function<void(AmiConnection&)> ready;
    std::function<void(AmiConnection&, const std::string& reason)> lost;
    std::function<void(AmiConnection&, Message&)> message;
  };

  AmiConnection(Reactor& reactor, const AsteriskConfig& config, Role role, std::string label,
                ActionIds& ids, Callbacks callbacks);
  ~AmiConnection() override;

  void start();
  // Drops the session (if any) and reconnects after the backoff delay.
  void restart(const std::string& reason);
  void send(const Message& action);
  // Stops or resumes reading Asterisk's output, also across reconnects.
  void pause_reading(bool paused);
  // An action on this session went unanswered: ping at once, and drop the session if that is
  // not answered within kProbeMs either. Until the answer the session is suspect.
  void probe();
  static constexpr unsigned kProbeMs = 2000;

  State state() const { return state_; }
  bool ready() const { return state_ == State::Ready; }
  bool suspect() const { return suspect_; }
  Role role() const { return role_; }
  const std::string& label() const { return label_; }
  const std::string& banner() const { return banner_; }

 private:
  void on_connected() override;
  void on_data(std::string_view bytes) override;
  void on_closed(const std::string& reason) override;

  void connect_now();
  void handle(Message& message);
  void become_ready();
  void send_ping();
  void lose(const std::string& reason);

  Reactor& reactor_;
  const AsteriskConfig& config_;
  Role role_;
  std::string label_;
  ActionIds& ids_;
  Callbacks callbacks_;
  std::unique_ptr<Connection> connection_;
  bool read_paused_ = false;
  AmiParser parser_;
  State state_ = State::Waiting;
  std::string banner_;
  std::string login_id_;
  std::string ping_id_;
  std::string send_buffer_;  // reused for every action sent
  unsigned backoff_ms_ = 0;
  Timer retry_timer_;
  Timer phase_timer_;  // connect/login/boot deadline, then ping answer deadline
  Timer ping_timer_;
  bool logged_lost_ = false;  // log a lost link once, not every failed retry
  bool suspect_ = false;      // probed, and the ping is not answered yet
};

const char* ami_state_name(AmiConnection::State state);

}  // namespace ampd
