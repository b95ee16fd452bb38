#include "statistics.hpp"

#include <algorithm>
#include <string_view>

#include "statistics_support.hpp"

namespace ampd_statistics {

using namespace support;

namespace {

bool header_count(const Message& ev, std::string_view name, std::int64_t& out) {
  auto v = ev.find(name);
  return v && parse_count(*v, out);
}

std::int64_t count_or_zero(const Message& ev, std::string_view name) {
  std::int64_t n = 0;
  return header_count(ev, name, n) ? n : 0;
}

// Agent identity, see the header. `pool` tells whether it is a chan_agent / app_agent_pool one.
std::string agent_identity(const Message& ev, bool& pool) {
  pool = true;
  if (const auto agent = ev.get("Agent"); !agent.empty()) return strip_agent_prefix(agent);
  for (const char* header : {"Interface", "Location", "Member", "AgentCalled"}) {
    const auto iface = ev.get(header);
    if (iface.empty()) continue;
    pool = iface.size() > 6 && iequals(std::string_view(iface).substr(0, 6), "Agent/");
    return strip_agent_prefix(iface);
  }
  pool = false;
  return ev.get("MemberName");
}

// app_queue reports member device states as numbers (AST_DEVICE_*).
const char* state_name(std::int64_t status) {
  switch (status) {
    case 1:
      return "idle";
    case 2:
    case 8:  // on hold: still in a call
      return "incall";
    case 3:
      return "busy";
    case 4:
    case 5:
      return "unavailable";
    case 6:
    case 7:
      return "ringing";
    default:
      return "unknown";
  }
}

}  // namespace

Statistics::Statistics(TimePoint started, std::size_t activity_limit)
    : activity_limit_(std::max<std::size_t>(activity_limit, 1)), started_ms_(to_ms(started)) {}

void Statistics::set_counters(const ServerCounters& counters) {
  std::lock_guard lock(mutex_);
  counters_ = counters;
}

void Statistics::set_start_time(TimePoint started) {
  std::lock_guard lock(mutex_);
  started_ms_ = to_ms(started);
}

std::uint64_t Statistics::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

// ---------------------------------------------------------------- events

void Statistics::on_link_state(const std::string& server, bool up, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto [it, added] = links_.try_emplace(server);
  if (!added && it->second.up == up) return;
  it->second = {up, to_ms(now)};
  if (!up) return;  // a lost link resets nothing
  // Callers who left while the link was down never send Leave: start again from what Asterisk
  // says next (Join/Leave Count, QueueParams Calls).
  for (auto& [key, q] : data_.queues) {
    if (key.first != server) continue;
    q.waiting = 0;
    q.callers.clear();
  }
  ++changes_;
}

void Statistics::restore_link_state(const std::string& server, bool up, TimePoint since) {
  std::lock_guard lock(mutex_);
  links_[server] = {up, to_ms(since)};
}

// The event being handled. Handlers that use queue() create the queue it names, so a queue
// seen only through its members is listed too.
struct Statistics::EventContext {
  const std::string& server;
  const std::string& name;
  const Message& event;
  std::int64_t now_ms;
  Data& data;
  QueueStats* queue() {
    const auto name = event.find("Queue");
    if (!name || name->empty()) return nullptr;
    return &data.queues[{server, std::string(*name)}];
  }
};

// Each handler returns whether it changed anything.
const Statistics::EventTable& Statistics::event_table() {
  static const std::pair<std::string_view, EventHandler> handlers[] = {
      {"Join", &Statistics::on_caller_join},
      {"QueueCallerJoin", &Statistics::on_caller_join},
      {"Leave", &Statistics::on_caller_leave},
      {"QueueCallerLeave", &Statistics::on_caller_leave},
      {"QueueCallerAbandon", &Statistics::on_caller_abandon},
      {"QueueParams", &Statistics::on_queue_params},
      {"QueueEntry", &Statistics::on_queue_entry},
      {"AgentCalled", &Statistics::on_agent_called},
      {"AgentConnect", &Statistics::on_agent_connect},
      {"AgentComplete", &Statistics::on_agent_complete},
      {"AgentRingNoAnswer", &Statistics::on_agent_idle},
      {"AgentDump", &Statistics::on_agent_idle},
      {"QueueMemberAdded", &Statistics::on_member},
      {"QueueMemberRemoved", &Statistics::on_member},
      {"QueueMemberPause", &Statistics::on_member},
      {"QueueMemberPaused", &Statistics::on_member},
      {"QueueMemberStatus", &Statistics::on_member},
      {"QueueMember", &Statistics::on_member},
      {"AgentLogin", &Statistics::on_agent_login},
      {"Agentcallbacklogin", &Statistics::on_agent_login},
      {"AgentLogoff", &Statistics::on_agent_logoff},
      {"Agentcallbacklogoff", &Statistics::on_agent_logoff},
  };
  static const EventTable table = [] {
    EventTable lowered;
    for (const auto& [name, handler] : handlers) lowered.emplace(to_lower(name), handler);
    return lowered;
  }();
  return table;
}

std::vector<std::string> Statistics::event_names() {
  std::vector<std::string> names;
  for (const auto& [name, handler] : event_table()) names.push_back(name);  // lower case
  return names;
}

void Statistics::on_event(const std::string& server, const Message& event, TimePoint now) {
  const auto name = event.find("Event");
  if (!name || name->empty()) return;
  const auto& table = event_table();
  const auto handler = table.find(to_lower(*name));
  if (handler == table.end()) return;
  const std::string event_name(*name);
  std::lock_guard lock(mutex_);
  EventContext context{server, event_name, event, to_ms(now), data_};
  if ((this->*handler->second)(context)) ++changes_;
}

bool Statistics::on_caller_join(EventContext& e) {
  auto* q = e.queue();
  if (q != nullptr) caller_join(*q, e.event, e.now_ms);
  return true;
}

bool Statistics::on_caller_leave(EventContext& e) {
  auto* q = e.queue();
  if (q != nullptr) caller_leave(*q, e.event);
  return true;
}

bool Statistics::on_caller_abandon(EventContext& e) {
  // Asterisk follows with Leave, which updates the waiting count.
  auto* q = e.queue();
  if (q == nullptr) return false;
  ++q->abandoned;
  q->longest_wait = std::max(q->longest_wait, count_or_zero(e.event, "HoldTime"));
  return true;
}

bool Statistics::on_queue_params(EventContext& e) {
  auto* q = e.queue();
  if (q == nullptr) return false;
  q->waiting = count_or_zero(e.event, "Calls");
  if (q->callers.size() > static_cast<std::size_t>(q->waiting))
    q->callers.erase(q->callers.begin(), q->callers.end() - q->waiting);
  return true;
}

bool Statistics::on_queue_entry(EventContext& e) {
  auto* q = e.queue();
  if (q == nullptr) return false;
  Caller c{e.event.get("Uniqueid"), e.event.get("Channel"),
           e.now_ms - 1000 * count_or_zero(e.event, "Wait")};
  const bool known = std::any_of(q->callers.begin(), q->callers.end(), [&](const Caller& x) {
    return (!c.uniqueid.empty() && x.uniqueid == c.uniqueid) ||
           (!c.channel.empty() && x.channel == c.channel);
  });
  if (!known) {
    q->callers.push_back(std::move(c));
    std::stable_sort(q->callers.begin(), q->callers.end(),
                     [](const Caller& a, const Caller& b) { return a.joined_ms < b.joined_ms; });
  }
  q->waiting = std::max<std::int64_t>(q->waiting, static_cast<std::int64_t>(q->callers.size()));
  return true;
}

bool Statistics::on_agent_called(EventContext& e) {
  if (auto* a = agent_for(e.server, e.event)) a->state = "ringing";
  return true;
}

bool Statistics::on_agent_connect(EventContext& e) {
  if (auto* q = e.queue()) {
    const auto hold = count_or_zero(e.event, "HoldTime");
    ++q->answered;
    q->hold_sum += hold;
    q->longest_wait = std::max(q->longest_wait, hold);
  }
  if (auto* a = agent_for(e.server, e.event)) a->state = "incall";
  return true;
}

bool Statistics::on_agent_complete(EventContext& e) {
  const auto talk = count_or_zero(e.event, "TalkTime");
  if (auto* q = e.queue()) {
    ++q->completed;
    q->talk_sum += talk;
  }
  if (auto* a = agent_for(e.server, e.event)) {
    ++a->calls_taken;
    a->talk_time += talk;
    a->last_call_ms = e.now_ms;
    a->state = "idle";
  }
  return true;
}

bool Statistics::on_agent_idle(EventContext& e) {
  if (auto* a = agent_for(e.server, e.event)) a->state = "idle";
  return true;
}

bool Statistics::on_member(EventContext& e) {
  if (e.queue() == nullptr) return false;
  member_event(e.server, e.name, e.event, e.now_ms);
  return true;
}

bool Statistics::on_agent_login(EventContext& e) {
  login_event(e.server, e.event, true, e.now_ms);
  return true;
}

bool Statistics::on_agent_logoff(EventContext& e) {
  login_event(e.server, e.event, false, e.now_ms);
  return true;
}

void Statistics::caller_join(QueueStats& q, const Message& ev, std::int64_t now) {
  ++q.entered;
  q.callers.push_back({ev.get("Uniqueid"), ev.get("Channel"), now});
  // Count is Asterisk's own number of callers after the change: trust it over our arithmetic.
  if (!header_count(ev, "Count", q.waiting)) ++q.waiting;
  // Callers beyond the count are ones whose Leave we missed; they are the oldest.
  if (q.callers.size() > static_cast<std::size_t>(q.waiting))
    q.callers.erase(q.callers.begin(), q.callers.end() - q.waiting);
}

void Statistics::caller_leave(QueueStats& q, const Message& ev) {
  const auto uniqueid = ev.get("Uniqueid"), channel = ev.get("Channel");
  std::erase_if(q.callers, [&](const Caller& c) {
    return (!uniqueid.empty() && c.uniqueid == uniqueid) ||
           (!channel.empty() && c.channel == channel);
  });
  if (!header_count(ev, "Count", q.waiting)) q.waiting = std::max<std::int64_t>(q.waiting - 1, 0);
  if (q.callers.size() > static_cast<std::size_t>(q.waiting))
    q.callers.erase(q.callers.begin(), q.callers.end() - q.waiting);
}

Statistics::AgentStats* Statistics::agent_for(const std::string& server, const Message& ev) {
  bool pool = false;
  const auto id = agent_identity(ev, pool);
  if (id.empty()) return nullptr;
  auto& a = data_.agents[{server, id}];
  a.pool = a.pool || pool;
  return &a;
}

void Statistics::add_activity(AgentStats& a, std::int64_t now, const char* what,
                              const std::string& queue, const std::string& reason) {
  a.activity.push_back({now, what, queue, reason});
  while (a.activity.size() > activity_limit_) a.activity.pop_front();
}

// Paused time runs while the agent is paused in at least one queue: call after any change to
// the agent's queues, with whether it was paused before.
void Statistics::pause_clock(AgentStats& a, bool was_paused, std::int64_t now) {
  const bool is = any_paused(a.queues);
  if (!was_paused && is) a.pause_start_ms = now;
  if (was_paused && !is) {
    a.paused_ms += std::max<std::int64_t>(now - a.pause_start_ms, 0);
    a.pause_start_ms = 0;
    a.paused_reason.clear();
  }
}

void Statistics::set_paused(AgentStats& a, const std::string& queue, bool paused,
                            const std::string& reason, std::int64_t now) {
  const bool was = any_paused(a.queues);
  bool& flag = a.queues[queue];
  if (flag == paused) {
    if (paused && !reason.empty()) a.paused_reason = reason;  // a new reason, same pause
    return;
  }
  flag = paused;
  if (paused) a.paused_reason = reason;
  pause_clock(a, was, now);
  add_activity(a, now, paused ? "pause" : "unpause", queue, paused ? reason : std::string());
}

void Statistics::member_event(const std::string& server, const std::string& name, const Message& ev,
                              std::int64_t now) {
  const std::string queue = ev.get("Queue");
  AgentStats* a = agent_for(server, ev);
  if (!a) return;
  if (iequals(name, "QueueMemberRemoved")) {
    // A removed member's pause ends with it, but that is no unpause by the agent.
    const bool was = any_paused(a->queues);
    const bool member = a->queues.erase(queue) > 0;
    pause_clock(*a, was, now);
    if (member && !a->pool) {
      add_activity(*a, now, "logout", queue, "");
      if (a->queues.empty()) {
        a->logged_in = false;
        a->state = "loggedoff";
      }
    }
    return;
  }
  const bool joined = a->queues.try_emplace(queue, false).second;
  if (joined && !a->pool) {
    // Added is a login; a static member is simply seen through its status events.
    if (iequals(name, "QueueMemberAdded")) add_activity(*a, now, "login", queue, "");
    a->logged_in = true;
    if (a->state == "loggedoff" || a->state == "unknown") a->state = "idle";
  }
  std::int64_t status = 0;
  if (header_count(ev, "Status", status)) a->state = state_name(status);
  std::int64_t paused = 0;
  if (header_count(ev, "Paused", paused)) {
    auto reason = ev.get("PausedReason");
    if (reason.empty()) reason = ev.get("Reason");
    set_paused(*a, queue, paused != 0, reason, now);
  }
}

void Statistics::login_event(const std::string& server, const Message& ev, bool login,
                             std::int64_t now) {
  AgentStats* a = agent_for(server, ev);
  if (!a) return;
  a->pool = true;
  a->logged_in = login;
  a->state = login ? "idle" : "loggedoff";
  // Every login/logout event is recorded: each is a real action, even if one was missed.
  add_activity(*a, now, login ? "login" : "logout", "", login ? "" : ev.get("Reason"));
}

}  // namespace ampd_statistics
