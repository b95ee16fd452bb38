// StatisticInfo and AgentActivity: the statistics as records.
#include <algorithm>
#include <ctime>

#include "statistics.hpp"
#include "statistics_support.hpp"

namespace ampd_statistics {

using namespace support;

namespace {

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

}  // namespace

// ---------------------------------------------------------------- queries

Reply Statistics::statistic_info(const std::string& type, const std::string& queue_filter,
                                 const std::string& agent_filter, TimePoint now) const {
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
    return failed_reply("Invalid Type '" + type + "': use Queue, Agent or Server");
  }
  const std::int64_t now_ms = to_ms(now);
  const std::string agent_id = strip_agent_prefix(agent_filter);

  Reply r;
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
      return failed_reply("No statistics for queue '" + queue_filter + "'");
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
      return failed_reply("No statistics for agent '" + agent_filter + "'");
  }
  return r;
}

Reply Statistics::agent_activity(const std::string& agent, TimePoint) const {
  const std::string id = strip_agent_prefix(trim(agent));
  if (id.empty()) return failed_reply("Agent not specified");
  Reply r;
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
  if (!found) return failed_reply("No such agent '" + agent + "'");
  // Several servers make one timeline; stable_sort keeps each history's order for equal times.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& e : entries) r.records.push_back(std::move(e.second));
  return r;
}

}  // namespace ampd_statistics
