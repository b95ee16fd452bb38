// The queue commands through the real ampd and simulator binaries, against both Asterisk
// generations (the simulator's modern and 1.4 dialects), in native and XML.
#include <gtest/gtest.h>

#include "ampd_instance.hpp"
#include "native_client.hpp"

namespace ampd::test {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class QueueCommands : public ::testing::TestWithParam<std::string> {
 protected:
  bool old_asterisk() const { return GetParam() == "1.4"; }
  SimInstance sim{{"--dialect", GetParam()}};
  AmpdInstance ampd{{.sections = sim.section()}};
};

TEST_P(QueueCommands, QueueInfoListsEveryQueueNative) {
  auto c = login(ampd, "mon", kMonitor);
  c->send("Action: QueueInfo\r\nActionID: qi-1\r\n\r\n");
  const auto answer = read_list(*c);
  EXPECT_EQ(answer.rfind("Action: QueueInfo\r\nResponse: Success\r\nActionID: qi-1\r\n", 0), 0u)
      << answer;
  EXPECT_EQ(count(answer, "Event: QueueParams\r\nActionID: qi-1\r\n"), 2u) << answer;
  EXPECT_EQ(count(answer, "Event: QueueMember\r\nActionID: qi-1\r\n"), 2u) << answer;
  EXPECT_NE(answer.find("Queue: support\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Queue: sales\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Location: Local/100@agents\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Event: QueueInfoComplete\r\nActionID: qi-1\r\nEventList: Complete\r\n"
                        "ListItems: 4\r\n"),
            std::string::npos)
      << answer;
  EXPECT_EQ(answer.find("ampd-"), std::string::npos) << "ampd's own ActionID leaked";
}

TEST_P(QueueCommands, QueueInfoOfOneQueueInXmlShowsItsCallers) {
  auto admin = login(ampd, "admin", kAdmin);
  admin->send("Action: Custom\r\nCAction: SimQueueCall\r\nQueue: sales\r\nOutcome: none\r\n\r\n");
  const auto call = admin->read_native();
  EXPECT_NE(call.find("Response: Success"), std::string::npos) << call;
  auto c = login(ampd, "xmlmon");
  c->send("<command action=\"queueinfo\" queue=\"sales\" actionid=\"x1\"/>");
  const auto answer = c->read_line();
  EXPECT_EQ(answer.rfind("<command action=\"queueinfo\" response=\"Success\" ActionID=\"x1\" "
                         "ListItems=\"3\"><queueparams queue=\"sales\"",
                         0),
            0u)
      << answer;
  EXPECT_NE(answer.find("<queuemember queue=\"sales\" name=\"Local/101@agents\""),
            std::string::npos)
      << answer;
  EXPECT_NE(answer.find("<queueentry queue=\"sales\" position=\"1\""), std::string::npos) << answer;
  EXPECT_EQ(answer.find("support"), std::string::npos) << answer;
  EXPECT_NE(answer.find("</command>\r\n"), std::string::npos) << answer;
}

TEST_P(QueueCommands, AddPauseUnpauseRemoveNative) {
  auto c = login(ampd, "admin", kAdmin);
  c->send(
      "Action: QueueAdd\r\nQueue: support\r\nInterface: PJSIP/200\r\nPenalty: 2\r\n"
      "ActionID: a\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: QueueAdd\r\nResponse: Success\r\nActionID: a\r\n"
            "Message: Added interface to queue\r\n\r\n");
  // Without Paused the member is paused.
  c->send("Action: QueuePause\r\nQueue: support\r\nInterface: PJSIP/200\r\n\r\n");
  EXPECT_NE(c->read_native().find("Message: Interface paused successfully\r\n"), std::string::npos);
  c->send("Action: QueueInfo\r\nQueue: support\r\nMember: PJSIP/200\r\n\r\n");
  auto info = read_list(*c);
  EXPECT_NE(info.find("Location: PJSIP/200\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Penalty: 2\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Paused: 1\r\n"), std::string::npos) << info;
  EXPECT_EQ(info.find("Local/100@agents"), std::string::npos) << "Member filter ignored";

  c->send("Action: QueuePause\r\nQueue: support\r\nInterface: PJSIP/200\r\nPaused: false\r\n\r\n");
  EXPECT_NE(c->read_native().find("Message: Interface unpaused successfully\r\n"),
            std::string::npos);
  c->send("Action: QueueRemove\r\nQueue: support\r\nInterface: PJSIP/200\r\n\r\n");
  EXPECT_NE(c->read_native().find("Message: Removed interface from queue\r\n"), std::string::npos);
  c->send("Action: QueueInfo\r\nQueue: support\r\n\r\n");
  info = read_list(*c);
  EXPECT_EQ(info.find("PJSIP/200"), std::string::npos) << info;
}

TEST_P(QueueCommands, AddPauseRemoveXml) {
  auto c = login(ampd, "admin", kAdminXml);
  c->send("<command action=\"queueadd\" queue=\"sales\" interface=\"PJSIP/300\" actionid=\"7\"/>");
  EXPECT_EQ(c->read_line(),
            "<command action=\"queueadd\" response=\"Success\" ActionID=\"7\" "
            "Message=\"Added interface to queue\" />\r\n");
  c->send("<command action=\"queuepause\" queue=\"sales\" interface=\"PJSIP/300\"/>");
  EXPECT_NE(c->read_line().find("Message=\"Interface paused successfully\""), std::string::npos);
  c->send("<command action=\"queueremove\" queue=\"sales\" interface=\"PJSIP/300\"/>");
  EXPECT_NE(c->read_line().find("Message=\"Removed interface from queue\""), std::string::npos);
}

TEST_P(QueueCommands, AsteriskErrorsComeBackInBothFormats) {
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: QueueAdd\r\nQueue: nosuch\r\nInterface: PJSIP/200\r\nActionID: e1\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: QueueAdd\r\nResponse: Error\r\nActionID: e1\r\n"
            "Message: Unable to add interface to queue: No such queue\r\n\r\n");
  c->send("Action: QueueRemove\r\nQueue: support\r\nInterface: PJSIP/999\r\n\r\n");
  EXPECT_NE(c->read_native().find("Message: Unable to remove interface: Not there\r\n"),
            std::string::npos);

  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"queueadd\" queue=\"support\" interface=\"Local/100@agents\"/>");
  EXPECT_EQ(x->read_line(),
            "<command action=\"queueadd\" response=\"Error\" "
            "Message=\"Unable to add interface: Already there\">Unable to add interface: Already "
            "there</command>\r\n");
}

