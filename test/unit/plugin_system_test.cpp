#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

#include "system/system_plugin.hpp"

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiStatus;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;

class SystemPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_system_plugin); }
  void asterisk(int major, std::string version, std::string ami) {
    host.set_server({"pbx", true, major, std::move(version), std::move(ami)});
  }
  FakeHost host;
};

TEST_F(SystemPlugin, DeclaresItsCommands) {
  ASSERT_NE(host.command("ServerVersion"), nullptr);
  EXPECT_EQ(host.command("ServerVersion")->privilege, Privilege::Monitor);
  ASSERT_NE(host.command("Command"), nullptr);
  EXPECT_EQ(host.command("Command")->privilege, Privilege::Administrator);
  // A missing Command is refused by the core before the handler runs.
  EXPECT_TRUE(host.command("Command")->requires_arg("command"));
}

TEST_F(SystemPlugin, ServerVersionOnModernAsteriskUsesCoreSettings) {
  asterisk(20, "20.20.1", "9.0.0");
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "CoreSettings");
    return FakeHost::Answer::success({{"AMIversion", "9.0.0"}, {"AsteriskVersion", "20.20.1"}});
  });
  const auto reply = host.run("ServerVersion");
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.get("AsteriskVersion"), "20.20.1");
  EXPECT_EQ(reply.get("AMIversion"), "9.0.0");
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(SystemPlugin, ServerVersionOnAsterisk14AsksTheCli) {
  asterisk(1, "", "1.0");
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    EXPECT_EQ(a.get("Command"), "core show version");
    auto answer = FakeHost::Answer::success();
    answer.output = {"Asterisk 1.4.44 built by root @ vm on a x86_64 running Linux"};
    return answer;
  });
  const auto reply = host.run("ServerVersion");
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.get("AsteriskVersion"), "1.4.44");
  EXPECT_EQ(reply.get("AMIversion"), "1.0");
}

TEST_F(SystemPlugin, ServerVersionWithUnknownVersionFallsBackToTheCli) {
  asterisk(0, "", "1.0");
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "CoreSettings") {
      return FakeHost::Answer::asterisk_error("Invalid/unknown command: CoreSettings.");
    }
    auto answer = FakeHost::Answer::success();
    answer.output = {"Asterisk 1.4.44 built by root"};
    return answer;
  });
  EXPECT_EQ(host.run("ServerVersion").get("AsteriskVersion"), "1.4.44");
  EXPECT_EQ(host.actions().size(), 2u);
}

TEST_F(SystemPlugin, ServerVersionPassesLinkErrorsBack) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Timeout, "Asterisk did not answer in time");
  });
  const auto reply = host.run("ServerVersion");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Asterisk did not answer in time");
}

TEST_F(SystemPlugin, CommandReturnsOutputLines) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    EXPECT_EQ(a.get("Command"), "sip show peers");
    EXPECT_EQ(a.get("ActionID"), "");  // the client's ActionID is not the plugin's business
    auto answer = FakeHost::Answer::success({{"Message", "Command output follows"}});
    answer.output = {"Name/username  Host", "", "1 sip peers"};
    return answer;
  });
  const auto reply = host.run(
      "command", {{"Action", "Command"}, {"ActionID", "9"}, {"Command", "sip show peers"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.get_all("Output"),
            (std::vector<std::string>{"Name/username  Host", "", "1 sip peers"}));
}

TEST_F(SystemPlugin, CommandErrorIsAsterisksOwnMessage) {
  host.on_ami([](const AmiAction&) {
    // Modern Asterisk: Response: Error, the reason in the Output lines.
    auto answer = FakeHost::Answer::asterisk_error("Command output follows");
    answer.output = {
        "No such command 'foo bar' (type 'core show help foo bar' for other "
        "possible commands)"};
    return answer;
  });
  auto reply = host.run("Command", {{"Command", "foo bar"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message,
            "No such command 'foo bar' (type 'core show help foo bar' for other possible "
            "commands)");

  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Permission denied"); });
  reply = host.run("Command", {{"Command", "core show version"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Permission denied");
}

}  // namespace
