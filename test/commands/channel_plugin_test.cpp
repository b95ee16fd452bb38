// The channel plugin's handlers against the SDK's fake host.
#include "channel/channel_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

FakeHost::Answer unknown(const std::string& action) {
  return FakeHost::Answer::asterisk_error("Invalid/unknown command: " + action +
                                          ". Use Action: ListCommands to show available commands.");
}

class ChannelPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_channel_plugin); }
  void asterisk(int major) {
    host.set_server({"pbx", true, major, major == 1 ? "1.4.44" : std::to_string(major) + ".1.0",
                     major == 1 ? "1.0" : "9.0.0"});
  }
  std::vector<std::string> sent_actions() const {
    std::vector<std::string> out;
    for (const auto& a : host.actions()) out.push_back(a.action());
    return out;
  }
  FakeHost host;
};

TEST_F(ChannelPlugin, DeclaresItsCommands) {
  struct Expected {
    const char* name;
    Privilege privilege;
    std::vector<const char*> required;
  };
  const std::vector<Expected> expected = {
      {"AbsoluteTimeout", Privilege::Administrator, {"Channel", "Timeout"}},
      {"ChannelInfo", Privilege::Monitor, {}},
      {"Hangup", Privilege::Administrator, {"Channel"}},
      {"Redirect", Privilege::Administrator, {"Channel", "Context", "Exten", "Priority"}},
      {"Getvar", Privilege::Monitor, {"Variable"}},
      {"Setvar", Privilege::Administrator, {"Variable"}},
      {"Monitor", Privilege::Administrator, {"Channel"}},
      {"ChangeMonitor", Privilege::Administrator, {"Channel", "File"}},
      {"StopMonitor", Privilege::Administrator, {"Channel"}}};
  for (const auto& e : expected) {
    const auto* c = host.command(e.name);
    ASSERT_NE(c, nullptr) << e.name;
    EXPECT_EQ(c->privilege, e.privilege) << e.name;
    std::size_t required = 0;
    for (const auto& a : c->args) required += a.required ? 1 : 0;
    EXPECT_EQ(required, e.required.size()) << e.name;
    for (const char* arg : e.required) EXPECT_TRUE(c->requires_arg(arg)) << e.name << " " << arg;
  }
  EXPECT_FALSE(host.command("Getvar")->requires_arg("Channel"));
  EXPECT_FALSE(host.command("Setvar")->requires_arg("Value"));
  EXPECT_FALSE(host.command("Redirect")->requires_arg("ExtraChannel"));
}

TEST_F(ChannelPlugin, AbsoluteTimeoutHangupAndTheirErrors) {
  host.on_ami([](const AmiAction& a) {
    if (a.get("Channel") == "SIP/gone-1")
      return FakeHost::Answer::asterisk_error("No such channel");
    return FakeHost::Answer::success(
        {{"Message", a.action() == "Hangup" ? "Channel Hungup" : "Timeout Set"}});
  });
  auto reply = host.run("AbsoluteTimeout", {{"Channel", "SIP/a-1"}, {"Timeout", "30"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Timeout Set");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Channel", "SIP/a-1"}, {"Timeout", "30"}}));
  reply = host.run("Hangup", {{"Channel", "SIP/a-1"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Channel Hungup");
  EXPECT_EQ(host.actions().back().action(), "Hangup");
  reply = host.run("Hangup", {{"Channel", "SIP/gone-1"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such channel");
}

TEST_F(ChannelPlugin, ChannelInfoOnModernAsteriskListsCoreShowChannel) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "CoreShowChannels");
    auto answer =
        FakeHost::Answer::success({{"EventList", "start"}, {"Message", "Channels will follow"}});
    answer.events = {{{"Event", "CoreShowChannel"},
                      {"ActionID", "x"},
                      {"Channel", "Local/100@default-00000003;1"},
                      {"ChannelStateDesc", "Up"}},
                     {{"Event", "CoreShowChannel"}, {"Channel", "Local/100@default-00000003;2"}}};
    answer.complete = {{"Event", "CoreShowChannelsComplete"}, {"ListItems", "2"}};
    return answer;
  });
  const auto reply = host.run("ChannelInfo");
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[0].name, "CoreShowChannel");
  EXPECT_EQ(reply.records[0].fields,
            (FieldList{{"Channel", "Local/100@default-00000003;1"}, {"ChannelStateDesc", "Up"}}));
  EXPECT_EQ(reply.records[1].get("Channel"), "Local/100@default-00000003;2");
}

