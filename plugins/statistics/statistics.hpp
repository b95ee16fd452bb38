// Queue, agent and server statistics built from Asterisk's events, the per-agent activity
// history, and their persistence across lost Asterisk links and ampd restarts.
//
// Events understood (both dialects; names and headers compared case-insensitively):
//   callers   Join / QueueCallerJoin, Leave / QueueCallerLeave, QueueCallerAbandon
//   calls     AgentCalled, AgentConnect, AgentComplete, AgentRingNoAnswer, AgentDump
//   members   QueueMemberAdded, QueueMemberRemoved, QueueMemberPause / QueueMemberPaused (1.4),
//             QueueMemberStatus, and the QueueStatus list events QueueParams, QueueEntry and
//             QueueMember (fed in after a reconnect they resynchronise waiting callers, pauses
//             and member states)
//   agents    AgentLogin / Agentlogin, AgentLogoff / Agentlogoff, Agentcallbacklogin / logoff
// HoldTime, TalkTime and Wait are seconds.
//
// Agent identity: the Agent header ("1001"); else the member interface (Interface, Location,
// Member or 1.4 AgentCalled header) with an "Agent/" prefix removed ("Agent/1001" -> "1001");
// any other interface is the agent itself ("Local/100@agents"). Agents known through an Agent
// header or an Agent/ interface are logged in and out by the Agent* login events; the others
// count as logged in while they are members of at least one queue (QueueMemberAdded logs them
// in for that queue, QueueMemberRemoved out; a static member is seen through its status events).
//
// Everything is kept per Asterisk server (records carry a Server field). Link loss resets
// nothing. When a link comes (back) up, that server's waiting counts and waiting callers are
// cleared: what happened while the link was down is unknown, so the next Join/Leave (whose
// Count header is Asterisk's own number of callers) or QueueParams sets them again. This keeps
// "Waiting" from going negative or staying stuck on callers whose Leave was lost. Agent state,
// pauses and all counters are kept; a pause in progress keeps accumulating paused time.
//
// Snapshot format (UTF-8 text, one record per line, fields separated by TAB; in string fields
// '\' TAB CR LF are written as \\ \t \r \n; times are milliseconds since the epoch, durations
// in seconds unless the name says _ms):
//   ampd-statistics <TAB> 1                                        (format version)
//   queue    server queue waiting entered answered abandoned completed longest_wait
//            hold_sum talk_sum
//   caller   server queue uniqueid channel joined_ms               (after its queue line)
//   agent    server agent pool(0/1) logged_in(0/1) state calls_taken talk_time paused_ms
//            pause_start_ms last_call_ms paused_reason
//   member   server agent queue paused(0/1)                        (after its agent line)
//   activity server agent time_ms activity queue reason            (after its agent line)
//   end
// restore() accepts exactly this (the "end" line proves the file is complete) and replaces the
// statistics only when the whole text is valid. Server counters and link states belong to the
// running process and are not saved.
//
// Thread safety: every public member function locks one mutex, so queries and snapshots may
// run on another thread while the reactor thread feeds events.
//
// statistics.cpp is the model and its event handlers (a table from event names),
// statistics_queries.cpp the StatisticInfo and AgentActivity records, statistics_snapshot.cpp
// the snapshot text, statistics_plugin.cpp the plugin that feeds, saves and answers them.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "records.hpp"

namespace ampd_statistics {

// ampd's own figures, reported in the ServerStatistic record.
struct ServerCounters {
  std::uint64_t clients_connected = 0;  // clients connected now
  std::uint64_t actions_run = 0;        // since ampd started
  std::uint64_t events_delivered = 0;   // since ampd started
};

class Statistics {
 public:
  using Clock = std::chrono::system_clock;
  using TimePoint = Clock::time_point;
  static constexpr std::size_t kDefaultActivityLimit = 100;

  explicit Statistics(TimePoint started, std::size_t activity_limit = kDefaultActivityLimit);

  // The events on_event understands, in lower case.
  static std::vector<std::string> event_names();
  // `server` is the Asterisk server's configured name. Non-events and other events are ignored.
  void on_event(const std::string& server, const Message& event, TimePoint now);
  void on_link_state(const std::string& server, bool up, TimePoint now);
  // The state a link was already in when the plugin (re)loaded: recorded, nothing cleared.
  void restore_link_state(const std::string& server, bool up, TimePoint since);
  void set_counters(const ServerCounters& counters);
  void set_start_time(TimePoint started);

