// The originate plugin's handler against the SDK's fake host.
#include "originate/originate_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiStatus;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

class OriginatePlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    host.load(load_originate_plugin);
    host.on_ami([](const AmiAction&) {
      return FakeHost::Answer::success({{"Message", "Originate successfully queued"}});
    });
  }
  const AmiAction& sent() const { return host.actions().at(0); }
  FakeHost host;
};

TEST_F(OriginatePlugin, DeclaresChannelRequiredAndNeedsAdministrator) {
  const auto* c = host.command("Originate");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->privilege, Privilege::Administrator);
  EXPECT_TRUE(c->requires_arg("Channel"));
  for (const char* optional : {"Context", "Exten", "Priority", "Application", "Data", "Timeout",
                               "CallerID", "Account", "Async", "Variable"}) {
    EXPECT_FALSE(c->requires_arg(optional)) << optional;
  }
}

TEST_F(OriginatePlugin, ToADialplanExtension) {
  const auto reply = host.run("Originate", {{"Channel", "Local/100@default"},
                                            {"Context", "default"},
                                            {"Exten", "101"},
                                            {"Priority", "2"},
                                            {"CallerID", "AMI Test <5551000>"},
                                            {"Account", "acc1"},
                                            {"Timeout", "15000"},
                                            {"ActionID", "9"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.message, "Originate successfully queued");
  ASSERT_EQ(host.actions().size(), 1u);
  EXPECT_EQ(sent().action(), "Originate");
  EXPECT_EQ(sent().fields(), (FieldList{{"Channel", "Local/100@default"},
                                        {"Context", "default"},
                                        {"Exten", "101"},
                                        {"Priority", "2"},
                                        {"Timeout", "15000"},
                                        {"CallerID", "AMI Test <5551000>"},
                                        {"Account", "acc1"}}));
}

TEST_F(OriginatePlugin, PriorityDefaultsToOne) {
  host.run("Originate", {{"Channel", "SIP/peer1"}, {"Context", "default"}, {"Exten", "101"}});
  EXPECT_EQ(sent().get("Priority"), "1");
}

TEST_F(OriginatePlugin, ToAnApplication) {
  const auto reply = host.run(
      "Originate", {{"Channel", "Local/500@default"}, {"Application", "Wait"}, {"Data", "600"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(
      sent().fields(),
      (FieldList{{"Channel", "Local/500@default"}, {"Application", "Wait"}, {"Data", "600"}}));
}

TEST_F(OriginatePlugin, RefusesARequestWithoutDestination) {
  const auto reply = host.run("Originate", {{"Channel", "Local/100@default"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("Context, Exten and Priority"), std::string::npos) << reply.message;
  EXPECT_NE(reply.message.find("Application"), std::string::npos) << reply.message;
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(OriginatePlugin, RefusesHalfADialplanDestination) {
  auto reply = host.run("Originate", {{"Channel", "SIP/a"}, {"Context", "default"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("requires Exten"), std::string::npos) << reply.message;
  reply = host.run("Originate", {{"Channel", "SIP/a"}, {"Exten", "100"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("requires Context"), std::string::npos) << reply.message;
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(OriginatePlugin, RepeatedVariablesPassThroughInOrder) {
  host.run("Originate", {{"Channel", "SIP/a"},
                         {"Application", "Wait"},
                         {"Variable", "A=1"},
                         {"Variable", "B=2,C=3"},
                         {"variable", "A=4"}});
  EXPECT_EQ(ampd::sdk::testing::find_all_in(sent().fields(), "Variable"),
            (std::vector<std::string>{"A=1", "B=2,C=3", "A=4"}));
}

TEST_F(OriginatePlugin, AsyncIsSentAsTrueAndFalseIsLeftOut) {
  host.run("Originate", {{"Channel", "SIP/a"}, {"Application", "Wait"}, {"Async", "yes"}});
  EXPECT_EQ(host.actions().back().get("Async"), "true");
  host.run("Originate", {{"Channel", "SIP/a"}, {"Application", "Wait"}, {"Async", "false"}});
  EXPECT_EQ(host.actions().back().get("Async", "(none)"), "(none)");
  const auto reply =
      host.run("Originate", {{"Channel", "SIP/a"}, {"Application", "Wait"}, {"Async", "maybe"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("Async"), std::string::npos);
  EXPECT_EQ(host.actions().size(), 2u);
}

TEST_F(OriginatePlugin, RefusesATimeoutThatIsNotMilliseconds) {
  const auto reply =
      host.run("Originate", {{"Channel", "SIP/a"}, {"Application", "Wait"}, {"Timeout", "10s"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("Timeout"), std::string::npos);
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(OriginatePlugin, AsteriskErrorComesBackWithItsMessage) {
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Originate failed"); });
  auto reply = host.run("Originate", {{"Channel", "SIP/fail"}, {"Application", "Wait"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Originate failed");

  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Timeout, "Timeout waiting for Asterisk");
  });
  reply = host.run("Originate", {{"Channel", "SIP/a"}, {"Application", "Wait"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Timeout waiting for Asterisk");
}

}  // namespace