TEST_F(ChannelPlugin, ChannelInfoOnAsterisk14ListsStatus) {
  asterisk(1);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Status");
    auto answer = FakeHost::Answer::success({{"Message", "Channel status will follow"}});
    answer.events = {{{"Event", "Status"},
                      {"Privilege", "Call"},
                      {"Channel", "SIP/peer1-0001"},
                      {"State", "Up"}}};
    answer.complete = {{"Event", "StatusComplete"}};
    return answer;
  });
  const auto reply = host.run("ChannelInfo");
  EXPECT_TRUE(reply.success);
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].name, "Status");
  EXPECT_EQ(reply.records[0].fields, (FieldList{{"Channel", "SIP/peer1-0001"}, {"State", "Up"}}));
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"Status"}));
}

TEST_F(ChannelPlugin, ChannelInfoWithNoChannelsIsAnEmptyList) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success({{"EventList", "start"}}); });
  const auto reply = host.run("ChannelInfo");
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  EXPECT_TRUE(reply.records.empty());
}

TEST_F(ChannelPlugin, ChannelInfoOnUnknownVersionFallsBackToStatus) {
  asterisk(0);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "CoreShowChannels") return unknown("CoreShowChannels");
    return FakeHost::Answer::success({{"Message", "Channel status will follow"}});
  });
  EXPECT_TRUE(host.run("ChannelInfo").success);
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"CoreShowChannels", "Status"}));
}

TEST_F(ChannelPlugin, ChannelInfoPassesOtherErrorsBack) {
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Permission denied"); });
  const auto reply = host.run("ChannelInfo");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Permission denied");
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(ChannelPlugin, RedirectSendsBothChannelsToTheSamePlace) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Dual Redirect successful"}});
  });
  const auto reply = host.run("Redirect", {{"Channel", "SIP/a-1"},
                                           {"ExtraChannel", "SIP/b-2"},
                                           {"Context", "agents"},
                                           {"Exten", "555"},
                                           {"Priority", "1"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Dual Redirect successful");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Channel", "SIP/a-1"},
                                                       {"Context", "agents"},
                                                       {"Exten", "555"},
                                                       {"Priority", "1"},
                                                       {"ExtraChannel", "SIP/b-2"},
                                                       {"ExtraContext", "agents"},
                                                       {"ExtraExten", "555"},
                                                       {"ExtraPriority", "1"}}));
  // Asterisk 1.4 sends ExtraChannel to the same place by itself.
  asterisk(1);
  host.run("Redirect", {{"Channel", "SIP/a-1"},
                        {"ExtraChannel", "SIP/b-2"},
                        {"Context", "agents"},
                        {"Exten", "555"},
                        {"Priority", "1"}});
  EXPECT_EQ(host.actions().back().get("ExtraContext", "(none)"), "(none)");
}

TEST_F(ChannelPlugin, RedirectErrorIsAsterisks) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Channel does not exist: SIP/x");
  });
  const auto reply = host.run(
      "Redirect", {{"Channel", "SIP/x"}, {"Context", "c"}, {"Exten", "1"}, {"Priority", "1"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Channel does not exist: SIP/x");
  EXPECT_EQ(host.actions().back().get("ExtraChannel", "(none)"), "(none)");
}

TEST_F(ChannelPlugin, GetvarOnAChannelAndGlobal) {
  host.on_ami([](const AmiAction& a) {
    return FakeHost::Answer::success(
        {{"Variable", a.get("Variable")}, {"Value", a.get("Channel").empty() ? "hello" : "v"}});
  });
  auto reply = host.run("Getvar", {{"Channel", "SIP/a-1"}, {"Variable", "AMIVAR"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.fields, (FieldList{{"Variable", "AMIVAR"}, {"Value", "v"}}));
  EXPECT_EQ(host.actions().back().fields(),
            (FieldList{{"Channel", "SIP/a-1"}, {"Variable", "AMIVAR"}}));
  reply = host.run("Getvar", {{"Variable", "TESTGLOBAL"}});
  EXPECT_EQ(reply.get("Value"), "hello");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Variable", "TESTGLOBAL"}}));
}

TEST_F(ChannelPlugin, GetvarErrorIsAsterisks) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::asterisk_error("No such channel"); });
  const auto reply = host.run("Getvar", {{"Channel", "SIP/x"}, {"Variable", "X"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such channel");
}

TEST_F(ChannelPlugin, SetvarWithoutValueSetsTheEmptyStringAndWithoutChannelIsGlobal) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Variable Set"}});
  });
  auto reply = host.run("Setvar", {{"Variable", "AMIGLOBAL"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Variable Set");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Variable", "AMIGLOBAL"}, {"Value", ""}}));
  host.run("Setvar", {{"Channel", "SIP/a-1"}, {"Variable", "V"}, {"Value", "set by ami"}});
  EXPECT_EQ(host.actions().back().fields(),
            (FieldList{{"Channel", "SIP/a-1"}, {"Variable", "V"}, {"Value", "set by ami"}}));
}

