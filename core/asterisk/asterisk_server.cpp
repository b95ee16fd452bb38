#include "asterisk/asterisk_server.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <ampd/sdk.hpp>
#include <utility>

#include "base/text.hpp"

namespace ampd {

namespace {

using Clock = std::chrono::steady_clock;
Poco::Logger& log() { return Poco::Logger::get("ampd.asterisk"); }

constexpr std::size_t kMaxPipeline = 8;   // actions queued on one Asterisk session at once
constexpr std::size_t kMaxQueued = 4096;  // actions waiting for a free session
// How long, and for how many actions, the client's ActionID of an action sent is remembered.
constexpr auto kSentIdLifetime = std::chrono::minutes(1);
constexpr std::size_t kMaxSentIds = 65536;
constexpr unsigned kSweepMs = 50;
// Events an action raised that wait for its answer: at most this many, then they go at once.
constexpr std::size_t kMaxRaisedHeld = 64;

bool is_async(const Message& action) {
  bool async = false;
  return parse_bool(action.get("Async"), async) && async;
}

bool is_originate(const Message& action) { return iequals(action.get("Action"), "Originate"); }

int major_of(const std::string& version) {
  // "20.20.1", "1.4.44", "GIT-master-abc", "certified/18.9-cert4"
  const auto digit = version.find_first_of("0123456789");
  return digit == std::string::npos ? 0 : std::atoi(version.c_str() + digit);
}

bool ends_with_complete(std::string_view name) {
  return name.size() >= 8 && iequals(name.substr(name.size() - 8), "Complete");
}

}  // namespace

AsteriskServer::AsteriskServer(Reactor& reactor, AsteriskConfig config, ActionIds& ids,
                               AsteriskEventSink& sink)
    : reactor_(reactor),
      config_(std::move(config)),
      ids_(ids),
      sink_(sink),
      sweep_timer_(reactor, [this] { sweep(); }) {
  info_.name = config_.name;
  const AmiConnection::Callbacks callbacks{
      [this](AmiConnection& c) { on_ready(c); },
      [this](AmiConnection& c, const std::string& reason) { on_lost(c, reason); },
      [this](AmiConnection& c, Message& m) { on_message(c, m); }};
  events_ = std::make_unique<AmiConnection>(reactor_, config_, AmiConnection::Role::Events,
                                            config_.name + "/events", ids_, callbacks);
  for (unsigned i = 0; i < config_.command_connections; ++i) {
    commands_.push_back(std::make_unique<AmiConnection>(
        reactor_, config_, AmiConnection::Role::Command,
        config_.name + "/command" + std::to_string(i + 1), ids_, callbacks));
  }
  outstanding_.resize(commands_.size());
  held_.resize(commands_.size(), false);
}

AsteriskServer::~AsteriskServer() {
  auto pending = std::move(pending_);
  for (auto& [id, p] : pending) {
    if (p.done) p.done(failed_result(AmiResult::Status::Down, "ampd is shutting down"));
  }
}

void AsteriskServer::start() {
  events_->start();
  for (auto& c : commands_) c->start();
  sweep_timer_.start(kSweepMs, true);
}

AsteriskInfo AsteriskServer::info() const {
  std::lock_guard lock(info_mutex_);
  return info_;
}

bool AsteriskServer::any_command_ready() const {
  return std::any_of(commands_.begin(), commands_.end(), [](const auto& c) { return c->ready(); });
}

bool AsteriskServer::any_command_answering() const {
  return std::any_of(commands_.begin(), commands_.end(),
                     [](const auto& c) { return c->ready() && !c->suspect(); });
}

void AsteriskServer::on_ready(AmiConnection& connection) {
  if (connection.role() == AmiConnection::Role::Command) {
    if (!was_connected_) {
      was_connected_ = true;
      {
        std::lock_guard lock(info_mutex_);
        info_.connected = true;
        const auto slash = connection.banner().find('/');
        info_.ami_version = connection.banner().substr(slash + 1);
      }
      sink_.on_link_state(config_.name, true);
    }
    if (!version_known_) detect_version();
    dispatch_queued();
  }
}

void AsteriskServer::on_lost(AmiConnection& connection, const std::string& reason) {
  if (connection.role() != AmiConnection::Role::Command) return;
  const auto index =
      static_cast<std::size_t>(std::find_if(commands_.begin(), commands_.end(),
                                            [&](const auto& c) { return c.get() == &connection; }) -
                               commands_.begin());
  // Everything sent on that session is lost with it.
  auto ids = std::move(outstanding_[index]);
  outstanding_[index].clear();
  held_[index] = false;
  for (const auto& id : ids) {
    fail(id, AmiResult::Status::Down,
         "Lost the connection to Asterisk server '" + config_.name + "' (" + reason + ")");
    pending_.erase(id);  // also the ones that had timed out already
  }
  if (!any_command_ready() && was_connected_) {
    was_connected_ = false;
    version_known_ = false;
    {
      std::lock_guard lock(info_mutex_);
      info_.connected = false;
    }
    log().warning("asterisk %s: no command connection left; actions fail until it is back",
                  config_.name);
    sink_.on_link_state(config_.name, false);
    // Queued actions cannot be sent anywhere now.
    auto queued = std::move(queued_);
    queued_.clear();
    for (const auto& id : queued) {
      fail(id, AmiResult::Status::Down, "Asterisk server '" + config_.name + "' is not connected");
    }
  }
}

void AsteriskServer::submit(const CallContext& context, Message action,
                            std::chrono::milliseconds timeout, Done done, Part part,
                            std::shared_ptr<StreamFlow> flow) {
  // Refusals are delivered on the next loop pass: a caller may still be setting up.
  const auto fail_now = [&](AmiResult::Status status, std::string error) {
    AmiResult r;
    r.status = status;
    r.error = std::move(error);
    reactor_.post([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  if (!any_command_ready()) {
    return fail_now(AmiResult::Status::Down,
                    "Asterisk server '" + config_.name + "' is not connected");
  }
  // An action has just gone unanswered and the link is being checked: failing now beats
  // making every new action wait its whole timeout on an Asterisk that may be frozen.
  if (!any_command_answering()) {
    return fail_now(AmiResult::Status::Down,
                    "Asterisk server '" + config_.name + "' is not answering (checking the link)");
  }
  if (queued_.size() >= kMaxQueued) {
    return fail_now(AmiResult::Status::Busy,
                    "Too many actions waiting for Asterisk server '" + config_.name + "'");
  }
  Pending p;
  p.id = ids_.next();
  p.context = context;
  action.remove("ActionID");
  action.add("ActionID", p.id);
  p.action = std::move(action);
  p.done = std::move(done);
  p.part = std::move(part);
  p.flow = std::move(flow);
  p.exclusive = is_originate(p.action) && !is_async(p.action);
  p.deadline =
      Clock::now() +
      (timeout.count() > 0 ? timeout : std::chrono::milliseconds(config_.action_timeout_ms));
  const auto id = p.id;
  remember_sent(id, context.client_action_id);
  auto& stored = pending_.emplace(id, std::move(p)).first->second;
  if (!try_send(stored)) queued_.push_back(id);
}

// Sends on the least busy ready session; an exclusive action needs an idle one and makes it
// unavailable to others until answered.
bool AsteriskServer::try_send(Pending& pending) {
  int best = -1;
  for (std::size_t i = 0; i < commands_.size(); ++i) {
    if (!commands_[i]->ready() || commands_[i]->suspect() || held_[i]) continue;
    const auto& out = outstanding_[i];
    if (!out.empty() && (pending.exclusive || out.size() >= kMaxPipeline)) continue;
    if (best < 0 || out.size() < outstanding_[static_cast<std::size_t>(best)].size()) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) return false;
  pending.connection = best;
  held_[static_cast<std::size_t>(best)] = pending.exclusive;
  outstanding_[static_cast<std::size_t>(best)].push_back(pending.id);
  commands_[static_cast<std::size_t>(best)]->send(pending.action);
  return true;
}

// In order; an ordinary action that finds no room means none behind it will either, so the
// scan stops there rather than trying the whole queue after every answer.
void AsteriskServer::dispatch_queued() {
  for (auto it = queued_.begin(); it != queued_.end();) {
    const auto p = pending_.find(*it);
    if (p == pending_.end() || try_send(p->second)) {
      it = queued_.erase(it);
    } else if (!p->second.exclusive) {
      return;
    } else {
      ++it;
    }
  }
}

void AsteriskServer::on_message(AmiConnection& connection, Message& message) {
  if (connection.role() == AmiConnection::Role::Events) return on_event_connection_message(message);
  auto id = message.find("ActionID");
  if (!id) return;  // command sessions have events off; ignore strays
  const auto it = pending_.find(*id);
  if (it != pending_.end()) on_answer(it->second, message);
}

void AsteriskServer::on_event_connection_message(Message& message) {
  if (!message.has("Event")) return;
  auto id = message.find("ActionID");
  if (!id || !id->starts_with(ids_.prefix())) return sink_.on_asterisk_event(config_.name, message);
  if (const auto route = late_routes_.find(*id); route != late_routes_.end()) {
    // An event answering one client's action (an async Originate's): for that client only.
    Message routed = message;
    routed.remove("ActionID");
    if (!route->second.client_action_id.empty()) {
      routed.add("ActionID", route->second.client_action_id);
    }
    sink_.on_session_event(route->second.session_id, routed);
    const auto name = message.get("Event");
    // 1.4 answered with OriginateSuccess/OriginateFailure instead.
    if (iequals(name, "OriginateResponse") || iequals(name, "OriginateSuccess") ||
        iequals(name, "OriginateFailure")) {
      late_routes_.erase(route);
    }
    return;
  }
  // Raised by an action of ours (a UserEvent sent with Custom): for everyone, shown with the
  // client's ActionID as Asterisk would have shown it, never with ampd's.
  const auto pending = pending_.find(*id);
  const auto sent = sent_ids_.find(*id);
  if (sent == sent_ids_.end() || sent->second.empty()) {
    message.remove("ActionID");
  } else {
    message.set("ActionID", sent->second);
  }
  // Asterisk answers the session that asked before it sends that session the events its
  // action raised; here they come on another session, so they wait for the answer.
  if (pending != pending_.end() && !pending->second.answered &&
      pending->second.raised.size() < kMaxRaisedHeld) {
    pending->second.raised.push_back(std::move(message));
    return;
  }
  sink_.on_asterisk_event(config_.name, message);
}

void AsteriskServer::release_raised(std::vector<Message> raised) {
  for (auto& event : raised) sink_.on_asterisk_event(config_.name, event);
}

void AsteriskServer::remember_sent(const std::string& id, const std::string& client_action_id) {
  const auto now = Clock::now();
  while (!sent_order_.empty() &&
         (sent_order_.size() >= kMaxSentIds || sent_order_.front().second <= now)) {
    sent_ids_.erase(sent_order_.front().first);
    sent_order_.pop_front();
  }
  sent_ids_[id] = client_action_id;
  sent_order_.emplace_back(id, now + kSentIdLifetime);
}

void AsteriskServer::on_answer(Pending& p, Message& message) {
  const bool is_response = message.has("Response") && !message.has("Event");
  if (is_response && !p.in_list) {
    auto list = message.find("EventList");
    const bool success = !iequals(message.get("Response"), "Error");
    if (success && list && iequals(*list, "start")) {
      p.in_list = true;
    } else if (success &&
               to_lower(message.get("Message")).find("will follow") != std::string::npos) {
      p.in_list = true;
      p.old_style_list = true;
    }
    if (!p.part) p.result.output = message.get_all("Output");
    take(p, message, nullptr);
    p.answered = true;
    if (p.part) release_raised(std::exchange(p.raised, {}));
    if (!p.in_list) finish(p.id);
    return;
  }
  if (!p.in_list) return;
  const auto event = message.get("Event");
  auto list = message.find("EventList");
  if ((list && iequals(*list, "Complete")) || ends_with_complete(event)) {
    take(p, message, nullptr);
    finish(p.id);
  } else if (p.old_style_list && iequals(event, "DBGetResponse")) {
    // Before 1.8, DBGet's single answer event had no Complete after it.
    take(p, message, &p.result.events);
    finish(p.id);
  } else {
    take(p, message, &p.result.events);
  }
}

// Collected: without any ActionID, into the response, `into` (list items) or the ...Complete
// event. Streamed: at once, with the client's ActionID where Asterisk put ampd's.
void AsteriskServer::take(Pending& p, Message& message, std::vector<Message>* into) {
  if (p.part) {
    if (!p.done) return;  // given up (timed out): what still comes is dropped
    if (p.context.client_action_id.empty()) {
      message.remove("ActionID");
    } else {
      message.set("ActionID", p.context.client_action_id);
    }
    // Only the Response is kept: whether it succeeded (an async Originate's later events).
    if (into == nullptr && !message.has("Event")) {
      p.result.response = Message{{"Response", message.get("Response")}};
    }
    if (p.flow && p.flow->hold() && p.connection >= 0) {
      p.flow->pause(*commands_[static_cast<std::size_t>(p.connection)]);
    }
    return p.part(message);
  }
  message.remove("ActionID");
  if (into != nullptr) {
    into->push_back(std::move(message));
  } else if (message.has("Event")) {
    p.result.complete = std::move(message);
  } else {
    p.result.response = std::move(message);
  }
}

void AsteriskServer::finish(const std::string& id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto& p = it->second;
  if (p.connection >= 0) {
    auto& out = outstanding_[static_cast<std::size_t>(p.connection)];
    out.erase(std::remove(out.begin(), out.end(), id), out.end());
    if (p.exclusive) held_[static_cast<std::size_t>(p.connection)] = false;
  }
  if (p.flow) p.flow->end();
  if (p.done) {
    if (is_originate(p.action) && is_async(p.action) && p.result.success()) {
      late_routes_[p.id] = {p.context.session_id, p.context.client_action_id,
                            Clock::now() + std::chrono::minutes(5)};
    }
    auto done = std::move(p.done);
    auto result = std::move(p.result);
    auto raised = std::move(p.raised);
    pending_.erase(it);
    done(std::move(result));
    release_raised(std::move(raised));
  } else {
    auto raised = std::move(p.raised);
    pending_.erase(it);
    release_raised(std::move(raised));
  }
  dispatch_queued();
}

// Answers the action's caller with an error. The entry is removed unless it is still on a
// session (keep = true), where its late answer must be recognised and dropped.
void AsteriskServer::fail(const std::string& id, AmiResult::Status status, const std::string& error,
                          bool keep) {
  const auto it = pending_.find(id);
  if (it == pending_.end() || !it->second.done) return;
  auto done = std::move(it->second.done);
  it->second.done = nullptr;
  if (it->second.flow) it->second.flow->end();
  auto raised = std::exchange(it->second.raised, {});
  it->second.answered = true;  // what it raises from now on goes out at once
  if (!keep) pending_.erase(it);
  AmiResult r;
  r.status = status;
  r.error = error;
  done(std::move(r));  // may submit more actions: the map must not be in use here
  release_raised(std::move(raised));
}

void AsteriskServer::sweep() {
  const auto now = Clock::now();
  std::vector<std::string> expired_queued, expired_sent;
  for (const auto& id : queued_) {
    const auto p = pending_.find(id);
    if (p != pending_.end() && p->second.deadline <= now) expired_queued.push_back(id);
  }
  for (const auto& [id, p] : pending_) {
    if (p.connection >= 0 && p.done && p.deadline <= now) expired_sent.push_back(id);
  }
  for (const auto& id : expired_queued) {
    queued_.erase(std::remove(queued_.begin(), queued_.end(), id), queued_.end());
    fail(id, AmiResult::Status::Timeout,
         "Timeout: Asterisk server '" + config_.name + "' had no free session in time");
  }
  for (const auto& id : expired_sent) {
    const auto& pending = pending_.at(id);
    commands_[static_cast<std::size_t>(pending.connection)]->probe();
    const auto action = pending.action.get("Action");
    // The answer may still come; it is then dropped (the entry stays until it does).
    fail(id, AmiResult::Status::Timeout, "Timeout waiting for Asterisk to answer " + action, true);
  }
  // A session whose oldest action is long overdue is stuck: start it afresh.
  for (std::size_t i = 0; i < commands_.size(); ++i) {
    if (outstanding_[i].empty()) continue;
    const auto p = pending_.find(outstanding_[i].front());
    if (p != pending_.end() && !p->second.done &&
        now - p->second.deadline > std::chrono::milliseconds(config_.action_timeout_ms)) {
      commands_[i]->restart("action " + p->second.action.get("Action") + " never answered");
    }
  }
  std::erase_if(late_routes_, [&](const auto& route) { return route.second.expires <= now; });
  // A probed session that answered takes queued actions again.
  if (!queued_.empty()) dispatch_queued();
}

void AsteriskServer::detect_version() {
  version_known_ = true;  // one attempt per connection cycle
  const auto store = [this](const std::string& version) {
    std::lock_guard lock(info_mutex_);
    info_.asterisk_version = version;
    info_.major = major_of(version);
    log().information("asterisk %s: Asterisk %s (AMI %s)", config_.name, version,
                      info_.ami_version);
  };
  submit({}, Message{{"Action", "CoreSettings"}}, {}, [this, store](AmiResult r) {
    if (r.success() && r.response.has("AsteriskVersion")) {
      return store(r.response.get("AsteriskVersion"));
    }
    if (!r.ok()) {
      version_known_ = false;
      return;
    }
    // Asterisk 1.4 has no CoreSettings: ask the CLI.
    submit({}, Message{{"Action", "Command"}, {"Command", "core show version"}}, {},
           [this, store](AmiResult v) {
             const auto version =
                 v.output.empty() ? std::string() : sdk::cli_banner_version(v.output.front());
             if (!version.empty()) {
               store(version);
             } else {
               version_known_ = v.ok();
             }
           });
  });
}

}  // namespace ampd
