// Asterisk's own actions that ampd has no command for pass through to Asterisk: the same bytes
// as a direct connection gives, streamed, with the client's ActionID, under the privilege table
// of commands/passthrough.cpp, [permissions] and [passthrough] deny.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <fstream>
#include <regex>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Client> log_in(int port, const std::string& user, const std::string& secret,
                               const std::string& extra = "") {
  auto c = std::make_unique<Client>(port, 20s);
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + secret + "\r\nEvents: off\r\n" +
          extra + "\r\n");
  const auto answer = extra.find("xml") != std::string::npos ? c->read_xml() : c->read_native();
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

// Every message up to the one containing `last` (a list's ...Complete, or the response).
std::string read_through(Client& c, const std::string& last) {
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    const auto m = c.read_native();
    all += m;
    if (m.empty() || m.find(last) != std::string::npos) break;
  }
  return all;
}

// What differs between two runs of the same action: timestamps, uptimes, channel times.
std::string normalized(const std::string& text) {
  static const std::regex varying("(Timestamp|Uptime|LastReload|Duration|Seconds): [^\r\n]*");
  return std::regex_replace(text, varying, "$1: *");
}

class PassThrough : public ::testing::Test {
 protected:
  SimInstance sim_;
  std::unique_ptr<AmpdInstance> ampd_ = std::make_unique<AmpdInstance>(AmpdSetup{
      .server = "",
      .sections = sim_.section() +
                  "[permissions]\nUserEvent = monitor\nQueueSummary = administrator\n"
                  "[passthrough]\ndeny = CoreShowChannelMap, ModuleLoad\n",
      .users =
          "[agent2]\nsecret = " + secret_hash() +
          "\ntypes = agent\nagentid = 1002\ninterface = Local/200@agents\n\n[boss]\nsecret = " +
          secret_hash() + "\ntypes = administrator\n"});
};

TEST_F(PassThrough, AsteriskActionsComeBackAsAsteriskWritesThem) {
  auto direct = log_in(sim_.port(), "admin", "amp111");
  auto mon = log_in(ampd_->port(), "mon", "secret");
  // An action the privilege table does not know needs administrator.
  auto admin = log_in(ampd_->port(), "boss", "secret");
  const std::pair<const char*, const char*> actions[] = {
      {"Action: QueueStatus\r\nActionID: qs\r\n\r\n", "QueueStatusComplete"},
      {"Action: CoreShowChannels\r\nActionID: cs\r\n\r\n", "CoreShowChannelsComplete"},
      {"Action: Agents\r\nActionID: ag\r\n\r\n", "AgentsComplete"},
      {"Action: Status\r\nActionID: st\r\n\r\n", "StatusComplete"},
      {"Action: CoreSettings\r\nActionID: co\r\n\r\n", "Response:"}};
  for (const auto& [action, last] : actions) {
    direct->send(action);
    mon->send(action);
    const auto expected = read_through(*direct, last);
    ASSERT_NE(expected, "") << action;
    EXPECT_EQ(normalized(read_through(*mon, last)), normalized(expected)) << action;
  }
  // Asterisk's own error for an action it does not know.
  direct->send("Action: NoSuchAction\r\nActionID: no\r\n\r\n");
  admin->send("Action: NoSuchAction\r\nActionID: no\r\n\r\n");
  const auto unknown = direct->read_native();
  EXPECT_NE(unknown.find("Invalid/unknown command"), std::string::npos) << unknown;
  EXPECT_EQ(admin->read_native(), unknown);
}

