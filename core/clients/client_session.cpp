#include "clients/client_session.hpp"

#include <Poco/Logger.h>

#include <chrono>

#include "base/text.hpp"
#include "clients/io_shard.hpp"
#include "commands/core_commands.hpp"
#include "commands/passthrough.hpp"
#include "wire/message_render.hpp"
#include "wire/responses.hpp"

namespace ampd {

namespace {

// Output that may wait for a client that has not logged in: a few answers' worth, so that an
// unauthenticated client that sends without reading costs next to nothing.
constexpr std::size_t kOutputCapBeforeLogin = 64 * 1024;

// Answers are rendered into one reused buffer per thread (the transport copies them out), so
// an answer costs no allocation once the buffer has grown; a huge one is not kept.
std::string& render_scratch() {
  constexpr std::size_t kMaxKept = 256 * 1024;
  thread_local std::string buffer;
  if (buffer.capacity() > kMaxKept) std::string().swap(buffer);
  buffer.clear();
  return buffer;
}

}  // namespace

ClientSession::ClientSession(SessionHost& host, IoShard& shard, std::uint64_t id,
                             std::unique_ptr<ClientTransport> transport)
    : host_(host),
      shard_(shard),
      id_(id),
      transport_(std::move(transport)),
      deadline_(shard.reactor(), [this] { on_deadline(); }),
      message_deadline_(shard.reactor(),
                        [this] {
                          close_with_error("Message not completed within " +
                                               std::to_string(shard_.config().message_timeout_ms) +
                                               " ms",
                                           "message timeout");
                        }),
      decoder_(shard.config().limits),
      format_(shard.config().format) {
  transport_->set_sink(this);
}

ClientSession::~ClientSession() {
  if (logged_in_) shard_.logged_in.fetch_sub(1, std::memory_order_relaxed);
  transport_->set_sink(nullptr);
}

void ClientSession::start() {
  // The banner opens an AMI byte stream; a WebSocket's first message is the client's.
  if (!transport_->message_framed()) transport_->send(banner() + "\r\n");
  arm_deadline();
}

std::string ClientSession::banner() const {
  const auto& config = shard_.config();
  if (config.banner_configured) return config.banner;
  auto asterisks = host_.asterisk_banner();
  return asterisks.empty() ? config.banner : asterisks;
}

void ClientSession::arm_deadline() {
  const auto& c = shard_.config();
  const auto ms = logged_in_ ? c.idle_timeout_ms : c.login_timeout_ms;
  if (ms > 0) deadline_.start(ms);
}

void ClientSession::on_deadline() {
  if (closing_) return;
  if (logged_in_) {
    close_with_error("Idle timeout: nothing received for " +
                         std::to_string(shard_.config().idle_timeout_ms / 1000) + " s",
                     "idle timeout");
  } else {
    close_with_error("Login timeout: log in within " +
                         std::to_string(shard_.config().login_timeout_ms / 1000) +
                         " s of connecting",
                     "login timeout");
  }
}

void ClientSession::close_with_error(const std::string& error, const std::string& category) {
  Poco::Logger::get("ampd.client")
      .notice("client %s%s disconnected (%s): %s", transport_->peer(),
              identity_.user.empty() ? std::string() : " (" + identity_.user + ")", category,
              error);
  send(make_error("Unknown", {}, error + "; closing the connection"));
  closing_ = true;
  deadline_.cancel();
  message_deadline_.cancel();
  transport_->close_after_flush();
}

void ClientSession::send(const Message& message) {
  auto& out = render_scratch();
  render_message(message, format_, out, shape_);
  write(out);
}

void ClientSession::write(std::string_view bytes) {
  if (transport_->closed()) return;
  transport_->send(bytes);
  if (nul_terminated_) transport_->send(std::string_view("\0", 1));
}

void ClientSession::complete(const Reply& reply, const Message& request) {
  if (in_flight_ > 0) --in_flight_;
  count_one(shard_.actions_run);
  auto& out = render_scratch();
  render_reply(reply, request, format_, out, shape_);
  write(out);
}

// Asterisk's answer as Asterisk wrote it; a client of the protocol reference's shape gets the
// Action line on the response, as on every other answer.
void ClientSession::relay(const std::string& action, const Message& part) {
  if (asterisk_answers() || part.has("Event")) return send(part);
  Message answer;
  answer.reserve(part.headers().size() + 1);
  answer.add("Action", action);
  for (const auto h : part.headers()) answer.add(h.name, h.value);
  send(answer);
}

void ClientSession::relayed(const std::string& action, const Message& request,
                            const std::string& error) {
  if (in_flight_ > 0) --in_flight_;
  count_one(shard_.actions_run);
  if (!error.empty()) send(make_error(action, request, error));
}

void ClientSession::say_goodbye() {
  if (closing_) return;
  if (logged_in_) {
    send(Message{{"Event", "Shutdown"}, {"Shutdown", "Cleanly"}, {"Restart", "False"}});
  }
  closing_ = true;
  transport_->close_after_flush();
}

// Cheapest test first; a filter sees the event as native text, rendered once for everyone.
bool ClientSession::sees(RenderedEvent& event) const {
  if ((event.classes() & event_mask_ & identity_.read_classes) == kNoEventClasses) return false;
  if (!filters_.empty() &&
      !passes_filters(filters_, event.event(), event.bytes(WireFormat::Native, false).str())) {
    return false;
  }
  if (identity_.type != ClientType::Agent) return true;
  return event_concerns_agent(event.event(), identity_.agent_id, identity_.interfaces);
}

void ClientSession::deliver_event(RenderedEvent& event) {
  if (!wants_events() || transport_->closed() || !sees(event)) return;
  const auto cap = shard_.config().client_output_cap;
  if (transport_->pending_output() >= cap) {
    if (shard_.config().disconnect_slow_clients) {
      Poco::Logger::get("ampd.client")
          .warning("client %s (%s) disconnected: not reading its events (%z bytes queued)",
                   transport_->peer(), identity_.user, transport_->pending_output());
      closing_ = true;
      transport_->close();
      host_.session_closed(id_, "slow consumer");
      return;
    }
    if (dropped_events_++ == 0) {
      Poco::Logger::get("ampd.client")
          .warning("client %s (%s) is not reading: dropping its events until it catches up",
                   transport_->peer(), identity_.user);
    }
    return;
  }
  if (dropped_events_ > 0) {
    // Tell the client what it missed before it sees anything newer.
    send(Message{{"Event", "EventsDropped"},
                 {"Count", std::to_string(dropped_events_)},
                 {"Message", "Events were dropped because this client was not reading them"}});
    dropped_events_ = 0;
  }
  transport_->send_shared(event.bytes(format_, nul_terminated_));
  count_one(shard_.delivered_events);
}

bool ClientSession::holds_back_events() const {
  if (closing_ || transport_->closed()) return false;
  const auto behind = std::min<std::size_t>(256 * 1024, shard_.config().client_output_cap / 4);
  return transport_->pending_output() > behind && transport_->reading_fast();
}

void ClientSession::on_input(std::string_view bytes, bool whole_message) {
  if (closing_) return;
  if (!whole_message) {
    decoder_.append(bytes);
    return process_input();
  }
  decoder_.append_whole_message(bytes);
  process_input();
}

void ClientSession::on_closed(const std::string& reason) {
  closing_ = true;
  host_.session_closed(id_, reason);
}

void ClientSession::on_output_drained() {
  if (closing_ || !awaiting_drain_) return;
  awaiting_drain_ = false;
  process_input();
}

std::size_t ClientSession::output_cap() const {
  const auto cap = shard_.config().client_output_cap;
  return logged_in_ ? cap : std::min(cap, kOutputCapBeforeLogin);
}

// Started at a message's first byte, not re-armed by the bytes after it: a client trickling a
// message (slowloris) is closed, one that sends a whole message slowly but within the limit is
// not. Input that ampd itself holds back does not count.
void ClientSession::on_partial_input(bool partial) {
  if (!partial || closing_) {
    if (message_begun_) message_deadline_.cancel();
    message_begun_ = false;
    return;
  }
  if (message_begun_) return;
  message_begun_ = true;
  if (const auto ms = shard_.config().message_timeout_ms; ms > 0) message_deadline_.start(ms);
}

void ClientSession::update_input_hold() {
  const bool hold = !closing_ && (login_pending_ || awaiting_drain_);
  if (hold == input_held_) return;
  input_held_ = hold;
  if (hold) on_partial_input(false);
  transport_->hold_input(hold);
}

void ClientSession::process_input() {
  while (!closing_ && !login_pending_ && !awaiting_drain_) {
    if (transport_->pending_output() >= output_cap()) {
      // Backpressure: what the client sent stays unread until it takes its answers.
      awaiting_drain_ = true;
      transport_->notify_when_drained(output_cap() / 2);
      break;
    }
    auto decoded = decoder_.next();
    if (!decoded) {
      drop_unfinished_message();
      if (!transport_->message_framed()) on_partial_input(decoder_.buffered() > 0);
      break;
    }
    // A whole message: the message timeout starts again with the next one, and the idle
    // timeout counts messages, not bytes.
    on_partial_input(false);
    if (logged_in_ && shard_.config().idle_timeout_ms > 0) arm_deadline();
    switch (decoded->kind) {
      case Decoded::Kind::Message:
        handle(decoded->message);
        break;
      case Decoded::Kind::Error:
        send(make_error(decoded->message.get("Action", "Unknown"), decoded->message,
                        decoded->error));
        break;
      case Decoded::Kind::Fatal:
        fail_fatally(decoded->error);
        return;
    }
  }
  update_input_hold();
}

// On a message transport each message is one whole client message: whatever is left unframed
// was cut short (an XML element or JSON object never closed) and must not join the next one.
void ClientSession::drop_unfinished_message() {
  if (!transport_->message_framed() || decoder_.buffered() == 0) return;
  decoder_.discard();
  send(make_error("Unknown", {},
                  "Incomplete message: each WebSocket message must hold one whole message"));
}

void ClientSession::fail_fatally(const std::string& error) {
  close_with_error(error, "protocol error");
}

void ClientSession::handle(const Message& request) {
  auto action_header = request.find("Action");
  if (!action_header || action_header->empty()) {
    send(make_error("Unknown", request, "Missing action in request"));
    return;
  }
  const auto& action = *action_header;
  const Command* command = shard_.command(action);
  if (!logged_in_ && (command == nullptr || !command->before_login)) {
    return send(make_error(
        action, request,
        asterisk_answers() ? "Permission denied"
                           : "Not logged in: send Action: Login (Username, Secret, Type) first"));
  }
  // An Asterisk action ampd has no command for, or one a client written for Asterisk expects
  // Asterisk's own answer to: Asterisk answers it.
  if (logged_in_ && host_.passes_through() &&
      (command == nullptr || (asterisk_answers() && is_asterisk_action(command->name)))) {
    if (!may_start(action, request)) return;
    return host_.pass_through(shard_, identity_, id_, request);
  }
  if (command == nullptr) {
    if (asterisk_answers()) {
      // Asterisk's own words, which some libraries match.
      return send(make_error("Unknown", request,
                             "Invalid/unknown command: " + std::string(action) +
                                 ". Use Action: ListCommands to show available commands."));
    }
    return send(make_error("Unknown", request, "Unknown command '" + std::string(action) + "'"));
  }
  if (answered_in_session(command->verb)) {
    // Answered at once, so neither the in-flight cap nor the shutdown refusal applies.
    if (logged_in_) {
      if (auto error = check_command(*command, identity_, request); !error.empty()) {
        return send(make_error(action, request, error));
      }
    }
    return answer_in_session(command->verb, request);
  }
  if (!may_start(action, request)) return;
  host_.run_command(shard_, identity_, id_, request);
}

bool ClientSession::may_start(std::string_view action, const Message& request) {
  if (host_.stopping()) {
    send(make_error(action, request, "ampd is shutting down"));
    return false;
  }
  if (in_flight_ >= shard_.config().max_in_flight) {
    send(make_error(action, request,
                    "Too many commands in flight (limit " +
                        std::to_string(shard_.config().max_in_flight) +
                        "): wait for answers before sending more"));
    return false;
  }
  ++in_flight_;
  return true;
}

}  // namespace ampd
