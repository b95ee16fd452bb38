// The queue plugin's handlers against the SDK's fake host.
#include "queue/queue_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

#include "queue/queue_handlers.hpp"

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiStatus;
using ampd::sdk::ClientType;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;

class QueuePlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_queue_plugin); }
  void asterisk(int major) { host.set_server({"pbx", true, major, "", ""}); }
  // Every action is answered with Success and `message`.
  void answer_with(std::string message) {
    host.on_ami([message](const AmiAction&) {
      return FakeHost::Answer::success({{"Message", message}});
    });
  }
  static FakeHost::Who agent(std::string id) {
    return {"agent1", ClientType::Agent, std::move(id)};
  }
  FakeHost host;
};

TEST_F(QueuePlugin, DeclaresItsCommands) {
  for (const char* name : {"QueueAdd", "QueueRemove", "QueuePause"}) {
    const auto* c = host.command(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->privilege, Privilege::Agent) << name;
    EXPECT_TRUE(c->requires_arg("Queue")) << name;
    EXPECT_TRUE(c->requires_arg("Interface")) << name;
  }
  EXPECT_FALSE(host.command("QueuePause")->requires_arg("Paused"));
  ASSERT_NE(host.command("QueueInfo"), nullptr);
  EXPECT_EQ(host.command("QueueInfo")->privilege, Privilege::Monitor);
  EXPECT_FALSE(host.command("QueueInfo")->requires_arg("Queue"));
}

TEST_F(QueuePlugin, QueueAddPassesTheOptionalFieldsOn) {
  for (int major : {20, 1}) {
    asterisk(major);
    answer_with("Added interface to queue");
    const auto reply = host.run("QueueAdd", {{"ActionID", "7"},
                                             {"Queue", "support"},
                                             {"Interface", "PJSIP/200"},
                                             {"Penalty", "2"},
                                             {"MemberName", "Bob"}});
    EXPECT_TRUE(reply.success) << reply.message;
    EXPECT_EQ(reply.message, "Added interface to queue");
    const auto& sent = host.actions().back();
    EXPECT_EQ(sent.action(), "QueueAdd");
    EXPECT_EQ(sent.fields(),
              (std::vector<std::pair<std::string, std::string>>{{"Queue", "support"},
                                                                {"Interface", "PJSIP/200"},
                                                                {"Penalty", "2"},
                                                                {"MemberName", "Bob"}}));
  }
}