  // StatisticInfo. `type` is "", "Queue", "Agent" or "Server" (case-insensitive). A filter
  // names one queue or agent (case-insensitive; "Agent/1001" means "1001"); with no type, only
  // the filtered kinds are listed, and ServerStatistic plus one LinkStatistic per Asterisk
  // server only when there is no filter either. Bad type or unknown filter: an error Reply.
  Reply statistic_info(const std::string& type, const std::string& queue_filter,
                       const std::string& agent_filter, TimePoint now) const;
  // AgentActivity: the agent's history, oldest first. Error when the agent is unknown.
  // `now` is unused (entries carry absolute times); kept so all queries look alike.
  Reply agent_activity(const std::string& agent, TimePoint now) const;

  std::string snapshot() const;
  bool restore(const std::string& text, std::string& error);
  // A missing file is a first start: returns true and changes nothing.
  bool load_file(const std::string& path, std::string& error);

  // Grows with every change, so a periodic saver can skip writing an unchanged snapshot.
  std::uint64_t changes() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (server, queue or agent)

  struct Caller {
    std::string uniqueid;
    std::string channel;
    std::int64_t joined_ms = 0;
  };
  struct QueueStats {
    std::int64_t waiting = 0, entered = 0, answered = 0, abandoned = 0, completed = 0;
    std::int64_t longest_wait = 0;  // of answered and abandoned calls
    std::int64_t hold_sum = 0;      // of answered calls
    std::int64_t talk_sum = 0;      // of completed calls
    std::vector<Caller> callers;    // waiting now, oldest first
  };
  struct Activity {
    std::int64_t time_ms = 0;
    std::string activity;  // login, logout, pause, unpause
    std::string queue;
    std::string reason;
  };
  struct AgentStats {
    bool pool = false;  // logged in by Agent* events rather than by queue membership
    bool logged_in = false;
    std::string state = "unknown";
    std::int64_t calls_taken = 0, talk_time = 0;
    std::int64_t paused_ms = 0;       // finished pauses
    std::int64_t pause_start_ms = 0;  // start of the pause in progress
    std::int64_t last_call_ms = 0;
    std::string paused_reason;
    std::map<std::string, bool> queues;  // membership -> paused in that queue
    std::deque<Activity> activity;
  };
  struct Link {
    bool up = false;
    std::int64_t since_ms = 0;
  };
  struct Data {
    std::map<Key, QueueStats> queues;
    std::map<Key, AgentStats> agents;
  };

  // Event handlers, found by event name (case-insensitive); called with the mutex held.
  struct EventContext;
  using EventHandler = bool (Statistics::*)(EventContext&);
  using EventTable = std::unordered_map<std::string, EventHandler>;  // lower-case names
  static const EventTable& event_table();
  bool on_caller_join(EventContext& e);
  bool on_caller_leave(EventContext& e);
  bool on_caller_abandon(EventContext& e);
  bool on_queue_params(EventContext& e);
  bool on_queue_entry(EventContext& e);
  bool on_agent_called(EventContext& e);
  bool on_agent_connect(EventContext& e);
  bool on_agent_complete(EventContext& e);
  bool on_agent_idle(EventContext& e);
  bool on_member(EventContext& e);
  bool on_agent_login(EventContext& e);
  bool on_agent_logoff(EventContext& e);
  void caller_join(QueueStats& q, const Message& ev, std::int64_t now);
  void caller_leave(QueueStats& q, const Message& ev);
  void member_event(const std::string& server, const std::string& name, const Message& ev,
                    std::int64_t now);
  void login_event(const std::string& server, const Message& ev, bool login, std::int64_t now);
  static void pause_clock(AgentStats& a, bool was_paused, std::int64_t now);
  void set_paused(AgentStats& a, const std::string& queue, bool paused, const std::string& reason,
                  std::int64_t now);
  void add_activity(AgentStats& a, std::int64_t now, const char* what, const std::string& queue,
                    const std::string& reason);
  AgentStats* agent_for(const std::string& server, const Message& ev);

  std::string snapshot_locked() const;
  bool parse_snapshot(const std::string& text, Data& out, std::string& error) const;

  mutable std::mutex mutex_;
  std::size_t activity_limit_;
  std::int64_t started_ms_;
  ServerCounters counters_;
  std::map<std::string, Link> links_;
  Data data_;
  std::uint64_t changes_ = 0;
};

}  // namespace ampd_statistics
