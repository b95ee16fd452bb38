// The commands a session answers itself, at once, because they change the session: Login (and
// its answer), Logoff, Ping, Challenge, Events and Filter (commands/core_commands.cpp lists them).
#include <Poco/Logger.h>

#include <chrono>

#include "base/text.hpp"
#include "clients/client_session.hpp"
#include "clients/io_shard.hpp"
#include "wire/responses.hpp"

namespace ampd {

namespace {

std::string timestamp_now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace

void ClientSession::answer_in_session(CoreVerb verb, const Message& request) {
  switch (verb) {
    case CoreVerb::Login:
      return handle_login(request);
    case CoreVerb::Ping: {
      auto pong = make_response("Ping", "Success", request);
      pong.add("Ping", "Pong");
      pong.add("Timestamp", timestamp_now());
      return send(pong);
    }
    case CoreVerb::Logoff:
      send(make_response("Logoff", "Goodbye", request, "Thanks for all the fish."));
      closing_ = true;
      transport_->close_after_flush();
      return;
    case CoreVerb::Challenge:
      return handle_challenge(request);
    case CoreVerb::Events:
      return handle_events(request);
    case CoreVerb::Filter:
      return handle_filter(request);
    default:
      return;  // not a session's (see answered_in_session)
  }
}

void ClientSession::handle_login(const Message& request) {
  if (logged_in_) {
    return send(make_error("Login", request, "Already logged in as " + identity_.user));
  }
  // The answer uses the format the client asks for, even when the login fails.
  format_ = login_reply_format(request, *shard_.users(), shard_.config().format);
  if (auto events = request.find("Events")) {
    if (std::string error; !parse_event_classes(*events, error)) {
      return send(
          make_error("Login", request, "Events must be on, off or event classes: " + error));
    }
  }
  const auto user = username_of(request);
  const bool known = shard_.users()->find(user) != nullptr;
  if (const auto wait = host_.login_blocked_for(peer(), user, known); wait > 0) {
    return send(make_error("Login", request,
                           "Too many failed logins: try again in " + std::to_string(wait) + " s"));
  }
  login_pending_ = true;
  if (!host_.check_login_async(*this, request)) {
    login_pending_ = false;
    send(make_error("Login", request, "Server busy, try again"));
  }
}

void ClientSession::on_login_checked(const Message& request, const LoginResult& result) {
  login_pending_ = false;
  shape_ = request.has("Type") ? NativeShape::Reference : NativeShape::Asterisk;
  challenge_.clear();  // one login attempt per challenge
  if (result.ok) {
    logged_in_ = true;
    shard_.logged_in.fetch_add(1, std::memory_order_relaxed);
    deadline_.cancel();
    arm_deadline();
    identity_ = result.identity;
    host_.login_succeeded(peer(), identity_.user);
    format_ = result.format;
    nul_terminated_ = result.is_flash && !transport_->message_framed();
    filters_ = identity_.event_filters;
    if (auto events = request.find("Events")) {
      std::string ignored;  // checked before the login was
      event_mask_ = parse_event_classes(*events, ignored).value_or(kAllEventClasses);
    }
    Poco::Logger::get("ampd.client")
        .information("login: %s as %s%s from %s", identity_.user,
                     std::string(client_type_name(identity_.type)),
                     identity_.agent_id.empty() ? std::string() : " " + identity_.agent_id,
                     transport_->peer());
    send(make_response("Login", "Success", request, result.message));
  } else {
    if (result.bad_credentials) {
      const auto user = username_of(request);
      host_.login_failed(peer(), user, shard_.users()->find(user) != nullptr);
    }
    Poco::Logger::get("ampd.client")
        .notice("login refused from %s: %s", transport_->peer(), result.message);
    send(make_error("Login", request, result.message));
  }
  process_input();
}

// MD5 challenge login, as Asterisk does it (asterisk-java always logs in this way): the client
// answers with md5(challenge + secret), which needs the user's challenge_secret.
void ClientSession::handle_challenge(const Message& request) {
  if (!iequals(request.get("AuthType"), "MD5")) {
    return send(make_error("Challenge", request, "Must specify AuthType: MD5"));
  }
  challenge_ = random_challenge();
  auto reply = make_response("Challenge", "Success", request);
  reply.add("Challenge", challenge_);
  send(reply);
}

void ClientSession::handle_events(const Message& request) {
  auto mask = request.find("EventMask");
  if (!mask) mask = request.find("Events");
  std::string error = "EventMask missing";
  const auto classes = mask ? parse_event_classes(*mask, error) : std::nullopt;
  if (!classes) {
    return send(make_error("Events", request,
                           "Events requires EventMask: on, off or event classes (" + error + ")"));
  }
  event_mask_ = *classes;
  auto reply = make_response("Events", "Success", request);
  reply.add("Events", event_mask_ == kNoEventClasses ? "Off" : "On");
  send(reply);
}

// Asterisk's Filter action: adds one filter to this session, in either syntax ("!" excludes).
void ClientSession::handle_filter(const Message& request) {
  constexpr std::size_t kMaxFilters = 64;  // each costs every event a match
  if (!iequals(request.get("Operation"), "Add")) {
    return send(make_error("Filter", request, "Unknown operation"));
  }
  if (filters_.size() >= kMaxFilters) {
    return send(
        make_error("Filter", request,
                   "Too many filters on this session (limit " + std::to_string(kMaxFilters) + ")"));
  }
  std::string error;
  auto filter = EventFilter::parse(request.get("Filter"), error);
  if (!filter) {
    return send(make_error(
        "Filter", request,
        "Filter did not compile.  Check the syntax of the filter given. (" + error + ")"));
  }
  filters_.push_back(std::move(filter));
  send(make_response("Filter", "Success", request, "Success"));
}

}  // namespace ampd