TEST_F(QueuePlugin, QueueAddErrorIsAsterisksMessage) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Unable to add interface: Already there");
  });
  const auto reply = host.run("QueueAdd", {{"Queue", "support"}, {"Interface", "PJSIP/200"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Unable to add interface: Already there");
}

TEST_F(QueuePlugin, QueueRemoveSendsQueueRemove) {
  answer_with("Removed interface from queue");
  const auto reply = host.run("QueueRemove", {{"Queue", "support"}, {"Interface", "PJSIP/200"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Removed interface from queue");
  EXPECT_EQ(host.actions().back().action(), "QueueRemove");
  EXPECT_EQ(host.actions().back().get("Interface"), "PJSIP/200");
}

TEST_F(QueuePlugin, QueuePauseWithoutPausedPauses) {
  answer_with("Interface paused successfully");
  const auto reply = host.run("QueuePause", {{"Queue", "support"}, {"Interface", "PJSIP/200"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(host.actions().back().action(), "QueuePause");
  EXPECT_EQ(host.actions().back().get("Paused"), "true");
  EXPECT_EQ(host.actions().back().get("Queue"), "support");
}

TEST_F(QueuePlugin, QueuePausePassesPausedAndReason) {
  answer_with("Interface unpaused successfully");
  const auto reply = host.run(
      "QueuePause",
      {{"Queue", "support"}, {"Interface", "PJSIP/200"}, {"Paused", "false"}, {"Reason", "lunch"}});
  EXPECT_EQ(reply.message, "Interface unpaused successfully");
  EXPECT_EQ(host.actions().back().get("Paused"), "false");
  EXPECT_EQ(host.actions().back().get("Reason"), "lunch");
}

TEST_F(QueuePlugin, AgentClientsActOnlyOnTheirOwnInterface) {
  answer_with("ok");
  for (const char* own : {"Agent/1001", "PJSIP/1001", "SIP/1001", "Local/1001@agents"}) {
    for (const char* command : {"QueueAdd", "QueueRemove", "QueuePause"}) {
      const auto reply =
          host.run(command, {{"Queue", "support"}, {"Interface", own}}, agent("1001"));
      EXPECT_TRUE(reply.success) << command << " " << own << ": " << reply.message;
    }
  }
  const auto sent = host.actions().size();
  for (const char* other :
       {"Agent/1002", "PJSIP/21001", "PJSIP/1001x", "1001", "Local/100@agents"}) {
    for (const char* command : {"QueueAdd", "QueueRemove", "QueuePause"}) {
      const auto reply =
          host.run(command, {{"Queue", "support"}, {"Interface", other}}, agent("1001"));
      EXPECT_FALSE(reply.success) << command << " " << other;
      EXPECT_NE(reply.message.find("own interface"), std::string::npos) << reply.message;
    }
  }
  EXPECT_EQ(host.actions().size(), sent) << "a refused command reaches Asterisk";
  // An agent client without an agent id owns nothing.
  EXPECT_FALSE(host.run("QueueAdd", {{"Queue", "q"}, {"Interface", "Agent/"}}, agent("")).success);
  // Monitor and administrator clients are not limited.
  EXPECT_TRUE(host.run("QueueAdd", {{"Queue", "q"}, {"Interface", "Agent/1002"}}).success);
}

TEST_F(QueuePlugin, QueueInfoListsQueueStatusEventsAsRecords) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "QueueStatus");
    EXPECT_EQ(a.get("Queue"), "");
    auto answer = FakeHost::Answer::success(
        {{"EventList", "start"}, {"Message", "Queue status will follow"}});
    answer.events = {
        {{"Event", "QueueParams"}, {"Queue", "support"}, {"Calls", "1"}, {"ActionID", "x"}},
        {{"Event", "QueueMember"},
         {"Queue", "support"},
         {"Name", "Local/100@agents"},
         {"Paused", "0"}},
        {{"Event", "QueueEntry"},
         {"Queue", "support"},
         {"Position", "1"},
         {"Channel", "Local/5@d-1;2"}}};
    answer.complete = {{"Event", "QueueStatusComplete"}, {"ListItems", "3"}};
    return answer;
  });
  const auto reply = host.run("QueueInfo");
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  ASSERT_EQ(reply.records.size(), 3u);
  EXPECT_EQ(reply.records[0].name, "QueueParams");
  EXPECT_EQ(reply.records[0].fields,
            (ampd::sdk::testing::FieldList{{"Queue", "support"}, {"Calls", "1"}}));
  EXPECT_EQ(reply.records[1].name, "QueueMember");
  EXPECT_EQ(reply.records[1].get("Name"), "Local/100@agents");
  EXPECT_EQ(reply.records[2].name, "QueueEntry");
  EXPECT_EQ(reply.records[2].get("Channel"), "Local/5@d-1;2");
}

TEST_F(QueuePlugin, QueueInfoFiltersByQueueAndIsAListEvenWhenEmpty) {
  for (int major : {20, 1}) {
    asterisk(major);
    host.on_ami([](const AmiAction& a) {
      EXPECT_EQ(a.action(), "QueueStatus");
      EXPECT_EQ(a.get("Queue"), "nosuch");
      return FakeHost::Answer::success({{"Message", "Queue status will follow"}});
    });
    const auto reply = host.run("QueueInfo", {{"Queue", "nosuch"}});
    EXPECT_TRUE(reply.success);
    EXPECT_TRUE(reply.is_list);
    EXPECT_TRUE(reply.records.empty());
  }
}

TEST_F(QueuePlugin, QueueInfoPassesLinkErrorsBack) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Down, "Asterisk server 'pbx' is not connected");
  });
  const auto reply = host.run("QueueInfo");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Asterisk server 'pbx' is not connected");
}

TEST(QueueOwnInterface, MatchesTheDeviceNamedAfterTheAgent) {
  using queue_plugin::is_own_interface;
  EXPECT_TRUE(is_own_interface("Agent/7", "7"));
  EXPECT_TRUE(is_own_interface("PJSIP/7", "7"));
  EXPECT_TRUE(is_own_interface("Local/7@from-queue", "7"));
  EXPECT_FALSE(is_own_interface("PJSIP/17", "7"));
  EXPECT_FALSE(is_own_interface("Local/7x@from-queue", "7"));
  EXPECT_FALSE(is_own_interface("PJSIP/7", ""));
}

}  // namespace