TEST_F(PassThrough, PrivilegesFollowTheTablePermissionsAndDeny) {
  auto mon = log_in(ampd_->port(), "mon", "secret");
  mon->send("Action: Hangup\r\nChannel: Local/1@x\r\nActionID: h\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Permission denied"), std::string::npos);
  mon->send("Action: Reload\r\nActionID: r\r\n\r\n");
  EXPECT_EQ(mon->read_native(),
            "Response: Error\r\nActionID: r\r\nMessage: Permission denied: Reload requires "
            "administrator privilege\r\n\r\n");
  // [permissions] moves entries both ways.
  mon->send("Action: UserEvent\r\nUserEvent: Hello\r\nActionID: u\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Response: Success"), std::string::npos);
  mon->send("Action: QueueSummary\r\nActionID: s\r\n\r\n");
  EXPECT_NE(mon->read_native().find("requires administrator"), std::string::npos);
  // [passthrough] deny: nobody.
  auto admin = log_in(ampd_->port(), "admin", "secret", "Type: administrator\r\n");
  admin->send("Action: ModuleLoad\r\nModule: x\r\nLoadType: load\r\nActionID: m\r\n\r\n");
  EXPECT_NE(admin->read_native().find("may not be sent through ampd"), std::string::npos);
  // Never: it would hold a shared command session for its whole wait.
  admin->send("Action: WaitEvent\r\nTimeout: 30\r\nActionID: w\r\n\r\n");
  EXPECT_NE(admin->read_native().find("acts on Asterisk's session"), std::string::npos);
  // An agent may change queue members only on its own interface.
  auto agent = log_in(ampd_->port(), "agent2", "secret");
  agent->send(
      "Action: QueuePenalty\r\nInterface: Local/100@agents\r\nPenalty: 2\r\nActionID: p1\r\n\r\n");
  EXPECT_NE(agent->read_native().find("only act on its own interface"), std::string::npos);
  agent->send("Action: QueueStatus\r\nActionID: q\r\n\r\n");
  EXPECT_NE(read_through(*agent, "QueueStatusComplete").find("EventList: Complete"),
            std::string::npos);
}

TEST_F(PassThrough, ReferenceShapeAndXmlClientsGetTheirOwnShape) {
  auto typed = log_in(ampd_->port(), "mon", "secret", "Type: monitor\r\n");
  typed->send("Action: CoreStatus\r\nActionID: c\r\n\r\n");
  EXPECT_EQ(
      typed->read_native().rfind("Action: CoreStatus\r\nResponse: Success\r\nActionID: c\r\n", 0),
      0u);
  auto xml = log_in(ampd_->port(), "mon", "secret", "Format: xml\r\n");
  xml->send("<command action=\"QueueStatus\" actionid=\"x\"/>");
  EXPECT_NE(xml->read_xml().find("action=\"queuestatus\" response=\"Success\""), std::string::npos);
  EXPECT_NE(xml->read_xml_with("<event name=\"QueueStatusComplete\""), "");
}

TEST_F(PassThrough, TwoClientsWithTheSameActionIdNeverSeeEachOthersAnswers) {
  auto a = log_in(ampd_->port(), "mon", "secret");
  auto b = log_in(ampd_->port(), "mon", "secret");
  for (int i = 0; i < 30; ++i) {
    a->send("Action: QueueStatus\r\nActionID: same\r\n\r\n");
    b->send("Action: Agents\r\nActionID: same\r\n\r\n");
  }
  for (int i = 0; i < 30; ++i) {
    const auto mine = read_through(*a, "QueueStatusComplete");
    EXPECT_EQ(mine.find("Event: Agent"), std::string::npos) << mine;
    EXPECT_NE(mine.find("QueueStatusComplete"), std::string::npos);
    const auto theirs = read_through(*b, "AgentsComplete");
    EXPECT_EQ(theirs.find("Queue"), std::string::npos) << theirs;
    EXPECT_NE(theirs.find("AgentsComplete"), std::string::npos);
  }
}

TEST(PassThroughServers, TheServerKeyRoutes) {
  SimInstance one({"--asterisk-version", "20.20.1"});
  SimInstance two({"--asterisk-version", "22.10.1"});
  AmpdInstance ampd({.sections = one.section("one") + two.section("two")});
  // AmpdInstance waits for the first server only.
  ASSERT_TRUE(ampd.wait_for_log("two/command1: connected", 10s)) << ampd.log();
  auto mon = log_in(ampd.port(), "mon", "secret");
  mon->send("Action: CoreSettings\r\nServer: two\r\nActionID: v\r\n\r\n");
  EXPECT_NE(mon->read_native().find("AsteriskVersion: 22.10.1"), std::string::npos);
  mon->send("Action: CoreSettings\r\nActionID: v\r\n\r\n");
  EXPECT_NE(mon->read_native().find("AsteriskVersion: 20.20.1"), std::string::npos);
  mon->send("Action: CoreSettings\r\nServer: three\r\nActionID: v\r\n\r\n");
  EXPECT_NE(mon->read_native().find("No Asterisk server named 'three'"), std::string::npos);
}

