// Byte-exact checks of ampd-asterisk-sim against the Asterisk 20/22 transcripts
// (/work/shared/asterisk/asterisk-2{0,2}-transcripts.txt) and the 1.4 dialect.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <thread>

#include "md5.h"
#include "sim_client.h"

using namespace simtest;

namespace {

std::vector<std::string> event_names(const std::vector<std::string>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) out.push_back(header(m, "Event"));
  return out;
}

// True when `want` appears in `have` in order (other events may sit between).
bool in_order(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  size_t i = 0;
  for (const auto& h : have)
    if (i < want.size() && h == want[i]) ++i;
  return i == want.size();
}

}  // namespace

TEST(Md5, KnownVectors) {
  EXPECT_EQ(sim::md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  // Challenge 773757373 + secret amp111 -> the Key of the Asterisk 20 transcript.
  EXPECT_EQ(sim::md5_hex("773757373amp111"), "5dda9e29ac0c77073aea55bd10d02dd5");
}

TEST(Modern, BannerLoginPing) {
  SimProcess sim;
  ASSERT_GT(sim.port(), 0);
  AmiClient c(sim.port());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.read_line(), "Asterisk Call Manager/9.0.0\r\n");
  c.send(msg(
      {"Action: Login", "ActionID: t1-login", "Username: admin", "Secret: amp111", "Events: off"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t1-login", "Message: Authentication accepted"}));
  c.send(msg({"Action: Ping", "ActionID: t2-ping"}));
  const std::string pong = c.read_message();
  EXPECT_EQ(mask(pong, {"Timestamp"}),
            msg({"Response: Success", "ActionID: t2-ping", "Ping: Pong", "Timestamp: *"}));
  EXPECT_TRUE(std::regex_match(header(pong, "Timestamp"), std::regex("[0-9]+\\.[0-9]{6}")));
  c.send(msg({"Action: Ping"}));
  EXPECT_EQ(mask(c.read_message(), {"Timestamp"}),
            msg({"Response: Success", "Ping: Pong", "Timestamp: *"}));
  c.send(msg({"Action: Logoff", "ActionID: t77-logoff"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Goodbye", "ActionID: t77-logoff",
                                   "Message: Thanks for all the fish."}));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(sim.stop(), 0);  // clean exit on SIGTERM
}

TEST(Modern, AmiVersionOption) {
  SimProcess sim({"--ami-version", "11.0.0"});
  AmiClient c(sim.port());
  EXPECT_EQ(c.read_line(), "Asterisk Call Manager/11.0.0\r\n");
}

TEST(Modern, LoginWithEventsSendsFullyBooted) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.read_line();
  c.send(msg({"Action: Login", "ActionID: t1-login", "Username: admin", "Secret: amp111"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t1-login", "Message: Authentication accepted"}));
  EXPECT_EQ(mask(c.read_message(), {"Uptime", "LastReload"}),
            msg({"Event: FullyBooted", "Privilege: system,all", "Uptime: *", "LastReload: *",
                 "Status: Fully Booted"}));
}

TEST(Modern, BeforeLoginAndErrors) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.read_line();
  c.send(msg({"Action: Ping", "ActionID: t1-ping"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t1-ping", "Message: Permission denied"}));
  c.send(msg({"Action: CoreSettings", "ActionID: t2-coresettings"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t2-coresettings", "Message: Permission denied"}));
  c.send(msg({"Action: Login", "Username: admin", "Secret: amp111", "Events: off"}));
  c.read_message();
  c.send(msg({"Action: NoSuchAction", "ActionID: t69-nosuchaction"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t69-nosuchaction",
                 "Message: Invalid/unknown command: NoSuchAction. Use Action: ListCommands to "
                 "show available commands."}));
  c.send(msg({"Foo: bar", "ActionID: noaction"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: noaction", "Message: Missing action in request"}));
  // Case-insensitive names, bare LF line ends; the answer still uses CRLF.
  c.send(msg({"ACTION: PING", "actionid: case-test"}));
  EXPECT_EQ(header(c.read_message(), "ActionID"), "case-test");
  c.send("Action: Ping\nActionID: lf-only\n\n");
  EXPECT_EQ(mask(c.read_message(), {"Timestamp"}),
            msg({"Response: Success", "ActionID: lf-only", "Ping: Pong", "Timestamp: *"}));
}

TEST(Modern, PipelinedActionsAnswerInOrder) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: Ping", "ActionID: pipe-1"}) +
         msg({"Action: Getvar", "ActionID: pipe-2", "Variable: TESTGLOBAL"}) +
         msg({"Action: Ping", "ActionID: pipe-3"}));
  EXPECT_EQ(header(c.read_message(), "ActionID"), "pipe-1");
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: pipe-2", "Variable: TESTGLOBAL", "Value: hello"}));
  EXPECT_EQ(header(c.read_message(), "ActionID"), "pipe-3");
}

TEST(Modern, AuthFailureCloses) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.read_line();
  c.send(msg({"Action: Login", "ActionID: t1-login", "Username: admin", "Secret: wrong"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t1-login", "Message: Authentication failed"}));
  EXPECT_TRUE(c.wait_closed());
}

TEST(Modern, Md5ChallengeLogin) {
  SimProcess sim({"--user", "bob:s3cret"});
  AmiClient c(sim.port());
  c.read_line();
  c.send(msg({"Action: Challenge", "ActionID: t3-challenge", "AuthType: MD5"}));
  const std::string ch = c.read_message();
  const std::string challenge = header(ch, "Challenge");
  ASSERT_FALSE(challenge.empty());
  EXPECT_EQ(ch, msg({"Response: Success", "ActionID: t3-challenge", "Challenge: " + challenge}));
  c.send(msg({"Action: Login", "ActionID: t4-login", "AuthType: MD5", "Username: bob",
              "Key: " + sim::md5_hex(challenge + "s3cret"), "Events: off"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t4-login", "Message: Authentication accepted"}));
}

TEST(Modern, CoreSettings) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: CoreSettings", "ActionID: t4-coresettings"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t4-coresettings",
                                   "AMIversion: 9.0.0", "AsteriskVersion: 20.20.1",
                                   "SystemName: ", "CoreMaxCalls: 0", "CoreMaxLoadAvg: 0.000000",
                                   "CoreRunUser: ", "CoreRunGroup: ", "CoreMaxFilehandles: 0",
                                   "CoreRealTimeEnabled: No", "CoreCDRenabled: No",
                                   "CoreHTTPenabled: No", "SoundsSearchCustomDir: No"}));
}

TEST(Modern, DbPutGetMissing) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(
      msg({"Action: DBPut", "ActionID: t9-dbput", "Family: amitest", "Key: k1", "Val: value one"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t9-dbput",
                                   "Message: Updated database successfully"}));
  c.send(msg({"Action: DBGet", "ActionID: t10-dbget", "Family: amitest", "Key: k1"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t10-dbget", "EventList: start",
                                   "Message: Result will follow"}));
  EXPECT_EQ(c.read_message(), msg({"Event: DBGetResponse", "Family: amitest", "Key: k1",
                                   "Val: value one", "ActionID: t10-dbget"}));
  EXPECT_EQ(c.read_message(), msg({"Event: DBGetComplete", "ActionID: t10-dbget",
                                   "EventList: Complete", "ListItems: 1"}));
  c.send(msg({"Action: DBGet", "ActionID: t11-dbget", "Family: amitest", "Key: nokey"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t11-dbget", "Message: Database entry not found"}));
  c.send(msg({"Action: DBGetTree", "ActionID: t12-dbgettree", "Family: amitest"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t12-dbgettree",
                                   "EventList: start", "Message: Result will follow"}));
  EXPECT_EQ(c.read_message(), msg({"Event: DBGetTreeResponse", "Key: /amitest/k1", "Val: value one",
                                   "ActionID: t12-dbgettree"}));
  EXPECT_EQ(c.read_message(), msg({"Event: DBGetTreeComplete", "ActionID: t12-dbgettree",
                                   "EventList: Complete", "ListItems: 1"}));
  c.send(msg({"Action: DBDel", "ActionID: t13-dbdel", "Family: amitest", "Key: k1"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t13-dbdel", "Message: Key deleted successfully"}));
}

TEST(Modern, QueueStatusListShape) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: QueueStatus", "ActionID: t14-queuestatus"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t14-queuestatus",
                                   "EventList: start", "Message: Queue status will follow"}));
  EXPECT_EQ(c.read_message(),
            msg({"Event: QueueParams", "Queue: support", "Max: 0", "Strategy: ringall", "Calls: 0",
                 "Holdtime: 0", "TalkTime: 0", "Completed: 0", "Abandoned: 0", "ServiceLevel: 0",
                 "ServicelevelPerf: 0.0", "ServicelevelPerf2: 0.0", "Weight: 0",
                 "ActionID: t14-queuestatus"}));
  EXPECT_EQ(mask(c.read_message(), {"LoginTime"}),
            msg({"Event: QueueMember", "Queue: support", "Name: Local/100@agents",
                 "Location: Local/100@agents", "StateInterface: Local/100@agents",
                 "Membership: static", "Penalty: 0", "CallsTaken: 0", "LastCall: 0", "LastPause: 0",
                 "LoginTime: *", "InCall: 0", "Status: 1", "Paused: 0",
                 "PausedReason: ", "Wrapuptime: 0", "ActionID: t14-queuestatus"}));
  EXPECT_EQ(header(c.read_message(), "Queue"), "sales");
  EXPECT_EQ(header(c.read_message(), "Event"), "QueueMember");
  EXPECT_EQ(c.read_message(), msg({"Event: QueueStatusComplete", "ActionID: t14-queuestatus",
                                   "EventList: Complete", "ListItems: 4"}));
}

TEST(Modern, QueueMembership) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(
      msg({"Action: QueueAdd", "ActionID: t16-queueadd", "Queue: support",
           "Interface: Local/200@agents", "MemberName: Agent200", "Penalty: 1", "Paused: false"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t16-queueadd",
                                   "Message: Added interface to queue"}));
  c.send(msg({"Action: QueueAdd", "ActionID: t17-queueadd", "Queue: support",
              "Interface: Local/200@agents"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Error", "ActionID: t17-queueadd",
                                   "Message: Unable to add interface: Already there"}));
  c.send(msg({"Action: QueuePause", "ActionID: t18-queuepause", "Queue: support",
              "Interface: Local/200@agents", "Paused: true", "Reason: lunch"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t18-queuepause",
                                   "Message: Interface paused successfully"}));
  c.send(
      msg({"Action: QueueStatus", "ActionID: t19", "Queue: support", "Member: Local/200@agents"}));
  auto list = c.read_until_event("QueueStatusComplete");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(header(list[2], "Name"), "Agent200");
  EXPECT_EQ(header(list[2], "Membership"), "dynamic");
  EXPECT_EQ(header(list[2], "Paused"), "1");
  EXPECT_EQ(header(list[2], "PausedReason"), "lunch");
  c.send(msg({"Action: QueueRemove", "ActionID: t22-queueremove", "Queue: support",
              "Interface: Local/200@agents"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t22-queueremove",
                                   "Message: Removed interface from queue"}));
  c.send(msg({"Action: QueueRemove", "ActionID: t23-queueremove", "Queue: support",
              "Interface: Local/200@agents"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Error", "ActionID: t23-queueremove",
                                   "Message: Unable to remove interface: Not there"}));
  c.send(msg({"Action: QueueAdd", "ActionID: t24-queueadd", "Queue: nosuchqueue",
              "Interface: Local/200@agents"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Error", "ActionID: t24-queueadd",
                                   "Message: Unable to add interface to queue: No such queue"}));
}

TEST(Modern, CommandOutputHeaders) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: Command", "ActionID: t6-command", "Command: core show version"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t6-command", "Message: Command output follows",
                 "Output: Asterisk 20.20.1 built by root @ vm on a x86_64 running Linux on "
                 "2026-11-26 22:52:43 UTC"}));
  c.send(msg({"Action: Command", "ActionID: t8-command", "Command: no such cli command"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t8-command", "Message: Command output follows",
                 "Output: No such command 'no such cli command' (type 'core show help no such' "
                 "for other possible commands)"}));
  // Without chan_sip (Asterisk 21+), as in the Asterisk 22 transcript.
  c.send(msg({"Action: Command", "ActionID: t7-command", "Command: sip show peers"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t7-command", "Message: Command output follows",
                 "Output: No such command 'sip show peers' (type 'core show help sip show' for "
                 "other possible commands)"}));
  c.send(msg({"Action: SIPpeers", "ActionID: t48-sippeers"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Error", "ActionID: t48-sippeers",
                 "Message: Invalid/unknown command: SIPpeers. Use Action: ListCommands to show "
                 "available commands."}));
  c.send(msg({"Action: Monitor", "ActionID: t36-monitor", "Channel: x"}));
  EXPECT_EQ(header(c.read_message(), "Message"),
            "Invalid/unknown command: Monitor. Use Action: ListCommands to show available "
            "commands.");
}

TEST(Modern, ChanSipAsAsterisk20) {
  SimProcess sim({"--chan-sip"});
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: Command", "ActionID: t7-command", "Command: sip show peers"}));
  EXPECT_EQ(
      c.read_message(),
      msg({"Response: Success", "ActionID: t7-command", "Message: Command output follows",
           "Output: Name/username             Host                                    Dyn "
           "Forcerport Comedia    ACL Port     Status      Description                      ",
           "Output: peer1                     (Unspecified)                            D  Auto "
           "(No)  No             0        Unmonitored                                  ",
           "Output: 1 sip peers [Monitored: 0 online, 0 offline Unmonitored: 0 online, 1 "
           "offline]"}));
  c.send(msg({"Action: SIPpeers", "ActionID: t48-sippeers"}));
  auto list = c.read_until_event("PeerlistComplete");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1],
            msg({"Event: PeerEntry", "ActionID: t48-sippeers", "Channeltype: SIP",
                 "ObjectName: peer1", "ChanObjectType: peer", "IPaddress: -none-", "IPport: 0",
                 "Dynamic: yes", "AutoForcerport: yes", "Forcerport: no", "AutoComedia: no",
                 "Comedia: no", "VideoSupport: no", "TextSupport: no", "ACL: no",
                 "Status: Unmonitored", "RealtimeDevice: no", "Description: ", "Accountcode: "}));
  EXPECT_EQ(list[2], msg({"Event: PeerlistComplete", "ActionID: t48-sippeers",
                          "EventList: Complete", "ListItems: 1"}));
  // The stray CRLF chan_sip sends after "not found".
  c.send(msg({"Action: SIPshowpeer", "ActionID: t50", "Peer: nosuchpeer"}));
  EXPECT_EQ(c.read_until("\r\n\r\n\r\n"),
            "Response: Error\r\nActionID: t50\r\nMessage: Peer nosuchpeer not found.\r\n\r\n\r\n");
}

TEST(Modern, EventsOnOff) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(true);
  c.send(msg({"Action: Events", "ActionID: t2-events", "EventMask: off"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t2-events", "Events: Off"}));
  c.send(msg({"Action: SimEvent", "SimEventName: Hidden"}));
  EXPECT_EQ(header(c.read_message(), "Message"), "Event sent");
  c.send(msg({"Action: Events", "ActionID: t3-events", "EventMask: call,user"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t3-events", "Events: On"}));
  c.send(msg({"Action: Events", "ActionID: t4-events", "EventMask: on"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t4-events", "Events: On"}));
  c.send(msg({"Action: SimEvent", "ActionID: e1", "SimEventName: Visible", "Foo: bar"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: e1", "Message: Event sent"}));
  // The Hidden event was never queued: the next event is the visible one.
  EXPECT_EQ(c.read_message(), msg({"Event: Visible", "ActionID: e1", "Foo: bar"}));
}

TEST(Modern, AsyncOriginateResponseCarriesActionId) {
  SimProcess sim({"--answer-delay-ms", "20"});
  AmiClient c(sim.port());
  c.login(true);
  c.send(msg({"Action: Originate", "ActionID: t3-originate", "Channel: Local/100@default",
              "Application: Wait", "Data: 600", "Async: true"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: t3-originate",
                                   "Message: Originate successfully queued"}));
  auto events = c.read_until_event("OriginateResponse");
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(in_order(event_names(events),
                       {"Newchannel", "Newchannel", "Newstate", "Newstate", "OriginateResponse"}));
  EXPECT_EQ(mask(events.back(), {"Channel", "Uniqueid"}),
            msg({"Event: OriginateResponse", "Privilege: call,all", "ActionID: t3-originate",
                 "Response: Success", "Channel: *", "Application: Wait", "Data: 600", "Reason: 4",
                 "Uniqueid: *", "CallerIDNum: <unknown>", "CallerIDName: <unknown>"}));
  const std::string chan = header(events.back(), "Channel");
  c.send(msg({"Action: CoreShowChannels", "ActionID: csc"}));
  auto list = c.read_until_event("CoreShowChannelsComplete");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(header(list[1], "Channel"), chan);
  c.send(msg({"Action: Hangup", "ActionID: t45-hangup", "Channel: " + chan, "Cause: 16"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: t45-hangup", "Message: Channel Hungup"}));
  auto hup = c.read_until_event("Hangup");
  EXPECT_EQ(header(hup.back(), "Cause-txt"), "Normal Clearing");
  c.send(msg({"Action: Hangup", "ActionID: t46-hangup", "Channel: Local/nonexist@default-0000;1"}));
  std::string resp;
  for (int i = 0; i < 20 && header(resp, "Response").empty(); ++i) resp = c.read_message();
  EXPECT_EQ(resp, msg({"Response: Error", "ActionID: t46-hangup", "Message: No such channel"}));
}

TEST(Modern, SyncOriginateHoldsOnlyItsSession) {
  SimProcess sim;
  AmiClient a(sim.port()), b(sim.port());
  a.login(false);
  b.login(false);
  a.send(msg({"Action: Originate", "ActionID: sync", "Channel: PJSIP/noanswer", "Exten: 100",
              "Context: default", "Timeout: 700"}) +
         msg({"Action: Ping", "ActionID: after"}));
  // The other session is served while `a` waits.
  b.send(msg({"Action: Ping", "ActionID: other"}));
  EXPECT_EQ(header(b.read_message(), "ActionID"), "other");
  EXPECT_EQ(a.read_message(200ms), "");  // still held
  EXPECT_EQ(a.read_message(),
            msg({"Response: Error", "ActionID: sync", "Message: Originate failed"}));
  EXPECT_EQ(header(a.read_message(), "ActionID"), "after");
}

TEST(Modern, SimSleepHoldsSession) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(false);
  const auto t0 = std::chrono::steady_clock::now();
  c.send(msg({"Action: SimSleep", "ActionID: s1", "Milliseconds: 300"}) +
         msg({"Action: Ping", "ActionID: p1"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Success", "ActionID: s1", "Message: Slept"}));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 290ms);
  EXPECT_EQ(header(c.read_message(), "ActionID"), "p1");
}

TEST(Modern, SimQueueCallAnswered) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(true);
  c.send(msg({"Action: SimQueueCall", "ActionID: q1", "Queue: support", "CallerIDNum: 5552000",
              "Outcome: answer", "WaitMs: 50", "TalkMs: 50"}));
  const std::string resp = c.read_message();
  EXPECT_EQ(header(resp, "Response"), "Success");
  auto events = c.read_until_event("AgentComplete");
  const auto names = event_names(events);
  EXPECT_TRUE(in_order(names, {"Newchannel", "QueueCallerJoin", "AgentCalled", "QueueCallerLeave",
                               "AgentConnect", "AgentComplete"}));
  const std::string& done = events.back();
  EXPECT_EQ(header(done, "Privilege"), "agent,all");
  EXPECT_EQ(header(done, "Queue"), "support");
  EXPECT_EQ(header(done, "Interface"), "Local/100@agents");
  EXPECT_EQ(header(done, "CallerIDNum"), "5552000");
  EXPECT_EQ(header(done, "DestChannel").rfind("Local/100@agents-", 0), 0u);
  EXPECT_FALSE(header(done, "HoldTime").empty());
  EXPECT_FALSE(header(done, "TalkTime").empty());
  auto after = c.read_until_event("Hangup");
  c.send(msg({"Action: QueueStatus", "ActionID: qs", "Queue: support"}));
  auto list = c.read_until_event("QueueStatusComplete");
  // Stray events may precede the response; find the params.
  bool completed = false;
  for (const auto& m : list)
    if (header(m, "Event") == "QueueParams") completed = header(m, "Completed") == "1";
  EXPECT_TRUE(completed);
}

TEST(Modern, SimQueueCallAbandonedAndWaiting) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(true);
  c.send(msg({"Action: SimQueueCall", "Queue: sales", "CallerIDNum: 5553000", "Outcome: abandon",
              "WaitMs: 30"}));
  c.read_message();
  auto events = c.read_until_event("QueueCallerLeave");
  EXPECT_TRUE(
      in_order(event_names(events), {"QueueCallerJoin", "QueueCallerAbandon", "QueueCallerLeave"}));
  c.read_until_event("Hangup");
  c.send(msg({"Action: Events", "EventMask: off"}));
  c.read_message();
  c.send(msg({"Action: SimQueueCall", "Queue: sales", "CallerIDNum: 5554000", "Outcome: none"}));
  c.read_message();
  c.send(msg({"Action: QueueStatus", "ActionID: qs", "Queue: sales"}));
  auto list = c.read_until_event("QueueStatusComplete");
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(header(list[3], "Event"), "QueueEntry");
  EXPECT_EQ(header(list[3], "CallerIDNum"), "5554000");
  EXPECT_EQ(header(list[4], "ListItems"), "3");
}

TEST(Modern, SimAgentEvents) {
  SimProcess sim;
  AmiClient c(sim.port());
  c.login(true);
  c.send(msg({"Action: SimAgent", "Agent: 1001", "Do: login"}));
  EXPECT_EQ(header(c.read_message(), "Message"), "Agent logged in");
  auto ev = c.read_message();
  EXPECT_EQ(header(ev, "Event"), "AgentLogin");
  EXPECT_EQ(header(ev, "Agent"), "1001");
  c.send(msg({"Action: Agents", "ActionID: ag"}));
  auto list = c.read_until_event("AgentsComplete");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(header(list[1], "Status"), "AGENT_IDLE");
  EXPECT_EQ(list[2], msg({"Event: Agents", "Agent: 1002", "Name: Agent Two",
                          "Status: AGENT_LOGGEDOFF", "ActionID: ag"}));
  c.send(msg({"Action: SimAgent", "Agent: 1001", "Do: pause", "Interface: Local/100@agents",
              "Reason: break"}));
  EXPECT_EQ(header(c.read_message(), "Message"), "Agent paused");
  ev = c.read_message();
  EXPECT_EQ(header(ev, "Event"), "QueueMemberPause");
  EXPECT_EQ(header(ev, "PausedReason"), "break");
}

TEST(Modern, EventsPerSecondSequence) {
  SimProcess sim({"--events-per-second", "2000"});
  AmiClient c(sim.port());
  c.login(true);
  long long last = 0;
  int seen = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string m = c.read_message();
    ASSERT_FALSE(m.empty());
    const std::string seq = header(m, "SequenceNumber");
    if (seq.empty()) continue;
    const long long n = std::atoll(seq.c_str());
    if (last) {
      EXPECT_EQ(n, last + 1);
    }
    last = n;
    ++seen;
    EXPECT_TRUE(std::regex_match(header(m, "Timestamp"), std::regex("[0-9]+\\.[0-9]{6}")));
    EXPECT_GT(m.size(), 200u);
  }
  EXPECT_GT(seen, 250);
}

TEST(Modern, EventsMaxSequence) {
  SimProcess sim({"--events-per-second", "max"});
  AmiClient c(sim.port());
  c.login(true);
  long long last = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string m = c.read_message();
    ASSERT_FALSE(m.empty());
    const std::string seq = header(m, "SequenceNumber");
    if (seq.empty()) continue;
    const long long n = std::atoll(seq.c_str());
    if (last) {
      ASSERT_EQ(n, last + 1);
    }
    last = n;
  }
  EXPECT_GT(last, 4000);
}

TEST(Modern, SlowClientIsDroppedOthersContinue) {
  // A rate the reading side keeps up with even under sanitizers on a busy 2-core machine.
  SimProcess sim({"--events-per-second", "10000", "--max-output-mib", "1"});
  AmiClient slow(sim.port()), fast(sim.port());
  slow.login(true);
  fast.login(true);
  // `slow` never reads; `fast` keeps reading. After a while the slow one is cut off.
  const auto deadline = std::chrono::steady_clock::now() + 2500ms;
  long long last = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string m = fast.read_message();
    ASSERT_FALSE(m.empty());
    const long long n = std::atoll(header(m, "SequenceNumber").c_str());
    if (n && last) {
      ASSERT_EQ(n, last + 1);
    }
    if (n) last = n;
  }
  EXPECT_TRUE(slow.wait_closed(10s));
}

// ---------------------------------------------------------------- 1.4 dialect

TEST(Dialect14, BannerPingEventsCommand) {
  SimProcess sim({"--dialect", "1.4"});
  AmiClient c(sim.port());
  EXPECT_EQ(c.read_line(), "Asterisk Call Manager/1.0\r\n");
  c.send(msg({"Action: Login", "ActionID: l", "Username: admin", "Secret: amp111"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: l", "Message: Authentication accepted"}));
  c.send(msg({"Action: Ping", "ActionID: p"}));
  // No FullyBooted in 1.4: the next message is the Pong.
  EXPECT_EQ(c.read_message(), msg({"Response: Pong", "ActionID: p"}));
  c.send(msg({"Action: Events", "ActionID: e", "EventMask: off"}));
  EXPECT_EQ(c.read_message(), msg({"Response: Events Off", "ActionID: e"}));
  c.send(msg({"Action: Command", "ActionID: c1", "Command: core show version"}));
  EXPECT_EQ(c.read_until("--END COMMAND--\r\n\r\n"),
            "Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\n"
            "Asterisk 1.4.44 built by root @ vm on a x86_64 running Linux on 2026-11-26 "
            "22:52:43 UTC\n--END COMMAND--\r\n\r\n");
  // A Follows body may contain blank lines (queue show ends each queue with one).
  c.send(msg({"Action: Command", "ActionID: c2", "Command: queue show support"}));
  const std::string body = c.read_until("--END COMMAND--\r\n\r\n");
  EXPECT_EQ(
      body.rfind("Response: Follows\r\nPrivilege: Command\r\nActionID: c2\r\nsupport has 0", 0),
      0u);
  EXPECT_NE(body.find("\n\n--END COMMAND--"), std::string::npos);
  c.send(msg({"Action: CoreShowChannels", "ActionID: x"}));
  EXPECT_EQ(header(c.read_message(), "Message"),
            "Invalid/unknown command: CoreShowChannels. Use Action: ListCommands to show "
            "available commands.");
}

TEST(Dialect14, ListsWithoutEventList) {
  SimProcess sim({"--dialect", "1.4"});
  AmiClient c(sim.port());
  c.login(false);
  c.send(msg({"Action: QueueStatus", "ActionID: q"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: q", "Message: Queue status will follow"}));
  EXPECT_EQ(c.read_message(), msg({"Event: QueueParams", "Queue: support", "Max: 0", "Calls: 0",
                                   "Holdtime: 0", "Completed: 0", "Abandoned: 0", "ServiceLevel: 0",
                                   "ServicelevelPerf: 0.0", "Weight: 0", "ActionID: q"}));
  auto rest = c.read_until_event("QueueStatusComplete");
  EXPECT_EQ(rest.back(), msg({"Event: QueueStatusComplete", "ActionID: q"}));
  c.send(msg({"Action: DBPut", "Family: f", "Key: k", "Val: v"}));
  c.read_message();
  c.send(msg({"Action: DBGet", "ActionID: g", "Family: f", "Key: k"}));
  EXPECT_EQ(c.read_message(),
            msg({"Response: Success", "ActionID: g", "Message: Result will follow"}));
  EXPECT_EQ(c.read_message(),
            msg({"Event: DBGetResponse", "Family: f", "Key: k", "Val: v", "ActionID: g"}));
  c.send(msg({"Action: DBDel", "ActionID: d", "Family: f", "Key: k"}));
  EXPECT_EQ(header(c.read_message(), "Message"),
            "Invalid/unknown command: DBDel. Use Action: ListCommands to show available "
            "commands.");
}

TEST(Dialect14, OldEventNames) {
  SimProcess sim({"--dialect", "1.4"});
  AmiClient c(sim.port());
  c.login(true, false);
  c.send(msg(
      {"Action: SimQueueCall", "Queue: support", "Outcome: answer", "WaitMs: 20", "TalkMs: 20"}));
  c.read_message();
  auto events = c.read_until_event("AgentComplete");
  EXPECT_TRUE(in_order(event_names(events),
                       {"Join", "AgentCalled", "Leave", "AgentConnect", "AgentComplete"}));
  c.send(msg({"Action: SimQueueCall", "Queue: support", "Outcome: abandon", "WaitMs: 20"}));
  auto ab = c.read_until_event("QueueCallerAbandon");
  EXPECT_EQ(header(ab.back(), "Queue"), "support");
  c.read_until_event("Hangup");
  c.send(msg({"Action: SimAgent", "Agent: 1002", "Do: login"}));
  EXPECT_EQ(header(c.read_message(), "Message"), "Agent logged in");
  EXPECT_EQ(header(c.read_message(), "Event"), "Agentlogin");
  c.send(msg({"Action: QueuePause", "Interface: Local/100@agents", "Paused: true"}));
  c.read_message();
  EXPECT_EQ(header(c.read_message(), "Event"), "QueueMemberPaused");
  c.send(msg({"Action: Originate", "ActionID: o14", "Channel: SIP/peer1", "Context: default",
              "Exten: 100", "Priority: 1", "Async: true"}));
  EXPECT_EQ(header(c.read_message(), "Message"), "Originate successfully queued");
  auto orig = c.read_until_event("OriginateSuccess");
  EXPECT_EQ(header(orig.back(), "ActionID"), "o14");
}