TEST_P(QueueCommands, MissingArgumentsAreRefusedInBothFormats) {
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: QueueAdd\r\nQueue: support\r\nActionID: m\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: QueueAdd\r\nResponse: Error\r\nActionID: m\r\n"
            "Message: QueueAdd requires the argument Interface\r\n\r\n");
  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"queuepause\" interface=\"PJSIP/200\"/>");
  EXPECT_NE(x->read_line().find("Message=\"QueuePause requires the argument Queue\""),
            std::string::npos);
}

TEST_P(QueueCommands, AgentClientsManageOnlyTheirOwnMembership) {
  auto agent = login(ampd, "agent1", kAgent);  // agent 1001
  agent->send("Action: QueueAdd\r\nQueue: support\r\nInterface: Agent/1001\r\n\r\n");
  EXPECT_NE(agent->read_native().find("Message: Added interface to queue"), std::string::npos);
  agent->send("Action: QueuePause\r\nQueue: support\r\nInterface: Agent/1001\r\n\r\n");
  EXPECT_NE(agent->read_native().find("Response: Success"), std::string::npos);
  agent->send("Action: QueueRemove\r\nQueue: support\r\nInterface: Local/100@agents\r\n\r\n");
  const auto refused = agent->read_native();
  EXPECT_NE(refused.find("Response: Error"), std::string::npos) << refused;
  EXPECT_NE(refused.find("may act only on its own interface"), std::string::npos) << refused;
  // A monitor may read but not change membership.
  auto mon = login(ampd, "mon");
  mon->send("Action: QueueRemove\r\nQueue: support\r\nInterface: Agent/1001\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Response: Error"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueueCommands, ::testing::Values("modern", "1.4"),
                         [](const auto& info) { return info.param == "1.4" ? "v1_4" : "modern"; });

}  // namespace
}  // namespace ampd::test
