// One connected client: frames its input, logs it in, runs its commands and writes answers and
// events in the format it chose. Lives on its shard's reactor thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "auth/login.hpp"
#include "clients/client_transport.hpp"
#include "clients/event_fanout.hpp"
#include "clients/session_host.hpp"
#include "commands/command_registry.hpp"
#include "net/timer.hpp"
#include "wire/input_decoder.hpp"
#include "wire/reply.hpp"

namespace ampd {

class IoShard;

class ClientSession : public TransportSink {
 public:
  ClientSession(SessionHost& host, IoShard& shard, std::uint64_t id,
                std::unique_ptr<ClientTransport> transport);
  ~ClientSession() override;

  void start();
  void send(const Message& message);
  // An Asterisk event for this client, if it wants events and may see this one. Applies the
  // output cap: a client that does not read loses events (counted, then a notice) or is
  // disconnected, as configured; it never makes ampd buffer without bound.
  void deliver_event(RenderedEvent& event);
  // Behind by more than a quarter of its output cap (at most 256 KiB) while reading fast: the
  // events come faster than the clients take them, and event intake should wait for them. A
  // client that reads slowly, or not at all, never holds intake back; it meets its cap.
  bool holds_back_events() const;
  // The answer to a command, when its handler has finished.
  void complete(const Reply& reply, const Message& request);
  // A passed-through action: one message of Asterisk's answer, then the end (an error when it
  // failed, as an answer to `request`, which holds the ActionID).
  void relay(const std::string& action, const Message& part);
  void relayed(const std::string& action, const Message& request, const std::string& error);
  // Called on the shard's thread when the worker has checked the secret.
  void on_login_checked(const Message& request, const LoginResult& result);

  // Closes with a last error message; logged and counted by `category`.
  void close_with_error(const std::string& error, const std::string& category);

  std::uint64_t id() const { return id_; }
  bool logged_in() const { return logged_in_; }
  unsigned in_flight() const { return in_flight_; }
  // Shutdown: an Asterisk-style Shutdown event to logged-in clients, then close after flushing.
  void say_goodbye();
  bool wants_events() const { return logged_in_ && event_mask_ != kNoEventClasses && !closing_; }
  const Identity& identity() const { return identity_; }
  WireFormat format() const { return format_; }
  const std::string& peer() const { return transport_->peer(); }
  const std::string& challenge() const { return challenge_; }

 private:
  void on_input(std::string_view bytes, bool whole_message) override;
  void on_closed(const std::string& reason) override;
  void on_output_drained() override;
  void on_partial_input(bool partial) override;

  void process_input();
  // What may wait for this client before ampd stops reading its input: answers and events
  // together; small until it has logged in.
  std::size_t output_cap() const;
  // Input waits while a login is checked and while the output is over its cap.
  void update_input_hold();
  void drop_unfinished_message();
  void handle(const Message& request);
  void answer_in_session(CoreVerb verb, const Message& request);
  void handle_login(const Message& request);
  void handle_events(const Message& request);
  void handle_challenge(const Message& request);
  void fail_fatally(const std::string& error);
  void arm_deadline();
  // The configured banner, else the default Asterisk server's once seen.
  std::string banner() const;
  // Native answers in Asterisk's shape and words.
  bool asterisk_answers() const {
    return format_ == WireFormat::Native && shape_ == NativeShape::Asterisk;
  }
  void on_deadline();
  void write(std::string_view bytes);
  bool sees(RenderedEvent& event) const;
  void handle_filter(const Message& request);
  // The checks every command passes before it runs: false (answered) when it may not start.
  bool may_start(std::string_view action, const Message& request);

  SessionHost& host_;
  IoShard& shard_;
  std::uint64_t id_;
  std::unique_ptr<ClientTransport> transport_;
  Timer deadline_;          // login timeout before login, idle timeout after
  Timer message_deadline_;  // a message begun must end within message_timeout
  bool message_begun_ = false;
  InputDecoder decoder_;
  WireFormat format_;
  bool logged_in_ = false;
  bool login_pending_ = false;   // input is left unparsed until the login is decided
  bool awaiting_drain_ = false;  // output over its cap: input waits until it drains
  bool input_held_ = false;
  bool closing_ = false;
  bool nul_terminated_ = false;  // isFlash on a byte stream
  // Asterisk's event classes this client asked for (Events at login, the Events action), on
  // top of what its profile may read; and its event filters (profile, then Filter actions).
  EventClasses event_mask_ = kAllEventClasses;
  EventFilterList filters_;
  // Native answers in Asterisk's own shape: before login, and after a login without Type (a
  // client written for Asterisk); a login with Type chooses the protocol reference's.
  NativeShape shape_ = NativeShape::Asterisk;
  Identity identity_;
  std::string challenge_;  // the last MD5 challenge handed out, for Login with AuthType: MD5
  std::uint64_t dropped_events_ = 0;  // since the last notice
  unsigned in_flight_ = 0;            // commands running for this client
};

}  // namespace ampd