// A 20,000-entry list streams through: ampd holds a little of it at a time, never all of it.
TEST(PassThroughLists, TwentyThousandEntriesStreamWithBoundedMemory) {
  constexpr int kEntries = 20000;
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section("pbx", "action_timeout = 60000\n"),
                     .log_to_file = true,
                     .level = "information"});
  auto admin = log_in(ampd.port(), "admin", "secret", "Type: administrator\r\n");
  // Filled pipelined, 30 ahead of the answers (within max_in_flight).
  const auto put = [&](int i) {
    admin->send("Action: DBPut\r\nFamily: big\r\nKey: k" + std::to_string(i) +
                "\r\nVal: a value long enough to make the list about two megabytes " +
                std::to_string(i) + "\r\n\r\n");
  };
  for (int i = 0; i < 30; ++i) put(i);
  for (int i = 0; i < kEntries; ++i) {
    ASSERT_NE(admin->read_native().find("Success"), std::string::npos) << i;
    if (i + 30 < kEntries) put(i + 30);
  }
  auto mon = log_in(ampd.port(), "mon", "secret");
  const auto pid = ampd.process().pid();
  const long before = process_status_kib(pid, "VmRSS");
  const bool peak_known = reset_peak(pid);
  mon->send("Action: DBGetTree\r\nFamily: big\r\nActionID: tree\r\n\r\n");
  int entries = 0;
  std::string complete;
  for (int i = 0; i < kEntries + 10; ++i) {
    const auto m = mon->read_native();
    if (m.empty()) break;
    if (m.find("Event: DBGetTreeResponse") != std::string::npos) ++entries;
    if (m.find("DBGetTreeComplete") != std::string::npos) {
      complete = m;
      break;
    }
  }
  const long peak = process_status_kib(pid, peak_known ? "VmHWM" : "VmRSS");
  std::printf("DBGetTree of %d entries through ampd: VmRSS %ld KiB before, peak %ld KiB (%s)\n",
              entries, before, peak, peak_known ? "VmHWM since the request" : "VmRSS after");
  EXPECT_EQ(entries, kEntries);
  EXPECT_NE(complete.find("ListItems: 20000"), std::string::npos) << complete;
  EXPECT_NE(complete.find("ActionID: tree"), std::string::npos) << complete;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_LT(peak - before, 4 * 1024) << "KiB: the list was held, not streamed";
#endif
}

}  // namespace
}  // namespace ampd::test

namespace ampd::test {
namespace {

// Asterisk answers an action before the events it raised reach the session that asked; through
// ampd those events come on another Asterisk session, and still wait for the answer.
TEST_F(PassThrough, TheAnswerComesBeforeTheEventsItsActionRaised) {
  Client c(ampd_->port());
  c.read_line();
  c.send("Action: Login\r\nUsername: boss\r\nSecret: secret\r\nEvents: user\r\n\r\n");
  EXPECT_NE(c.read_native().find("Authentication accepted"), std::string::npos);
  for (int i = 0; i < 20; ++i) {
    const auto id = "ue" + std::to_string(i);
    c.send("Action: UserEvent\r\nUserEvent: Ordered\r\nActionID: " + id + "\r\n\r\n");
    const auto first = c.read_native();
    EXPECT_EQ(first.rfind("Response: Success\r\nActionID: " + id + "\r\n", 0), 0u) << first;
    const auto second = c.read_native();
    EXPECT_NE(second.find("Event: UserEvent\r\n"), std::string::npos) << second;
    EXPECT_NE(second.find("ActionID: " + id + "\r\n"), std::string::npos) << second;
  }
}

}  // namespace
}  // namespace ampd::test

