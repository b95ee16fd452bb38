#include "statistics/statistics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace ampd_statistics {
namespace {

using TimePoint = Statistics::TimePoint;
constexpr long kT0 = 1795734240;  // as in the Asterisk 20 transcripts' LoginTime

TimePoint at(long s) { return TimePoint(std::chrono::seconds(kT0 + s)); }
std::string epoch(long s) { return std::to_string(kT0 + s); }

// ---- event layouts as the simulator (tools/asterisk-sim) and Asterisk send them

Message event(const std::string& name, const std::string& cls) {
  return Message{{"Event", name}, {"Privilege", cls + ",all"}};
}

// Modern channel snapshot (add_snapshot in the simulator's events.cpp).
void snapshot(Message& m, const std::string& channel, const std::string& uniqueid,
              const std::string& prefix = "") {
  m.add(prefix + "Channel", channel);
  m.add(prefix + "ChannelState", "6");
  m.add(prefix + "ChannelStateDesc", "Up");
  m.add(prefix + "CallerIDNum", "5552000");
  m.add(prefix + "CallerIDName", "Queue Caller");
  m.add(prefix + "ConnectedLineNum", "5552000");
  m.add(prefix + "ConnectedLineName", "Queue Caller");
  m.add(prefix + "Language", "en");
  m.add(prefix + "AccountCode", "");
  m.add(prefix + "Context", "queues");
  m.add(prefix + "Exten", "support");
  m.add(prefix + "Priority", "2");
  m.add(prefix + "Uniqueid", uniqueid);
  m.add(prefix + "Linkedid", uniqueid);
}

Message modern_join(const std::string& queue, const std::string& uid, int position, int count) {
  Message m = event("QueueCallerJoin", "agent");
  snapshot(m, "PJSIP/5552000-0000000" + uid, uid);
  m.add("Queue", queue);
  m.add("Position", std::to_string(position));
  m.add("Count", std::to_string(count));
  return m;
}

Message modern_leave(const std::string& queue, const std::string& uid, int position, int count) {
  Message m = event("QueueCallerLeave", "agent");
  snapshot(m, "PJSIP/5552000-0000000" + uid, uid);
  m.add("Queue", queue);
  m.add("Count", std::to_string(count));
  m.add("Position", std::to_string(position));
  return m;
}

Message modern_abandon(const std::string& queue, const std::string& uid, int hold) {
  Message m = event("QueueCallerAbandon", "agent");
  snapshot(m, "PJSIP/5552000-0000000" + uid, uid);
  m.add("Queue", queue);
  m.add("Position", "1");
  m.add("OriginalPosition", "2");
  m.add("HoldTime", std::to_string(hold));
  return m;
}

// AgentCalled / AgentConnect / AgentComplete: caller snapshot, Dest snapshot, member fields.
Message modern_agent(const std::string& name, const std::string& queue, const std::string& uid,
                     const std::string& iface) {
  Message m = event(name, "agent");
  snapshot(m, "PJSIP/5552000-0000000" + uid, uid);
  snapshot(m, iface + "-00000009;1", uid + "9", "Dest");
  m.add("Queue", queue);
  m.add("Interface", iface);
  m.add("MemberName", iface);
  return m;
}

// QueueMember{Added,Removed,Pause,Status}: app_queue's member blob.
Message modern_member(const std::string& name, const std::string& queue, const std::string& iface,
                      int status, bool paused, const std::string& reason = "") {
  Message m = event(name, "agent");
  m.add("Queue", queue);
  m.add("MemberName", iface);
  m.add("Interface", iface);
  m.add("StateInterface", iface);
  m.add("Membership", "dynamic");
  m.add("Penalty", "0");
  m.add("CallsTaken", "0");
  m.add("LastCall", "0");
  m.add("LastPause", "0");
  m.add("LoginTime", epoch(0));
  m.add("InCall", status == 2 ? "1" : "0");
  m.add("Status", std::to_string(status));
  m.add("Paused", paused ? "1" : "0");
  m.add("PausedReason", reason);
  m.add("Ringinuse", "1");
  m.add("Wrapuptime", "0");
  return m;
}

// ---- lookups in replies

Message record(const Reply& r, const std::string& name, const std::string& key_field,
               const std::string& key) {
  for (const auto& rec : r.records) {
    if (rec.name == name && rec.fields.get(key_field) == key) return rec.fields;
  }
  ADD_FAILURE() << "no " << name << " record with " << key_field << " " << key;
  return {};
}

Message queue_stat(const Statistics& s, const std::string& queue, TimePoint now) {
  const Reply r = s.statistic_info("Queue", queue, "", now);
  EXPECT_TRUE(r.success) << r.message;
  return record(r, "QueueStatistic", "Queue", queue);
}

Message agent_stat(const Statistics& s, const std::string& agent, TimePoint now) {
  const Reply r = s.statistic_info("Agent", "", agent, now);
  EXPECT_TRUE(r.success) << r.message;
  return record(r, "AgentStatistic", "Agent", agent);
}

// "Activity/Queue/Reason@seconds-after-T0" per entry, for compact exact checks.
std::vector<std::string> activity(const Statistics& s, const std::string& agent) {
  const Reply r = s.agent_activity(agent, at(0));
  EXPECT_TRUE(r.success) << r.message;
  std::vector<std::string> out;
  for (const auto& rec : r.records) {
    EXPECT_EQ(rec.name, "AgentActivity");
    out.push_back(rec.fields.get("Activity") + "/" + rec.fields.get("Queue") + "/" +
                  rec.fields.get("Reason") + "@" +
                  std::to_string(std::stol(rec.fields.get("Timestamp")) - kT0));
  }
  return out;
}

// The modern scripted sequence: a queue-member agent (Local/100@agents) in "support" takes two
// calls, a third caller abandons, then the agent pauses twice.
void modern_script(Statistics& s) {
  const std::string q = "support", m = "Local/100@agents";
  s.on_link_state("pbx", true, at(0));
  s.on_event("pbx", modern_member("QueueMemberAdded", q, m, 1, false), at(0));
  s.on_event("pbx", modern_join(q, "1001.1", 1, 1), at(10));
  s.on_event("pbx", modern_join(q, "1001.2", 2, 2), at(12));
  s.on_event("pbx", modern_agent("AgentCalled", q, "1001.1", m), at(15));
  Message connect = modern_agent("AgentConnect", q, "1001.1", m);
  connect.add("HoldTime", "7");
  connect.add("RingTime", "2");
  s.on_event("pbx", modern_leave(q, "1001.1", 1, 1), at(17));
  s.on_event("pbx", connect, at(17));
  s.on_event("pbx", modern_member("QueueMemberStatus", q, m, 2, false), at(17));
  s.on_event("pbx", modern_abandon(q, "1001.2", 12), at(24));
  s.on_event("pbx", modern_leave(q, "1001.2", 1, 0), at(24));
  Message complete = modern_agent("AgentComplete", q, "1001.1", m);
  complete.add("HoldTime", "7");
  complete.add("TalkTime", "30");
  complete.add("Reason", "caller");
  s.on_event("pbx", complete, at(47));
  s.on_event("pbx", modern_member("QueueMemberStatus", q, m, 1, false), at(47));
  // Second call: 4 s hold, 61 s talk.
  s.on_event("pbx", modern_join(q, "1001.3", 1, 1), at(50));
  s.on_event("pbx", modern_agent("AgentCalled", q, "1001.3", m), at(52));
  Message noanswer = modern_agent("AgentRingNoAnswer", q, "1001.3", m);
  noanswer.add("RingTime", "1");
  s.on_event("pbx", noanswer, at(53));
  s.on_event("pbx", modern_leave(q, "1001.3", 1, 0), at(54));
  connect = modern_agent("AgentConnect", q, "1001.3", m);
  connect.add("HoldTime", "4");
  connect.add("RingTime", "1");
  s.on_event("pbx", connect, at(54));
  complete = modern_agent("AgentComplete", q, "1001.3", m);
  complete.add("HoldTime", "4");
  complete.add("TalkTime", "61");
  complete.add("Reason", "agent");
  s.on_event("pbx", complete, at(115));
  s.on_event("pbx", modern_member("QueueMemberStatus", q, m, 1, false), at(115));
  // Pause 60 s, then pause again (still paused at the end).
  s.on_event("pbx", modern_member("QueueMemberPause", q, m, 1, true, "lunch"), at(200));
  s.on_event("pbx", modern_member("QueueMemberPause", q, m, 1, false), at(260));
  s.on_event("pbx", modern_member("QueueMemberPause", q, m, 1, true, "break"), at(300));
}

TEST(Statistics, ModernQueueSequence) {
  Statistics s(at(0));
  modern_script(s);
  const Message q = queue_stat(s, "support", at(330));
  EXPECT_EQ(q.get("Server"), "pbx");
  EXPECT_EQ(q.get("Waiting"), "0");
  EXPECT_EQ(q.get("Entered"), "3");
  EXPECT_EQ(q.get("Answered"), "2");
  EXPECT_EQ(q.get("Abandoned"), "1");
  EXPECT_EQ(q.get("Completed"), "2");
  EXPECT_EQ(q.get("LongestWait"), "12");  // the abandoned caller
  EXPECT_EQ(q.get("LongestWaitNow"), "0");
  EXPECT_EQ(q.get("AverageWait"), "6");       // (7 + 4) / 2 = 5.5, rounded
  EXPECT_EQ(q.get("AverageTalkTime"), "46");  // (30 + 61) / 2 = 45.5, rounded
}

TEST(Statistics, ModernAgentSequence) {
  Statistics s(at(0));
  modern_script(s);
  const Message a = agent_stat(s, "Local/100@agents", at(330));
  EXPECT_EQ(a.get("Server"), "pbx");
  EXPECT_EQ(a.get("LoggedIn"), "1");
  EXPECT_EQ(a.get("State"), "idle");
  EXPECT_EQ(a.get("Paused"), "1");
  EXPECT_EQ(a.get("PausedReason"), "break");
  EXPECT_EQ(a.get("PausedTime"), "90");  // 60 s finished + 30 s of the pause in progress
  EXPECT_EQ(a.get("CallsTaken"), "2");
  EXPECT_EQ(a.get("TalkTime"), "91");
  EXPECT_EQ(a.get("LastCall"), epoch(115));
  EXPECT_EQ(a.get("Queues"), "support");
  EXPECT_EQ(activity(s, "Local/100@agents"),
            (std::vector<std::string>{"login/support/@0", "pause/support/lunch@200",
                                      "unpause/support/@260", "pause/support/break@300"}));
}

TEST(Statistics, AgentStatesFollowCallEvents) {
  Statistics s(at(0));
  const std::string q = "support", m = "Local/100@agents";
  const auto state = [&] { return agent_stat(s, m, at(0)).get("State"); };
  s.on_event("pbx", modern_member("QueueMemberAdded", q, m, 1, false), at(0));
  EXPECT_EQ(state(), "idle");
  s.on_event("pbx", modern_agent("AgentCalled", q, "1.1", m), at(1));
  EXPECT_EQ(state(), "ringing");
  s.on_event("pbx", modern_agent("AgentConnect", q, "1.1", m), at(2));
  EXPECT_EQ(state(), "incall");
  s.on_event("pbx", modern_member("QueueMemberStatus", q, m, 5, false), at(3));
  EXPECT_EQ(state(), "unavailable");
  s.on_event("pbx", modern_member("QueueMemberStatus", q, m, 6, false), at(4));
  EXPECT_EQ(state(), "ringing");
  s.on_event("pbx", modern_agent("AgentDump", q, "1.1", m), at(5));
  EXPECT_EQ(state(), "idle");
  s.on_event("pbx", modern_member("QueueMemberRemoved", q, m, 1, false), at(6));
  EXPECT_EQ(state(), "loggedoff");
  EXPECT_EQ(agent_stat(s, m, at(6)).get("LoggedIn"), "0");
  EXPECT_EQ(activity(s, m), (std::vector<std::string>{"login/support/@0", "logout/support/@6"}));
}

// Asterisk 1.4: chan_agent agents (Agentlogin, Agent/1001 members), Join/Leave, the 1.4
// AgentCalled/Connect/Complete layouts and QueueMemberPaused.
TEST(Statistics, Asterisk14Sequence) {
  Statistics s(at(0));
  const std::string q = "sales";
  s.on_link_state("old", true, at(0));
  s.on_event("old",
             {{"Event", "Agentlogin"},
              {"Privilege", "agent,all"},
              {"Agent", "1001"},
              {"Channel", "SIP/1001-00000001"},
              {"Uniqueid", "1795734240.1"}},
             at(0));
  const auto join = [&](const std::string& uid, int pos, int count, long t) {
    s.on_event("old",
               {{"Event", "Join"},
                {"Privilege", "call,all"},
                {"Channel", "SIP/5552000-" + uid},
                {"CallerID", "5552000"},
                {"CallerIDName", "Queue Caller"},
                {"Queue", q},
                {"Position", std::to_string(pos)},
                {"Count", std::to_string(count)},
                {"Uniqueid", uid}},
               at(t));
  };
  const auto leave = [&](const std::string& uid, int count, long t) {
    s.on_event("old",
               {{"Event", "Leave"},
                {"Privilege", "call,all"},
                {"Channel", "SIP/5552000-" + uid},
                {"Queue", q},
                {"Count", std::to_string(count)},
                {"Uniqueid", uid}},
               at(t));
  };
  const auto member = [&](const std::string& name, const std::string& status,
                          const std::string& paused, long t) {
    Message m{{"Event", name},
              {"Privilege", "agent,all"},
              {"Queue", q},
              {"Location", "Agent/1001"},
              {"MemberName", "Agent/1001"}};
    if (!status.empty()) {
      m.add("Membership", "static");
      m.add("Penalty", "0");
      m.add("CallsTaken", "0");
      m.add("LastCall", "0");
      m.add("Status", status);
    }
    m.add("Paused", paused);
    s.on_event("old", m, at(t));
  };
  join("1795734240.2", 1, 1, 5);
  join("1795734240.3", 2, 2, 6);
  EXPECT_EQ(queue_stat(s, q, at(9)).get("Waiting"), "2");
  EXPECT_EQ(queue_stat(s, q, at(9)).get("LongestWaitNow"), "4");
  s.on_event("old",
             {{"Event", "AgentCalled"},
              {"Privilege", "agent,all"},
              {"AgentCalled", "Agent/1001"},
              {"AgentName", "Agent/1001"},
              {"ChannelCalling", "SIP/5552000-1795734240.2"},
              {"CallerID", "5552000"},
              {"CallerIDName", "Queue Caller"},
              {"Context", "queues"},
              {"Extension", "sales"},
              {"Priority", "2"}},
             at(8));
  EXPECT_EQ(agent_stat(s, "1001", at(8)).get("State"), "ringing");
  leave("1795734240.2", 1, 10);
  s.on_event("old",
             {{"Event", "AgentConnect"},
              {"Privilege", "agent,all"},
              {"Queue", q},
              {"Uniqueid", "1795734240.2"},
              {"Channel", "SIP/5552000-1795734240.2"},
              {"Member", "Agent/1001"},
              {"MemberName", "Agent/1001"},
              {"Holdtime", "5"},
              {"BridgedChannel", "1795734240.4"},
              {"Ringtime", "2"}},
             at(10));
  member("QueueMemberStatus", "2", "0", 10);
  EXPECT_EQ(agent_stat(s, "1001", at(10)).get("State"), "incall");
  // The second caller gives up after 20 s.
  s.on_event("old",
             {{"Event", "QueueCallerAbandon"},
              {"Privilege", "agent,all"},
              {"Queue", q},
              {"Uniqueid", "1795734240.3"},
              {"Position", "1"},
              {"OriginalPosition", "2"},
              {"HoldTime", "20"}},
             at(26));
  leave("1795734240.3", 0, 26);
  s.on_event("old",
             {{"Event", "AgentComplete"},
              {"Privilege", "agent,all"},
              {"Queue", q},
              {"Uniqueid", "1795734240.2"},
              {"Channel", "SIP/5552000-1795734240.2"},
              {"Member", "Agent/1001"},
              {"MemberName", "Agent/1001"},
              {"HoldTime", "5"},
              {"TalkTime", "25"},
              {"Reason", "caller"}},
             at(35));
  member("QueueMemberStatus", "1", "0", 35);
  member("QueueMemberPaused", "", "1", 40);
  member("QueueMemberPaused", "", "0", 100);
  s.on_event("old",
             {{"Event", "Agentlogoff"},
              {"Privilege", "agent,all"},
              {"Agent", "1001"},
              {"Logintime", "120"},
              {"Uniqueid", "1795734240.1"}},
             at(120));

  const Message qs = queue_stat(s, q, at(200));
  EXPECT_EQ(qs.get("Server"), "old");
  EXPECT_EQ(qs.get("Waiting"), "0");
  EXPECT_EQ(qs.get("Entered"), "2");
  EXPECT_EQ(qs.get("Answered"), "1");
  EXPECT_EQ(qs.get("Abandoned"), "1");
  EXPECT_EQ(qs.get("LongestWait"), "20");
  EXPECT_EQ(qs.get("AverageWait"), "5");
  EXPECT_EQ(qs.get("AverageTalkTime"), "25");
  const Message a = agent_stat(s, "1001", at(200));
  EXPECT_EQ(a.get("LoggedIn"), "0");
  EXPECT_EQ(a.get("State"), "loggedoff");
  EXPECT_EQ(a.get("Paused"), "0");
  EXPECT_EQ(a.get("PausedTime"), "60");
  EXPECT_EQ(a.get("CallsTaken"), "1");
  EXPECT_EQ(a.get("TalkTime"), "25");
  EXPECT_EQ(a.get("LastCall"), epoch(35));
  EXPECT_EQ(activity(s, "1001"), (std::vector<std::string>{"login//@0", "pause/sales/@40",
                                                           "unpause/sales/@100", "logout//@120"}));
  // chan_agent agents are logged in by Agent* events, not by queue membership.
  EXPECT_EQ(activity(s, "Agent/1001").size(), 4u);
}

TEST(Statistics, ModernAgentPoolAndCallbackLogin) {
  Statistics s(at(0));
  Message login = event("AgentLogin", "agent");
  snapshot(login, "PJSIP/1002-00000003", "1795734240.7");
  login.add("Agent", "1002");
  s.on_event("pbx", login, at(1));
  s.on_event("pbx", modern_member("QueueMemberAdded", "support", "Agent/1002", 1, false), at(2));
  EXPECT_EQ(agent_stat(s, "1002", at(3)).get("LoggedIn"), "1");
  Message logoff = event("AgentLogoff", "agent");
  snapshot(logoff, "PJSIP/1002-00000003", "1795734240.7");
  logoff.add("Agent", "1002");
  logoff.add("Logintime", "9");
  s.on_event("pbx", logoff, at(10));
  // 1.4 callback agents.
  s.on_event("pbx",
             {{"Event", "Agentcallbacklogin"}, {"Agent", "1003"}, {"Loginchan", "100@default"}},
             at(11));
  s.on_event("pbx",
             {{"Event", "Agentcallbacklogoff"},
              {"Agent", "1003"},
              {"Loginchan", "100@default"},
              {"Logintime", "5"},
              {"Reason", "Autologoff"}},
             at(16));
  const Message a = agent_stat(s, "1002", at(20));
  EXPECT_EQ(a.get("LoggedIn"), "0");
  EXPECT_EQ(a.get("Queues"), "support");  // still a member; login is the pool's business
  EXPECT_EQ(activity(s, "1002"), (std::vector<std::string>{"login//@1", "logout//@10"}));
  EXPECT_EQ(activity(s, "1003"), (std::vector<std::string>{"login//@11", "logout//Autologoff@16"}));
}

TEST(Statistics, PausedTimeCountsWhilePausedInAnyQueue) {
  Statistics s(at(0));
  const std::string m = "PJSIP/200";
  s.on_event("pbx", modern_member("QueueMemberPause", "a", m, 1, true, "x"), at(0));
  s.on_event("pbx", modern_member("QueueMemberPause", "b", m, 1, true, "x"), at(10));
  s.on_event("pbx", modern_member("QueueMemberPause", "a", m, 1, false), at(20));
  EXPECT_EQ(agent_stat(s, m, at(25)).get("Paused"), "1");
  EXPECT_EQ(agent_stat(s, m, at(25)).get("PausedTime"), "25");
  s.on_event("pbx", modern_member("QueueMemberPause", "b", m, 1, false), at(30));
  EXPECT_EQ(agent_stat(s, m, at(100)).get("PausedTime"), "30");
  // A status event repeating the same pause flag is no new activity.
  s.on_event("pbx", modern_member("QueueMemberStatus", "b", m, 1, false), at(40));
  // Removal of a paused member ends the pause without an "unpause" entry.
  s.on_event("pbx", modern_member("QueueMemberPause", "b", m, 1, true), at(50));
  s.on_event("pbx", modern_member("QueueMemberRemoved", "b", m, 1, true), at(55));
  const Message a = agent_stat(s, m, at(100));
  EXPECT_EQ(a.get("Paused"), "0");
  EXPECT_EQ(a.get("PausedTime"), "35");
  EXPECT_EQ(activity(s, m).size(), 6u);  // 3 pauses, 2 unpauses, the logout from b
  EXPECT_EQ(activity(s, m).back(), "logout/b/@55");
}

TEST(Statistics, ActivityHistoryIsBounded) {
  Statistics s(at(0));
  const std::string m = "PJSIP/300";
  for (int i = 0; i < 130; ++i)
    s.on_event("pbx", modern_member("QueueMemberPause", "q", m, 1, i % 2 == 0), at(i));
  const auto history = activity(s, m);
  ASSERT_EQ(history.size(), Statistics::kDefaultActivityLimit);
  EXPECT_EQ(history.front(), "pause/q/@30");  // the 30 oldest are gone
  EXPECT_EQ(history.back(), "unpause/q/@129");

  Statistics small(at(0), 3);
  for (int i = 0; i < 5; ++i)
    small.on_event("pbx", modern_member("QueueMemberPause", "q", m, 1, i % 2 == 0), at(i));
  EXPECT_EQ(activity(small, m),
            (std::vector<std::string>{"pause/q/@2", "unpause/q/@3", "pause/q/@4"}));
}

TEST(Statistics, ActivityRecordFields) {
  Statistics s(at(0));
  s.on_event("pbx", modern_member("QueueMemberPause", "q", "Agent/7", 1, true, "lunch"), at(0));
  const Reply r = s.agent_activity("7", at(0));
  ASSERT_TRUE(r.success);
  EXPECT_TRUE(r.is_list);
  ASSERT_EQ(r.records.size(), 1u);
  const Message& f = r.records[0].fields;
  EXPECT_EQ(f.get("Agent"), "7");
  EXPECT_EQ(f.get("Server"), "pbx");
  EXPECT_EQ(f.get("Time"), "2026-11-26T23:04:00Z");
  EXPECT_EQ(f.get("Timestamp"), epoch(0));
  EXPECT_EQ(f.get("Activity"), "pause");
  EXPECT_EQ(f.get("Queue"), "q");
  EXPECT_EQ(f.get("Reason"), "lunch");
}

TEST(Statistics, TypesFiltersAndErrors) {
  Statistics s(at(-100));
  modern_script(s);
  s.on_link_state("backup", false, at(-5));
  s.set_counters({3, 41, 1234});

  Reply all = s.statistic_info("", "", "", at(330));
  ASSERT_TRUE(all.success);
  EXPECT_TRUE(all.is_list);
  ASSERT_EQ(all.records.size(), 5u);  // server, 2 links, 1 queue, 1 agent
  EXPECT_EQ(all.records[0].name, "ServerStatistic");
  const Message& srv = all.records[0].fields;
  EXPECT_EQ(srv.get("StartTime"), epoch(-100));
  EXPECT_EQ(srv.get("Uptime"), "430");
  EXPECT_EQ(srv.get("ClientsConnected"), "3");
  EXPECT_EQ(srv.get("ActionsRun"), "41");
  EXPECT_EQ(srv.get("EventsDelivered"), "1234");
  EXPECT_EQ(srv.get("AsteriskServers"), "2");
  const Message backup = record(all, "LinkStatistic", "Server", "backup");
  EXPECT_EQ(backup.get("Link"), "down");
  EXPECT_EQ(backup.get("Since"), epoch(-5));
  EXPECT_EQ(backup.get("Duration"), "335");
  EXPECT_EQ(record(all, "LinkStatistic", "Server", "pbx").get("Link"), "up");
  record(all, "QueueStatistic", "Queue", "support");
  record(all, "AgentStatistic", "Agent", "Local/100@agents");

  // Types are case-insensitive; a filter applies to its own kind.
  Reply queues = s.statistic_info("QUEUE", "", "nobody", at(330));
  ASSERT_TRUE(queues.success);
  ASSERT_EQ(queues.records.size(), 1u);
  EXPECT_EQ(queues.records[0].name, "QueueStatistic");
  Reply agents = s.statistic_info("agent", "", "", at(330));
  ASSERT_EQ(agents.records.size(), 1u);
  EXPECT_EQ(agents.records[0].name, "AgentStatistic");
  Reply server = s.statistic_info("Server", "", "", at(330));
  EXPECT_EQ(server.records.size(), 3u);

  // No type with a filter: only what was asked for; filters are case-insensitive.
  Reply one = s.statistic_info("", "SUPPORT", "", at(330));
  ASSERT_TRUE(one.success);
  ASSERT_EQ(one.records.size(), 1u);
  EXPECT_EQ(one.records[0].fields.get("Queue"), "support");
  Reply agent = s.statistic_info("", "", "local/100@AGENTS", at(330));
  ASSERT_EQ(agent.records.size(), 1u);
  EXPECT_EQ(agent.records[0].name, "AgentStatistic");

  Reply bad = s.statistic_info("Channel", "", "", at(330));
  EXPECT_FALSE(bad.success);
  EXPECT_EQ(bad.message, "Invalid Type 'Channel': use Queue, Agent or Server");
  EXPECT_TRUE(bad.records.empty());
  Reply no_queue = s.statistic_info("Queue", "billing", "", at(330));
  EXPECT_FALSE(no_queue.success);
  EXPECT_EQ(no_queue.message, "No statistics for queue 'billing'");
  Reply no_agent = s.statistic_info("", "", "1999", at(330));
  EXPECT_FALSE(no_agent.success);
  EXPECT_EQ(no_agent.message, "No statistics for agent '1999'");
  Reply no_activity = s.agent_activity("1999", at(330));
  EXPECT_FALSE(no_activity.success);
  EXPECT_EQ(no_activity.message, "No such agent '1999'");
  EXPECT_FALSE(s.agent_activity("", at(330)).success);

  // Empty statistics: an empty list, not an error.
  Statistics empty(at(0));
  Reply none = empty.statistic_info("Queue", "", "", at(0));
  EXPECT_TRUE(none.success);
  EXPECT_TRUE(none.records.empty());
}

TEST(Statistics, LinkLossKeepsCountersAndResetsWaiting) {
  Statistics s(at(0));
  const std::string q = "support", m = "Local/100@agents";
  s.on_link_state("pbx", true, at(0));
  s.on_event("pbx", modern_join(q, "1.1", 1, 1), at(1));
  s.on_event("pbx", modern_join(q, "1.2", 2, 2), at(2));
  s.on_event("pbx", modern_member("QueueMemberPause", q, m, 1, true, "lunch"), at(3));
  s.on_link_state("pbx", false, at(10));
  // While down nothing changes: the last known values stay visible.
  EXPECT_EQ(queue_stat(s, q, at(20)).get("Waiting"), "2");
  s.on_link_state("pbx", false, at(15));  // repeated: "since" stays
  EXPECT_EQ(record(s.statistic_info("Server", "", "", at(20)), "LinkStatistic", "Server", "pbx")
                .get("Since"),
            epoch(10));
  // Both callers left while the link was down; their Leave events are lost.
  s.on_link_state("pbx", true, at(30));
  Message qs = queue_stat(s, q, at(31));
  EXPECT_EQ(qs.get("Waiting"), "0");
  EXPECT_EQ(qs.get("LongestWaitNow"), "0");
  EXPECT_EQ(qs.get("Entered"), "2");
  // A Leave without a usable Count (or of a lost caller) never drives the count negative.
  s.on_event("pbx", {{"Event", "Leave"}, {"Queue", q}, {"Uniqueid", "1.1"}}, at(32));
  s.on_event("pbx", {{"Event", "Leave"}, {"Queue", q}, {"Count", "-1"}}, at(32));
  EXPECT_EQ(queue_stat(s, q, at(32)).get("Waiting"), "0");
  s.on_event("pbx", {{"Event", "Join"}, {"Queue", q}, {"Count", "-1"}}, at(33));
  s.on_event("pbx", {{"Event", "Leave"}, {"Queue", q}, {"Count", "x"}}, at(33));
  EXPECT_EQ(queue_stat(s, q, at(33)).get("Waiting"), "0");
  // Asterisk's Count says how many really wait now.
  s.on_event("pbx", modern_join(q, "1.5", 3, 3), at(40));
  qs = queue_stat(s, q, at(41));
  EXPECT_EQ(qs.get("Waiting"), "3");
  EXPECT_EQ(qs.get("Entered"), "4");
  // The pause went on through the outage.
  const Message a = agent_stat(s, m, at(43));
  EXPECT_EQ(a.get("Paused"), "1");
  EXPECT_EQ(a.get("PausedTime"), "40");
  EXPECT_EQ(a.get("LoggedIn"), "1");
}

TEST(Statistics, QueueStatusResynchronisesWaitingCallers) {
  Statistics s(at(0));
  s.on_link_state("pbx", true, at(100));
  s.on_event("pbx",
             {{"Event", "QueueParams"},
              {"Queue", "support"},
              {"Max", "0"},
              {"Strategy", "ringall"},
              {"Calls", "1"},
              {"Holdtime", "0"},
              {"TalkTime", "0"},
              {"Completed", "0"},
              {"Abandoned", "0"}},
             at(100));
  s.on_event("pbx",
             {{"Event", "QueueEntry"},
              {"Queue", "support"},
              {"Position", "1"},
              {"Channel", "PJSIP/5552000-00000001"},
              {"Uniqueid", "1795734240.2"},
              {"CallerIDNum", "5552000"},
              {"Wait", "30"},
              {"Priority", "0"}},
             at(100));
  Message qs = queue_stat(s, "support", at(105));
  EXPECT_EQ(qs.get("Waiting"), "1");
  EXPECT_EQ(qs.get("LongestWaitNow"), "35");
  EXPECT_EQ(qs.get("Entered"), "0");  // not seen entering
  // Its Leave (found by Uniqueid) empties the queue.
  s.on_event("pbx", modern_leave("support", "1795734240.2", 1, 0), at(106));
  qs = queue_stat(s, "support", at(107));
  EXPECT_EQ(qs.get("Waiting"), "0");
  EXPECT_EQ(qs.get("LongestWaitNow"), "0");
}

TEST(Statistics, StaleCallersAreDroppedByCount) {
  Statistics s(at(0));
  s.on_event("pbx", modern_join("q", "1.1", 1, 1), at(0));
  s.on_event("pbx", modern_join("q", "1.2", 2, 2), at(10));
  // A Leave of a caller we never saw; Asterisk says one caller is left: the newest.
  s.on_event("pbx", modern_leave("q", "9.9", 1, 1), at(12));
  const Message qs = queue_stat(s, "q", at(20));
  EXPECT_EQ(qs.get("Waiting"), "1");
  EXPECT_EQ(qs.get("LongestWaitNow"), "10");
}

TEST(Statistics, ServersAreKeptApart) {
  Statistics s(at(0));
  s.on_event("a", modern_join("support", "1.1", 1, 1), at(0));
  s.on_event("b", modern_join("support", "2.1", 1, 1), at(0));
  s.on_event("b", modern_join("support", "2.2", 2, 2), at(0));
  const Reply r = s.statistic_info("Queue", "support", "", at(1));
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(record(r, "QueueStatistic", "Server", "a").get("Waiting"), "1");
  EXPECT_EQ(record(r, "QueueStatistic", "Server", "b").get("Waiting"), "2");
}

TEST(Statistics, IgnoresUnrelatedMessages) {
  Statistics s(at(0));
  s.on_event("pbx", {{"Response", "Success"}, {"Queue", "q"}}, at(0));
  s.on_event("pbx", {{"Event", "QueueMemberPenalty"}, {"Queue", "q"}, {"Interface", "x"}}, at(0));
  s.on_event("pbx", {{"Event", "Newchannel"}, {"Channel", "PJSIP/1-1"}}, at(0));
  EXPECT_EQ(s.changes(), 0u);
  EXPECT_TRUE(s.statistic_info("", "", "", at(0)).records.size() == 1);  // ServerStatistic
}

// ---- persistence

TEST(Statistics, SnapshotRoundTripsExactly) {
  Statistics s(at(0));
  modern_script(s);
  s.on_event("pbx", modern_join("support", "1.9", 1, 1), at(320));  // a caller waiting
  // Strings that need escaping.
  s.on_event("pbx", modern_member("QueueMemberPause", "q\tx", "PJSIP/a\\b", 1, true, "l\nu\r"),
             at(321));
  const std::string text = s.snapshot();
  EXPECT_EQ(text.rfind("ampd-statistics\t1\n", 0), 0u);
  EXPECT_NE(text.find("member\tpbx\tPJSIP/a\\\\b\tq\\tx\t1\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\nend\n"));

  Statistics r(at(1000));
  std::string error;
  ASSERT_TRUE(r.restore(text, error)) << error;
  EXPECT_EQ(r.snapshot(), text);
  for (const char* type : {"Queue", "Agent"}) {
    const Reply a = s.statistic_info(type, "", "", at(400));
    const Reply b = r.statistic_info(type, "", "", at(400));
    ASSERT_EQ(a.records.size(), b.records.size());
    for (std::size_t i = 0; i < a.records.size(); ++i)
      EXPECT_EQ(a.records[i].fields.headers().size(), b.records[i].fields.headers().size());
    for (std::size_t i = 0; i < a.records.size(); ++i) {
      for (std::size_t j = 0; j < a.records[i].fields.headers().size(); ++j) {
        EXPECT_EQ(a.records[i].fields.headers()[j].second, b.records[i].fields.headers()[j].second)
            << a.records[i].fields.headers()[j].first;
      }
    }
  }
  EXPECT_EQ(activity(r, "Local/100@agents"), activity(s, "Local/100@agents"));
  EXPECT_EQ(activity(r, "PJSIP/a\\b"), (std::vector<std::string>{"pause/q\tx/l\nu\r@321"}));
}

TEST(Statistics, RestoreRejectsBadTextAndKeepsData) {
  Statistics s(at(0));
  s.on_event("pbx", modern_join("keep", "1.1", 1, 1), at(0));
  const std::string before = s.snapshot();
  const std::string good = "ampd-statistics\t1\nqueue\tpbx\tq\t0\t1\t1\t0\t1\t3\t3\t9\nend\n";
  struct Case {
    std::string text, error;
  } cases[] = {
      {"", "statistics snapshot line 0: empty"},
      {"hello\n", "statistics snapshot line 1: not an ampd statistics snapshot"},
      {"ampd-statistics\t2\nend\n", "statistics snapshot line 1: unsupported snapshot version '2'"},
      {good.substr(0, good.size() - 4),
       "statistics snapshot line 2: incomplete snapshot (no end line)"},
      {good.substr(0, good.size() - 1), "statistics snapshot line 3: unterminated line"},
      {good + "end\n", "statistics snapshot line 4: data after the end line"},
      {"ampd-statistics\t1\nqueue\tpbx\tq\t0\t1\t-1\t0\t1\t3\t3\t9\nend\n",
       "statistics snapshot line 2: bad number"},
      {"ampd-statistics\t1\ncaller\tpbx\tq\tu\tc\t5\nend\n",
       "statistics snapshot line 2: caller of an unknown queue"},
      {"ampd-statistics\t1\nagent\tpbx\t1\t2\t0\tidle\t0\t0\t0\t0\t0\t\nend\n",
       "statistics snapshot line 2: bad flag"},
      {"ampd-statistics\t1\nqueue\tp\\x\tq\t0\t1\t1\t0\t1\t3\t3\t9\nend\n",
       "statistics snapshot line 2: bad escape"},
      {"ampd-statistics\t1\nqueue\tpbx\tq\nend\n",
       "statistics snapshot line 2: unknown or malformed record 'queue'"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(s.restore(c.text, error)) << c.text;
    EXPECT_EQ(error, c.error);
    EXPECT_EQ(s.snapshot(), before);
  }
  std::string error;
  ASSERT_TRUE(s.restore(good, error)) << error;
  EXPECT_EQ(s.snapshot(), good);
  EXPECT_EQ(queue_stat(s, "q", at(0)).get("AverageTalkTime"), "9");
}

class StatisticsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ampd-statistics-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StatisticsFile, SurvivesARestart) {
  const std::string path = (dir_ / "statistics.dat").string();
  std::string error;
  {
    Statistics s(at(0));
    // First start: no file yet is not an error.
    ASSERT_TRUE(s.load_file(path, error)) << error;
    modern_script(s);
    s.on_event("pbx", modern_join("support", "2.1", 1, 1), at(331));
    std::ofstream(path) << s.snapshot();  // the plugin writes it atomically, through ampd
  }
  Statistics restarted(at(1000));
  ASSERT_TRUE(restarted.load_file(path, error)) << error;
  const Message q = queue_stat(restarted, "support", at(1000));
  EXPECT_EQ(q.get("Entered"), "4");
  EXPECT_EQ(q.get("AverageTalkTime"), "46");
  const Message a = agent_stat(restarted, "Local/100@agents", at(1000));
  EXPECT_EQ(a.get("CallsTaken"), "2");
  EXPECT_EQ(a.get("PausedTime"), "760");  // 60 + the pause running since 300
  EXPECT_EQ(activity(restarted, "Local/100@agents").size(), 4u);
  EXPECT_EQ(queue_stat(restarted, "support", at(1000)).get("Waiting"), "1");
  // When the link comes up the stale waiting caller goes.
  restarted.on_link_state("pbx", true, at(1001));
  EXPECT_EQ(queue_stat(restarted, "support", at(1001)).get("Waiting"), "0");
}

TEST_F(StatisticsFile, ReportsErrors) {
  Statistics s(at(0));
  std::string error;
  const std::string path = (dir_ / "broken.dat").string();
  std::ofstream(path) << "ampd-statistics\t1\nqueue\n";
  EXPECT_FALSE(s.load_file(path, error));
  EXPECT_EQ(error, path + ": statistics snapshot line 2: unknown or malformed record 'queue'");
}

TEST(Statistics, QueriesFromAnotherThread) {
  Statistics s(at(0));
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      (void)s.statistic_info("", "", "", at(i));
      (void)s.snapshot();
    }
  });
  for (int i = 0; i < 200; ++i) {
    s.on_event("pbx", modern_join("q", std::to_string(i), 1, 1), at(i));
    s.on_event("pbx", modern_leave("q", std::to_string(i), 1, 0), at(i));
  }
  reader.join();
  EXPECT_EQ(queue_stat(s, "q", at(300)).get("Entered"), "200");
  EXPECT_EQ(s.changes(), 400u);
}

}  // namespace
}  // namespace ampd_statistics
