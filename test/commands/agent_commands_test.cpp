// The agent commands through the real ampd and simulator binaries, against both Asterisk
// generations (the simulator's modern and 1.4 dialects), in native and XML.
#include <gtest/gtest.h>

#include "ampd_instance.hpp"
#include "native_client.hpp"

namespace ampd::test {
namespace {

class AgentCommands : public ::testing::TestWithParam<std::string> {
 protected:
  bool old_asterisk() const { return GetParam() == "1.4"; }
  // Logs agent 1001 in: by callback on 1.4, through the simulator's own action otherwise.
  void log_in_1001(Client& admin) {
    admin.send(old_asterisk() ? "Action: AgentCallbackLogin\r\nAgent: 1001\r\nExten: 200\r\n"
                                "Context: agents\r\n\r\n"
                              : "Action: Custom\r\nCAction: SimAgent\r\nAgent: 1001\r\n"
                                "Do: login\r\n\r\n");
    const auto answer = admin.read_native();
    ASSERT_NE(answer.find("Message: Agent logged in\r\n"), std::string::npos) << answer;
  }
  SimInstance sim{{"--dialect", GetParam()}};
  AmpdInstance ampd{{.sections = sim.section()}};
};

TEST_P(AgentCommands, AgentInfoListsAgentsNative) {
  auto c = login(ampd, "mon", kMonitor);
  c->send("Action: AgentInfo\r\nActionID: ai\r\n\r\n");
  const auto answer = read_list(*c);
  EXPECT_EQ(answer.rfind("Action: AgentInfo\r\nResponse: Success\r\nActionID: ai\r\n", 0), 0u)
      << answer;
  EXPECT_NE(answer.find("Event: Agents\r\nActionID: ai\r\nAgent: 1001\r\nName: Agent One\r\n"
                        "Status: AGENT_LOGGEDOFF\r\n"),
            std::string::npos)
      << answer;
  EXPECT_NE(answer.find("Agent: 1002\r\nName: Agent Two\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Event: AgentInfoComplete\r\nActionID: ai\r\nEventList: Complete\r\n"
                        "ListItems: 2\r\n\r\n"),
            std::string::npos)
      << answer;
}

TEST_P(AgentCommands, AgentInfoOfOneAgentXml) {
  auto c = login(ampd, "xmlmon");
  c->send("<command action=\"agentinfo\" agent=\"1002\" actionid=\"x\"/>");
  const auto answer = c->read_line();
  EXPECT_EQ(answer.rfind("<command action=\"agentinfo\" response=\"Success\" ActionID=\"x\" "
                         "ListItems=\"1\"><agents agent=\"1002\" name=\"Agent Two\" "
                         "status=\"AGENT_LOGGEDOFF\"",
                         0),
            0u)
      << answer;
  EXPECT_EQ(answer.find("1001"), std::string::npos) << answer;
}

TEST_P(AgentCommands, LoginShowsInAgentInfoAndLogoffEndsIt) {
  auto admin = login(ampd, "admin", kAdmin);
  log_in_1001(*admin);
  admin->send("Action: AgentInfo\r\nAgent: 1001\r\n\r\n");
  const auto info = read_list(*admin);
  EXPECT_NE(info.find("Agent: 1001\r\n"), std::string::npos) << info;
  EXPECT_EQ(info.find("AGENT_LOGGEDOFF"), std::string::npos) << info;
  EXPECT_NE(info.find("LoggedInTime: "), std::string::npos) << info;
  admin->send("Action: AgentLogoff\r\nAgent: 1001\r\nSoftHangUp: true\r\nActionID: off\r\n\r\n");
  EXPECT_EQ(admin->read_native(),
            "Action: AgentLogoff\r\nResponse: Success\r\nActionID: off\r\n"
            "Message: Agent logged out\r\n\r\n");
  admin->send("Action: AgentInfo\r\nAgent: 1001\r\n\r\n");
  EXPECT_NE(read_list(*admin).find("Status: AGENT_LOGGEDOFF\r\n"), std::string::npos);
}

TEST_P(AgentCommands, AgentLogoffXmlAndAsteriskError) {
  auto admin = login(ampd, "admin", kAdmin);
  log_in_1001(*admin);
  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"agentlogoff\" agent=\"1001\"/>");
  EXPECT_EQ(x->read_line(),
            "<command action=\"agentlogoff\" response=\"Success\" Message=\"Agent logged out\" "
            "/>\r\n");
  // Asterisk's own error, in both formats.
  x->send("<command action=\"agentlogoff\" agent=\"1001\"/>");
  EXPECT_EQ(x->read_line(),
            "<command action=\"agentlogoff\" response=\"Error\" Message=\"Agent is not logged "
            "in\">Agent is not logged in</command>\r\n");
  admin->send("Action: AgentLogoff\r\nAgent: 1001\r\n\r\n");
  EXPECT_EQ(admin->read_native(),
            "Action: AgentLogoff\r\nResponse: Error\r\nMessage: Agent is not logged in\r\n\r\n");
}

TEST_P(AgentCommands, AgentCallbackLoginOnlyWhereAsteriskHasIt) {
  auto admin = login(ampd, "admin", kAdmin);
  admin->send(
      "Action: AgentCallbackLogin\r\nAgent: 1002\r\nExten: 201\r\nContext: agents\r\n"
      "AckCall: false\r\nWrapUpTime: 1000\r\nActionID: cb\r\n\r\n");
  const auto answer = admin->read_native();
  if (old_asterisk()) {
    EXPECT_EQ(answer,
              "Action: AgentCallbackLogin\r\nResponse: Success\r\nActionID: cb\r\n"
              "Message: Agent logged in\r\n\r\n");
  } else {
    EXPECT_NE(answer.find("Response: Error\r\nActionID: cb\r\nMessage: AgentCallbackLogin does "
                          "not exist in Asterisk 20"),
              std::string::npos)
        << answer;
    EXPECT_NE(answer.find("QueueAdd"), std::string::npos) << answer;
  }
  auto x = login(ampd, "admin", kAdminXml);
  x->send(
      "<command action=\"agentcallbacklogin\" agent=\"1002\" exten=\"201\" context=\"agents\"/>");
  const auto again = x->read_line();
  EXPECT_NE(again.find("response=\"Error\""), std::string::npos) << again;
  EXPECT_NE(again.find(old_asterisk() ? "Agent already logged in" : "AgentLogin"),
            std::string::npos)
      << again;
}

TEST_P(AgentCommands, MissingArgumentsAreRefusedInBothFormats) {
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: AgentCallbackLogin\r\nAgent: 1001\r\nExten: 200\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: AgentCallbackLogin\r\nResponse: Error\r\n"
            "Message: AgentCallbackLogin requires the argument Context\r\n\r\n");
  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"agentlogoff\"/>");
  EXPECT_NE(x->read_line().find("Message=\"AgentLogoff requires the argument Agent\""),
            std::string::npos);
}

TEST_P(AgentCommands, AgentClientsLogOnlyThemselvesOff) {
  auto admin = login(ampd, "admin", kAdmin);
  log_in_1001(*admin);
  // With Type: ampd's AgentLogoff, not Asterisk's (which a login without Type would get).
  auto agent = login(ampd, "agent1", kAgent);  // agent 1001
  agent->send("Action: AgentLogoff\r\nAgent: 1002\r\n\r\n");
  const auto refused = agent->read_native();
  EXPECT_NE(refused.find("Message: Agent 1001 may log only itself in or off, not agent 1002"),
            std::string::npos)
      << refused;
  agent->send("Action: AgentLogoff\r\nAgent: 1001\r\n\r\n");
  EXPECT_NE(agent->read_native().find("Message: Agent logged out"), std::string::npos);
  // Monitors may look but not log agents off.
  auto mon = login(ampd, "mon");
  mon->send("Action: AgentLogoff\r\nAgent: 1001\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Response: Error"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AgentCommands, ::testing::Values("modern", "1.4"),
                         [](const auto& info) { return info.param == "1.4" ? "v1_4" : "modern"; });

}  // namespace
}  // namespace ampd::test
