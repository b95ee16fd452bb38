#include "statistics.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string_view>

#include "atomic_file.hpp"
#include "text.hpp"

namespace ampd {

namespace {

constexpr std::string_view kMagic = "ampd-statistics";
constexpr std::string_view kVersion = "1";

std::int64_t to_ms(Statistics::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::int64_t seconds(std::int64_t ms) { return ms / 1000; }

bool is_any(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(name, n); });
}

// A non-negative integer, or nothing when absent or malformed.
// `out` is left alone on failure.
bool parse_count(std::string_view s, std::int64_t& out) {
  s = trim(s);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) return false;
  out = v;
  return true;
}

bool header_count(const Message& ev, std::string_view name, std::int64_t& out) {
  auto v = ev.find(name);
  return v && parse_count(*v, out);
}

std::int64_t count_or_zero(const Message& ev, std::string_view name) {
  std::int64_t n = 0;
  return header_count(ev, name, n) ? n : 0;
}

std::string strip_agent_prefix(std::string_view s) {
  if (s.size() > 6 && iequals(s.substr(0, 6), "Agent/")) s.remove_prefix(6);
  return std::string(s);
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

// Rounded to the nearest second.
std::int64_t average(std::int64_t sum, std::int64_t n) { return n > 0 ? (sum + n / 2) / n : 0; }

std::string iso_utc(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(seconds(ms));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Reply error_reply(std::string action, std::string message) {
  Reply r;
  r.action = std::move(action);
  r.success = false;
  r.message = std::move(message);
  return r;
}

// ---- snapshot text: TAB-separated fields, backslash escapes in strings

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool unescape(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return false;
    switch (s[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      default:
        return false;
    }
  }
  return true;
}

// One snapshot line: Line(out, "kind").s(text).n(number); the newline is added when the
// temporary dies at the end of the statement.
class Line {
 public:
  explicit Line(std::string& out, std::string_view kind) : out_(out) { out_ += kind; }
  ~Line() { out_ += '\n'; }
  Line& s(std::string_view v) { return out_.append("\t").append(escape(v)), *this; }
  Line& n(std::int64_t v) { return out_.append("\t").append(std::to_string(v)), *this; }
  Line& b(bool v) { return n(v ? 1 : 0); }

 private:
  std::string& out_;
};

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

void Statistics::on_event(const std::string& server, const Message& event, TimePoint now) {
  const std::string name = event.get("Event");
  if (name.empty()) return;
  const std::int64_t now_ms = to_ms(now);
  const std::string queue = event.get("Queue");
  std::lock_guard lock(mutex_);
  // Handled events naming a queue create it; so a queue seen only through members is listed.
  QueueStats* q = nullptr;
  const auto named_queue = [&] {
    if (!queue.empty()) q = &data_.queues[{server, queue}];
    return q != nullptr;
  };

  if (is_any(name, {"Join", "QueueCallerJoin"})) {
    if (named_queue()) caller_join(*q, event, now_ms);
  } else if (is_any(name, {"Leave", "QueueCallerLeave"})) {
    if (named_queue()) caller_leave(*q, event);
  } else if (iequals(name, "QueueCallerAbandon")) {
    // Asterisk follows with Leave, which updates the waiting count.
    if (!named_queue()) return;
    ++q->abandoned;
    q->longest_wait = std::max(q->longest_wait, count_or_zero(event, "HoldTime"));
  } else if (iequals(name, "QueueParams")) {
    if (!named_queue()) return;
    q->waiting = count_or_zero(event, "Calls");
    if (q->callers.size() > static_cast<std::size_t>(q->waiting))
      q->callers.erase(q->callers.begin(), q->callers.end() - q->waiting);
  } else if (iequals(name, "QueueEntry")) {
    if (!named_queue()) return;
    Caller c{event.get("Uniqueid"), event.get("Channel"),
             now_ms - 1000 * count_or_zero(event, "Wait")};
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
  } else if (iequals(name, "AgentCalled")) {
    if (auto* a = agent_for(server, event)) a->state = "ringing";
  } else if (iequals(name, "AgentConnect")) {
    if (named_queue()) {
      const auto hold = count_or_zero(event, "HoldTime");
      ++q->answered;
      q->hold_sum += hold;
      q->longest_wait = std::max(q->longest_wait, hold);
    }
    if (auto* a = agent_for(server, event)) a->state = "incall";
  } else if (iequals(name, "AgentComplete")) {
    const auto talk = count_or_zero(event, "TalkTime");
    if (named_queue()) {
      ++q->completed;
      q->talk_sum += talk;
    }
    if (auto* a = agent_for(server, event)) {
      ++a->calls_taken;
      a->talk_time += talk;
      a->last_call_ms = now_ms;
      a->state = "idle";
    }
  } else if (is_any(name, {"AgentRingNoAnswer", "AgentDump"})) {
    if (auto* a = agent_for(server, event)) a->state = "idle";
  } else if (is_any(name, {"QueueMemberAdded", "QueueMemberRemoved", "QueueMemberPause",
                           "QueueMemberPaused", "QueueMemberStatus", "QueueMember"})) {
    if (!named_queue()) return;
    member_event(server, name, event, now_ms);
  } else if (is_any(name, {"AgentLogin", "Agentcallbacklogin"})) {
    login_event(server, event, true, now_ms);
  } else if (is_any(name, {"AgentLogoff", "Agentcallbacklogoff"})) {
    login_event(server, event, false, now_ms);
  } else {
    return;
  }
  ++changes_;
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

namespace {
bool any_paused(const std::map<std::string, bool>& queues) {
  return std::any_of(queues.begin(), queues.end(), [](const auto& q) { return q.second; });
}
}  // namespace

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

// ---------------------------------------------------------------- queries

Reply Statistics::statistic_info(const std::string& type, const std::string& queue_filter,
                                 const std::string& agent_filter, TimePoint now) const {
  const std::string action = "StatisticInfo";
  const std::string t = to_lower(trim(type));
  const bool filtered = !queue_filter.empty() || !agent_filter.empty();
  bool queues = false, agents = false, server = false;
  if (t.empty()) {
    queues = !filtered || !queue_filter.empty();
    agents = !filtered || !agent_filter.empty();
    server = !filtered;
  } else if (t == "queue") {
    queues = true;
  } else if (t == "agent") {
    agents = true;
  } else if (t == "server") {
    server = true;
  } else {
    return error_reply(action, "Invalid Type '" + type + "': use Queue, Agent or Server");
  }
  const std::int64_t now_ms = to_ms(now);
  const std::string agent_id = strip_agent_prefix(agent_filter);

  Reply r;
  r.action = action;
  r.is_list = true;
  std::lock_guard lock(mutex_);
  if (server) {
    Message m;
    m.add("StartTime", std::to_string(seconds(started_ms_)));
    m.add("Uptime", std::to_string(std::max<std::int64_t>(seconds(now_ms - started_ms_), 0)));
    m.add("ClientsConnected", std::to_string(counters_.clients_connected));
    m.add("ActionsRun", std::to_string(counters_.actions_run));
    m.add("EventsDelivered", std::to_string(counters_.events_delivered));
    m.add("AsteriskServers", std::to_string(links_.size()));
    r.records.push_back({"ServerStatistic", std::move(m)});
    for (const auto& [name, link] : links_) {
      Message l;
      l.add("Server", name);
      l.add("Link", link.up ? "up" : "down");
      l.add("Since", std::to_string(seconds(link.since_ms)));
      l.add("Duration", std::to_string(std::max<std::int64_t>(seconds(now_ms - link.since_ms), 0)));
      r.records.push_back({"LinkStatistic", std::move(l)});
    }
  }
  if (queues) {
    bool found = false;
    for (const auto& [key, q] : data_.queues) {
      if (!queue_filter.empty() && !iequals(key.second, queue_filter)) continue;
      found = true;
      std::int64_t waiting_longest = 0;
      for (const auto& c : q.callers)
        waiting_longest = std::max(waiting_longest, seconds(now_ms - c.joined_ms));
      Message m;
      m.add("Queue", key.second);
      m.add("Server", key.first);
      m.add("Waiting", std::to_string(q.waiting));
      m.add("Entered", std::to_string(q.entered));
      m.add("Answered", std::to_string(q.answered));
      m.add("Abandoned", std::to_string(q.abandoned));
      m.add("Completed", std::to_string(q.completed));
      m.add("LongestWait", std::to_string(std::max(q.longest_wait, waiting_longest)));
      m.add("LongestWaitNow", std::to_string(waiting_longest));
      m.add("AverageWait", std::to_string(average(q.hold_sum, q.answered)));
      m.add("AverageTalkTime", std::to_string(average(q.talk_sum, q.completed)));
      r.records.push_back({"QueueStatistic", std::move(m)});
    }
    if (!found && !queue_filter.empty())
      return error_reply(action, "No statistics for queue '" + queue_filter + "'");
  }
  if (agents) {
    bool found = false;
    for (const auto& [key, a] : data_.agents) {
      if (!agent_id.empty() && !iequals(key.second, agent_id)) continue;
      found = true;
      const bool paused = any_paused(a.queues);
      std::string member_of;
      for (const auto& [name, p] : a.queues) member_of += (member_of.empty() ? "" : ",") + name;
      const auto paused_ms =
          a.paused_ms + (paused ? std::max<std::int64_t>(now_ms - a.pause_start_ms, 0) : 0);
      Message m;
      m.add("Agent", key.second);
      m.add("Server", key.first);
      m.add("LoggedIn", a.logged_in ? "1" : "0");
      m.add("State", a.state);
      m.add("Paused", paused ? "1" : "0");
      m.add("PausedReason", a.paused_reason);
      m.add("PausedTime", std::to_string(seconds(paused_ms)));
      m.add("CallsTaken", std::to_string(a.calls_taken));
      m.add("TalkTime", std::to_string(a.talk_time));
      m.add("LastCall", std::to_string(seconds(a.last_call_ms)));
      m.add("Queues", member_of);
      r.records.push_back({"AgentStatistic", std::move(m)});
    }
    if (!found && !agent_filter.empty())
      return error_reply(action, "No statistics for agent '" + agent_filter + "'");
  }
  return r;
}

Reply Statistics::agent_activity(const std::string& agent, TimePoint) const {
  const std::string action = "AgentActivity";
  const std::string id = strip_agent_prefix(trim(agent));
  if (id.empty()) return error_reply(action, "Agent not specified");
  Reply r;
  r.action = action;
  r.is_list = true;
  std::lock_guard lock(mutex_);
  bool found = false;
  std::vector<std::pair<std::int64_t, Reply::Record>> entries;
  for (const auto& [key, a] : data_.agents) {
    if (!iequals(key.second, id)) continue;
    found = true;
    for (const auto& e : a.activity) {
      Message m;
      m.add("Agent", key.second);
      m.add("Server", key.first);
      m.add("Time", iso_utc(e.time_ms));
      m.add("Timestamp", std::to_string(seconds(e.time_ms)));
      m.add("Activity", e.activity);
      m.add("Queue", e.queue);
      m.add("Reason", e.reason);
      entries.push_back({e.time_ms, {"AgentActivity", std::move(m)}});
    }
  }
  if (!found) return error_reply(action, "No such agent '" + agent + "'");
  // Several servers make one timeline; stable_sort keeps each history's order for equal times.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& e : entries) r.records.push_back(std::move(e.second));
  return r;
}

// ---------------------------------------------------------------- persistence

std::string Statistics::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_locked();
}

std::string Statistics::snapshot_locked() const {
  std::string out;
  Line(out, kMagic).s(kVersion);
  for (const auto& [key, q] : data_.queues) {
    Line(out, "queue")
        .s(key.first)
        .s(key.second)
        .n(q.waiting)
        .n(q.entered)
        .n(q.answered)
        .n(q.abandoned)
        .n(q.completed)
        .n(q.longest_wait)
        .n(q.hold_sum)
        .n(q.talk_sum);
    for (const auto& c : q.callers)
      Line(out, "caller").s(key.first).s(key.second).s(c.uniqueid).s(c.channel).n(c.joined_ms);
  }
  for (const auto& [key, a] : data_.agents) {
    Line(out, "agent")
        .s(key.first)
        .s(key.second)
        .b(a.pool)
        .b(a.logged_in)
        .s(a.state)
        .n(a.calls_taken)
        .n(a.talk_time)
        .n(a.paused_ms)
        .n(a.pause_start_ms)
        .n(a.last_call_ms)
        .s(a.paused_reason);
    for (const auto& [queue, paused] : a.queues)
      Line(out, "member").s(key.first).s(key.second).s(queue).b(paused);
    for (const auto& e : a.activity)
      Line(out, "activity")
          .s(key.first)
          .s(key.second)
          .n(e.time_ms)
          .s(e.activity)
          .s(e.queue)
          .s(e.reason);
  }
  Line(out, "end");
  return out;
}

bool Statistics::parse_snapshot(const std::string& text, Data& out, std::string& error) const {
  std::size_t line_no = 0, pos = 0;
  bool ended = false;
  const auto fail = [&](const std::string& what) {
    error = "statistics snapshot line " + std::to_string(line_no) + ": " + what;
    return false;
  };
  while (pos < text.size()) {
    const auto eol = text.find('\n', pos);
    if (eol == std::string::npos) return ++line_no, fail("unterminated line");
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (ended) return fail("data after the end line");

    std::vector<std::string> f;
    for (std::size_t start = 0;;) {
      const auto tab = line.find('\t', start);
      std::string field;
      if (!unescape(line.substr(start, tab == std::string_view::npos ? tab : tab - start), field))
        return fail("bad escape");
      f.push_back(std::move(field));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    std::vector<std::int64_t> nums;
    // Fields at `indexes` must be non-negative integers; they land in `nums` in that order.
    const auto numbers = [&](std::initializer_list<std::size_t> indexes) {
      nums.clear();
      for (auto i : indexes) {
        std::int64_t v = 0;
        if (!parse_count(f[i], v) || f[i] != std::to_string(v)) return false;
        nums.push_back(v);
      }
      return true;
    };
    const auto flag = [](const std::string& s, bool& b) {
      b = s == "1";
      return s == "0" || s == "1";
    };
    const std::string& kind = f[0];

    if (line_no == 1) {
      if (kind != kMagic || f.size() != 2) return fail("not an ampd statistics snapshot");
      if (f[1] != kVersion) return fail("unsupported snapshot version '" + f[1] + "'");
      continue;
    }
    if (kind == "end" && f.size() == 1) {
      ended = true;
    } else if (kind == "queue" && f.size() == 11) {
      if (!numbers({3, 4, 5, 6, 7, 8, 9, 10})) return fail("bad number");
      auto [it, added] = out.queues.try_emplace({f[1], f[2]});
      if (!added) return fail("duplicate queue");
      auto& q = it->second;
      q.waiting = nums[0], q.entered = nums[1], q.answered = nums[2], q.abandoned = nums[3];
      q.completed = nums[4], q.longest_wait = nums[5], q.hold_sum = nums[6], q.talk_sum = nums[7];
    } else if (kind == "caller" && f.size() == 6) {
      auto it = out.queues.find({f[1], f[2]});
      if (it == out.queues.end()) return fail("caller of an unknown queue");
      if (!numbers({5})) return fail("bad number");
      it->second.callers.push_back({f[3], f[4], nums[0]});
    } else if (kind == "agent" && f.size() == 12) {
      auto [it, added] = out.agents.try_emplace({f[1], f[2]});
      if (!added) return fail("duplicate agent");
      auto& a = it->second;
      if (!flag(f[3], a.pool) || !flag(f[4], a.logged_in)) return fail("bad flag");
      if (f[5].empty()) return fail("empty state");
      if (!numbers({6, 7, 8, 9, 10})) return fail("bad number");
      a.state = f[5];
      a.calls_taken = nums[0], a.talk_time = nums[1], a.paused_ms = nums[2];
      a.pause_start_ms = nums[3], a.last_call_ms = nums[4];
      a.paused_reason = f[11];
    } else if (kind == "member" && f.size() == 5) {
      auto it = out.agents.find({f[1], f[2]});
      if (it == out.agents.end()) return fail("member of an unknown agent");
      bool paused = false;
      if (!flag(f[4], paused)) return fail("bad flag");
      if (!it->second.queues.try_emplace(f[3], paused).second) return fail("duplicate member");
    } else if (kind == "activity" && f.size() == 7) {
      auto it = out.agents.find({f[1], f[2]});
      if (it == out.agents.end()) return fail("activity of an unknown agent");
      if (!numbers({3})) return fail("bad number");
      if (!is_any(f[4], {"login", "logout", "pause", "unpause"})) return fail("bad activity");
      auto& history = it->second.activity;
      history.push_back({nums[0], f[4], f[5], f[6]});
      while (history.size() > activity_limit_) history.pop_front();
    } else {
      return fail("unknown or malformed record '" + kind + "'");
    }
  }
  if (line_no == 0) return fail("empty");
  if (!ended) return fail("incomplete snapshot (no end line)");
  return true;
}

bool Statistics::restore(const std::string& text, std::string& error) {
  Data fresh;
  if (!parse_snapshot(text, fresh, error)) return false;
  std::lock_guard lock(mutex_);
  data_ = std::move(fresh);
  ++changes_;
  return true;
}

bool Statistics::save_atomically(const std::string& path, std::string& error) const {
  // The lock is held only while the text is made, not during the disk work.
  return write_file_atomically(path, snapshot(), error);
}

bool Statistics::load_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return error = "cannot open " + path, false;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return error = "cannot read " + path, false;
  if (!restore(text.str(), error)) return error = path + ": " + error, false;
  return true;
}

}  // namespace ampd