// ---------------------------------------------------------------- the Monitor family

TEST_F(ChannelPlugin, MonitorWhereResMonitorExists) {
  asterisk(20);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Started monitoring channel"}});
  });
  const auto reply = host.run(
      "Monitor", {{"Channel", "SIP/a-1"}, {"File", "rec"}, {"Format", "gsm"}, {"Combine", "true"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Started monitoring channel");
  EXPECT_EQ(reply.get("Recorder"), "Monitor");
  EXPECT_EQ(host.actions().back().action(), "Monitor");
  EXPECT_EQ(
      host.actions().back().fields(),
      (FieldList{{"Channel", "SIP/a-1"}, {"File", "rec"}, {"Format", "gsm"}, {"Mix", "true"}}));
}

TEST_F(ChannelPlugin, MonitorFallsBackToMixMonitorWhenAsteriskLacksMonitor) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "Monitor") return unknown("Monitor");
    return FakeHost::Answer::success();
  });
  const auto reply = host.run("Monitor", {{"Channel", "SIP/a-1"}, {"File", "rec"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.get("Recorder"), "MixMonitor");
  EXPECT_EQ(reply.get("File"), "rec.wav");
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"Monitor", "MixMonitor"}));
  EXPECT_EQ(host.actions().back().fields(),
            (FieldList{{"Channel", "SIP/a-1"}, {"File", "rec.wav"}}));
}

TEST_F(ChannelPlugin, MonitorOnAsterisk21GoesStraightToMixMonitor) {
  asterisk(22);
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  // Combine: false asks for the two legs apart, as Monitor without Mix wrote them.
  const auto reply =
      host.run("Monitor", {{"Channel", "PJSIP/100-0001"}, {"Format", "gsm"}, {"Combine", "false"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"MixMonitor"}));
  EXPECT_EQ(host.actions().back().fields(),
            (FieldList{{"Channel", "PJSIP/100-0001"},
                       {"File", "PJSIP-100-0001.gsm"},
                       {"Options", "r(PJSIP-100-0001-in.gsm)t(PJSIP-100-0001-out.gsm)"}}));
}

TEST_F(ChannelPlugin, MonitorErrorsAndABadCombine) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::asterisk_error("No such channel"); });
  auto reply = host.run("Monitor", {{"Channel", "SIP/x"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such channel");
  EXPECT_EQ(host.actions().size(), 1u);  // a real error is not a reason to try MixMonitor
  reply = host.run("Monitor", {{"Channel", "SIP/x"}, {"Combine", "perhaps"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("Combine"), std::string::npos);
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(ChannelPlugin, ChangeMonitorWhereMonitorExists) {
  asterisk(1);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Changed monitor filename"}});
  });
  const auto reply = host.run("ChangeMonitor", {{"Channel", "SIP/a-1"}, {"File", "new"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Changed monitor filename");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Channel", "SIP/a-1"}, {"File", "new"}}));
}

TEST_F(ChannelPlugin, ChangeMonitorWithoutMonitorIsAClearError) {
  asterisk(20);
  host.on_ami([](const AmiAction&) { return unknown("ChangeMonitor"); });
  auto reply = host.run("ChangeMonitor", {{"Channel", "SIP/a-1"}, {"File", "new"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("MixMonitor cannot change"), std::string::npos) << reply.message;
  EXPECT_NE(reply.message.find("StopMonitor then Monitor"), std::string::npos) << reply.message;
  asterisk(21);
  reply = host.run("ChangeMonitor", {{"Channel", "SIP/a-1"}, {"File", "new"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(host.actions().size(), 1u);  // 21+ is not even asked
}

TEST_F(ChannelPlugin, StopMonitorAndItsMixMonitorFallback) {
  asterisk(20);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Stopped monitoring channel"}});
  });
  auto reply = host.run("StopMonitor", {{"Channel", "SIP/a-1"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.get("Recorder"), "Monitor");

  host.on_ami([](const AmiAction& a) {
    if (a.action() == "StopMonitor") return unknown("StopMonitor");
    return FakeHost::Answer::success();
  });
  reply = host.run("StopMonitor", {{"Channel", "SIP/a-1"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.get("Recorder"), "MixMonitor");
  EXPECT_EQ(host.actions().back().action(), "StopMixMonitor");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Channel", "SIP/a-1"}}));

  host.on_ami([](const AmiAction& a) {
    if (a.action() == "StopMonitor") return unknown("StopMonitor");
    return FakeHost::Answer::asterisk_error("No such channel");
  });
  reply = host.run("StopMonitor", {{"Channel", "SIP/x"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such channel");
}

}  // namespace
