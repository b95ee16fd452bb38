// The agent plugin's handlers against the SDK's fake host.
#include "agent/agent_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::ClientType;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

class AgentPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_agent_plugin); }
  void asterisk(int major) { host.set_server({"pbx", true, major, "", ""}); }
  static FakeHost::Who agent(std::string id) {
    return {"agent1", ClientType::Agent, std::move(id)};
  }
  FakeHost host;
};

TEST_F(AgentPlugin, DeclaresItsCommands) {
  const auto* login = host.command("AgentCallbackLogin");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->privilege, Privilege::Agent);
  for (const char* arg : {"Agent", "Exten", "Context"}) EXPECT_TRUE(login->requires_arg(arg));
  EXPECT_FALSE(login->requires_arg("AckCall"));
  const auto* logoff = host.command("AgentLogoff");
  ASSERT_NE(logoff, nullptr);
  EXPECT_EQ(logoff->privilege, Privilege::Agent);
  EXPECT_TRUE(logoff->requires_arg("Agent"));
  EXPECT_FALSE(logoff->requires_arg("SoftHangUp"));
  const auto* info = host.command("AgentInfo");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->privilege, Privilege::Monitor);
  EXPECT_FALSE(info->requires_arg("Agent"));
}

TEST_F(AgentPlugin, CallbackLoginOnAsterisk14) {
  asterisk(1);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Agent logged in"}});
  });
  const auto reply = host.run("AgentCallbackLogin", {{"Agent", "1001"},
                                                     {"Exten", "200"},
                                                     {"Context", "agents"},
                                                     {"ackCall", "true"},
                                                     {"WrapUpTime", "5000"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.message, "Agent logged in");
  ASSERT_EQ(host.actions().size(), 1u);
  EXPECT_EQ(host.actions()[0].action(), "AgentCallbackLogin");
  EXPECT_EQ(host.actions()[0].fields(), (FieldList{{"Agent", "1001"},
                                                   {"Exten", "200"},
                                                   {"Context", "agents"},
                                                   {"AckCall", "true"},
                                                   {"WrapupTime", "5000"}}));
}

TEST_F(AgentPlugin, CallbackLoginOnModernAsteriskNamesTheAlternative) {
  asterisk(20);
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  const auto reply =
      host.run("AgentCallbackLogin", {{"Agent", "1001"}, {"Exten", "200"}, {"Context", "agents"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("does not exist in Asterisk 20"), std::string::npos)
      << reply.message;
  EXPECT_NE(reply.message.find("QueueAdd"), std::string::npos) << reply.message;
  EXPECT_NE(reply.message.find("AgentLogin"), std::string::npos) << reply.message;
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(AgentPlugin, CallbackLoginWithUnknownVersionTranslatesUnknownCommand) {
  asterisk(0);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error(
        "Invalid/unknown command: AgentCallbackLogin. Use Action: ListCommands to show available "
        "commands.");
  });
  const auto reply =
      host.run("AgentCallbackLogin", {{"Agent", "1001"}, {"Exten", "200"}, {"Context", "agents"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("QueueAdd"), std::string::npos) << reply.message;
}

TEST_F(AgentPlugin, CallbackLoginErrorIsAsterisksMessage) {
  asterisk(1);
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::asterisk_error("No such agent"); });
  const auto reply =
      host.run("AgentCallbackLogin", {{"Agent", "9"}, {"Exten", "200"}, {"Context", "agents"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such agent");
}

TEST_F(AgentPlugin, LogoffMapsSoftHangUpToSoft) {
  for (int major : {20, 1}) {
    asterisk(major);
    host.on_ami([](const AmiAction&) {
      return FakeHost::Answer::success({{"Message", "Agent logged out"}});
    });
    auto reply = host.run("AgentLogoff", {{"Agent", "1001"}, {"SoftHangUp", "true"}});
    EXPECT_TRUE(reply.success);
    EXPECT_EQ(reply.message, "Agent logged out");
    EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Agent", "1001"}, {"Soft", "true"}}));
    reply = host.run("AgentLogoff", {{"Agent", "1001"}});
    EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Agent", "1001"}}));
  }
}

TEST_F(AgentPlugin, LogoffErrorIsAsterisksMessage) {
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Agent is not logged in"); });
  const auto reply = host.run("AgentLogoff", {{"Agent", "1001"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Agent is not logged in");
}

TEST_F(AgentPlugin, AgentClientsLogOnlyThemselvesInAndOff) {
  asterisk(1);
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success({{"Message", "ok"}}); });
  EXPECT_TRUE(host.run("AgentLogoff", {{"Agent", "1001"}}, agent("1001")).success);
  EXPECT_TRUE(host.run("AgentCallbackLogin", {{"Agent", "1001"}, {"Exten", "1"}, {"Context", "c"}},
                       agent("1001"))
                  .success);
  const auto sent = host.actions().size();
  auto reply = host.run("AgentLogoff", {{"Agent", "1002"}}, agent("1001"));
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("only itself"), std::string::npos) << reply.message;
  reply = host.run("AgentCallbackLogin", {{"Agent", "1002"}, {"Exten", "1"}, {"Context", "c"}},
                   agent("1001"));
  EXPECT_FALSE(reply.success);
  EXPECT_FALSE(host.run("AgentLogoff", {{"Agent", ""}}, agent("")).success);
  EXPECT_EQ(host.actions().size(), sent);
  // Administrators log any agent off.
  EXPECT_TRUE(host.run("AgentLogoff", {{"Agent", "1002"}}).success);
}

FakeHost::Answer agents_answer() {
  auto answer =
      FakeHost::Answer::success({{"EventList", "start"}, {"Message", "Agents will follow"}});
  answer.events = {{{"Event", "Agents"},
                    {"Agent", "1001"},
                    {"Name", "Agent One"},
                    {"Status", "AGENT_LOGGEDOFF"},
                    {"ActionID", "ampd-1"}},
                   {{"Event", "Agents"},
                    {"Agent", "1002"},
                    {"Name", "Agent Two"},
                    {"Status", "AGENT_IDLE"},
                    {"LoggedInTime", "1795734307"}}};
  answer.complete = {{"Event", "AgentsComplete"}};
  return answer;
}

TEST_F(AgentPlugin, AgentInfoListsAgents) {
  for (int major : {20, 1}) {
    asterisk(major);
    host.on_ami([](const AmiAction& a) {
      EXPECT_EQ(a.action(), "Agents");
      return agents_answer();
    });
    const auto reply = host.run("AgentInfo");
    EXPECT_TRUE(reply.success);
    EXPECT_TRUE(reply.is_list);
    ASSERT_EQ(reply.records.size(), 2u);
    EXPECT_EQ(reply.records[0].name, "Agents");
    EXPECT_EQ(reply.records[0].fields,
              (FieldList{{"Agent", "1001"}, {"Name", "Agent One"}, {"Status", "AGENT_LOGGEDOFF"}}));
    EXPECT_EQ(reply.records[1].get("LoggedInTime"), "1795734307");
  }
}

TEST_F(AgentPlugin, AgentInfoFiltersOneAgent) {
  host.on_ami([](const AmiAction&) { return agents_answer(); });
  auto reply = host.run("AgentInfo", {{"Agent", "1002"}});
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].get("Name"), "Agent Two");
  reply = host.run("AgentInfo", {{"Agent", "4242"}});
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  EXPECT_TRUE(reply.records.empty());
}

TEST_F(AgentPlugin, AgentInfoErrorIsAsterisksMessage) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Invalid/unknown command: Agents.");
  });
  const auto reply = host.run("AgentInfo");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Invalid/unknown command: Agents.");
}

}  // namespace