namespace ampd::test {
namespace {

// A client written for Asterisk gets Asterisk's own answer to Asterisk's actions, also to those
// ampd has a command of the same name for (DBGet's list, Command's Message, ...): the same
// bytes as a direct connection.
TEST_F(PassThrough, AsterisksActionsOfTheSameNameAsAmpdsCommandsAreAsterisks) {
  auto direct = log_in(sim_.port(), "admin", "amp111");
  auto boss = log_in(ampd_->port(), "boss", "secret");
  const std::pair<const char*, const char*> actions[] = {
      {"Action: DBPut\r\nFamily: amitest\r\nKey: k1\r\nVal: one\r\nActionID: p\r\n\r\n",
       "Response:"},
      {"Action: DBGet\r\nFamily: amitest\r\nKey: k1\r\nActionID: g\r\n\r\n", "DBGetComplete"},
      {"Action: DBGet\r\nFamily: amitest\r\nKey: none\r\nActionID: n\r\n\r\n", "Response:"},
      {"Action: Command\r\nCommand: core show version\r\nActionID: c\r\n\r\n", "Response:"},
      {"Action: Command\r\nCommand: no such cli command\r\nActionID: e\r\n\r\n", "Response:"},
      {"Action: ExtensionState\r\nExten: 100\r\nContext: default\r\nActionID: x\r\n\r\n",
       "Response:"}};
  for (const auto& [action, last] : actions) {
    direct->send(action);
    const auto expected = read_through(*direct, last);
    boss->send(action);
    ASSERT_NE(expected, "") << action;
    EXPECT_EQ(normalized(read_through(*boss, last)), normalized(expected)) << action;
  }
  // An async Originate: Asterisk's answer, then the OriginateResponse for this client alone.
  auto other = log_in(ampd_->port(), "boss", "secret");
  boss->send(
      "Action: Originate\r\nChannel: Local/100@default\r\nApplication: Wait\r\nData: 1\r\n"
      "Async: true\r\nActionID: o\r\n\r\n");
  EXPECT_EQ(boss->read_native(),
            "Response: Success\r\nActionID: o\r\nMessage: Originate successfully queued\r\n\r\n");
  const auto response = read_through(*boss, "Event: OriginateResponse");
  EXPECT_NE(response.find("ActionID: o\r\n"), std::string::npos) << response;
  EXPECT_EQ(other->drain(std::chrono::milliseconds(300)), "");
  // A client of the protocol reference's shape keeps ampd's own DBGet.
  auto typed = log_in(ampd_->port(), "mon", "secret", "Type: monitor\r\n");
  typed->send("Action: DBGet\r\nFamily: amitest\r\nKey: k1\r\nActionID: t\r\n\r\n");
  EXPECT_EQ(typed->read_native(),
            "Action: DBGet\r\nResponse: Success\r\nActionID: t\r\nFamily: amitest\r\nKey: k1\r\n"
            "Val: one\r\n\r\n");
}

}  // namespace
}  // namespace ampd::test

namespace ampd::test {
namespace {

// An agent written for Asterisk acts only on itself and its own interfaces, passed through or
// not.
TEST_F(PassThrough, AnAgentActsOnlyOnItselfThroughAsterisksActions) {
  auto agent = log_in(ampd_->port(), "agent2", "secret");
  agent->send("Action: AgentLogoff\r\nAgent: 1001\r\nActionID: a\r\n\r\n");
  EXPECT_NE(agent->read_native().find("agent 1002 may only act on itself"), std::string::npos);
  agent->send("Action: QueueAdd\r\nQueue: support\r\nInterface: Local/100@agents\r\n\r\n");
  EXPECT_NE(agent->read_native().find("only act on its own interface"), std::string::npos);
  agent->send(
      "Action: QueueAdd\r\nQueue: support\r\nInterface: Local/200@agents\r\nActionID: q\r\n\r\n");
  EXPECT_EQ(agent->read_native().rfind("Response: Success\r\nActionID: q\r\n", 0), 0u);
}

}  // namespace
}  // namespace ampd::test
