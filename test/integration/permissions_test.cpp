// The permission matrix: every command against every client type, through the real binaries.
#include <gtest/gtest.h>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

enum Need { kMonitor = 0, kAgent = 1, kAdministrator = 2 };

struct CommandCase {
  const char* name;
  Need need;
  const char* args;  // enough required arguments to pass the core's checks
};

// Agent-level commands name the agent's own id/interface, so only privilege decides here.
const CommandCase kCommands[] = {
    {"AbsoluteTimeout", kAdministrator, "Channel: Local/x\r\nTimeout: 5\r\n"},
    {"AgentActivity", kMonitor, "Agent: 1001\r\n"},
    {"AgentCallbackLogin", kAgent, "Agent: 1001\r\nExten: 1001\r\nContext: default\r\n"},
    {"AgentInfo", kMonitor, ""},
    {"AgentLogoff", kAgent, "Agent: 1001\r\n"},
    {"ChangeMonitor", kAdministrator, "Channel: Local/x\r\nFile: f\r\n"},
    {"ChannelInfo", kMonitor, ""},
    {"Command", kAdministrator, "Command: core show version\r\n"},
    {"Custom", kAdministrator, "CAction: Ping\r\n"},
    {"CustomFreeForm", kAdministrator, "CAction: Ping\r\n"},
    {"DBDel", kAdministrator, "Family: f\r\nKey: k\r\n"},
    {"DBDeltree", kAdministrator, "Family: f\r\n"},
    {"DBGet", kMonitor, "Family: f\r\nKey: k\r\n"},
    {"DBPut", kAdministrator, "Family: f\r\nKey: k\r\nVal: v\r\n"},
    {"DBShow", kMonitor, ""},
    {"Events", kMonitor, "EventMask: off\r\n"},
    {"ExtensionState", kMonitor, "Exten: 100\r\nContext: default\r\n"},
    {"Getvar", kMonitor, "Variable: X\r\n"},
    {"Hangup", kAdministrator, "Channel: Local/x\r\n"},
    {"MailboxCount", kMonitor, "Mailbox: 100\r\nContext: default\r\n"},
    {"MailboxStatus", kMonitor, "Mailbox: 100\r\nContext: default\r\n"},
    {"Monitor", kAdministrator, "Channel: Local/x\r\n"},
    {"Originate", kAdministrator,
     "Channel: Local/x\r\nApplication: Wait\r\nData: 1\r\nAsync: true\r\n"},
    {"ParkedCallInfo", kMonitor, ""},
    {"PeerInfo", kMonitor, ""},
    {"Ping", kMonitor, ""},
    {"ProfileGet", kAdministrator, "Username: mon\r\n"},
    {"ProfileList", kAdministrator, ""},
    {"QueueAdd", kAgent, "Queue: support\r\nInterface: Agent/1001\r\n"},
    {"QueueInfo", kMonitor, ""},
    {"QueuePause", kAgent, "Queue: support\r\nInterface: Agent/1001\r\n"},
    {"QueueRemove", kAgent, "Queue: support\r\nInterface: Agent/1001\r\n"},
    {"Redirect", kAdministrator, "Channel: Local/x\r\nContext: c\r\nExten: e\r\nPriority: 1\r\n"},
    {"ServerVersion", kMonitor, ""},
    {"Setvar", kAdministrator, "Variable: X\r\nValue: 1\r\n"},
    {"SIPshowpeer", kMonitor, "Peer: peer1\r\n"},
    {"StatisticInfo", kMonitor, ""},
    {"StopMonitor", kAdministrator, "Channel: Local/x\r\n"},
};

const char* kNeedName[] = {"monitor", "agent", "administrator"};

class PermissionMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = new SimInstance();
    ampd_ = new AmpdInstance({.server = "login_attempts = 0\n", .sections = sim_->section()});
  }
  static void TearDownTestSuite() {
    delete ampd_;
    delete sim_;
  }
  static std::unique_ptr<Client> as(const std::string& user, const std::string& type) {
    auto c = ampd_->connect();
    c->read_line();
    c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\nType: " + type +
            "\r\nEvents: off\r\n\r\n");
    EXPECT_NE(c->read_native().find("accepted"), std::string::npos);
    return c;
  }
  // The first message answering ActionID `id` (list answers start with the response).
  static std::string answer(Client& c, const std::string& id) {
    for (int i = 0; i < 500; ++i) {
      const auto m = c.read_native();
      if (m.empty() || m.find("ActionID: " + id + "\r\n") != std::string::npos) return m;
    }
    return {};
  }
  static inline SimInstance* sim_ = nullptr;
  static inline AmpdInstance* ampd_ = nullptr;
};

TEST_F(PermissionMatrix, EveryCommandForEveryType) {
  struct Who {
    const char* user;
    const char* type;
    Need rank;
  };
  const Who clients[] = {{"mon", "monitor", kMonitor},
                         {"agent1", "agent", kAgent},
                         {"admin", "administrator", kAdministrator}};
  for (const auto& who : clients) {
    auto c = as(who.user, who.type);
    int n = 0;
    for (const auto& command : kCommands) {
      const auto id = std::string(who.type) + "-" + std::to_string(++n);
      c->send("Action: " + std::string(command.name) + "\r\nActionID: " + id + "\r\n" +
              command.args + "\r\n");
      const auto got = answer(*c, id);
      ASSERT_FALSE(got.empty()) << who.type << " " << command.name;
      const auto denied = "Permission denied: " + std::string(command.name) + " requires " +
                          kNeedName[command.need] + " privilege";
      if (who.rank < command.need) {
        EXPECT_NE(got.find(denied), std::string::npos) << who.type << " " << command.name << "\n"
                                                       << got;
      } else {
        EXPECT_EQ(got.find("Permission denied"), std::string::npos)
            << who.type << " " << command.name << "\n"
            << got;
      }
    }
  }
}

TEST_F(PermissionMatrix, AnAgentActsOnlyForItself) {
  auto c = as("agent1", "agent");
  c->send("Action: QueueAdd\r\nQueue: support\r\nInterface: Agent/1002\r\nActionID: o\r\n\r\n");
  const auto got = answer(*c, "o");
  EXPECT_NE(got.find("Response: Error"), std::string::npos) << got;
  EXPECT_NE(got.find("1001"), std::string::npos) << got;
  c->send("Action: AgentLogoff\r\nAgent: 1002\r\nActionID: p\r\n\r\n");
  EXPECT_NE(answer(*c, "p").find("Response: Error"), std::string::npos);
}

TEST(Permissions, ConfigOverridesAPluginsDefault) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section() + "[permissions]\nOriginate = agent\n"
                                                 "ServerVersion = administrator\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: agent1\r\nSecret: secret\r\nEvents: off\r\n\r\n");
  c->read_native();
  c->send("Action: ServerVersion\r\n\r\n");
  EXPECT_NE(c->read_native().find("ServerVersion requires administrator privilege"),
            std::string::npos);
  c->send(
      "Action: Originate\r\nChannel: Local/100@agents\r\nApplication: Wait\r\nData: 1\r\n"
      "Async: true\r\n\r\n");
  EXPECT_EQ(c->read_native().find("Permission denied"), std::string::npos);
}

// The core's own commands are in the same table: [permissions] raises or lowers them too, and
// a command open before login needs a login once it is given a privilege. Login stays open.
TEST(Permissions, ConfigCoversTheCoresOwnCommands) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section() +
                                 "[permissions]\nStatisticInfo = administrator\n"
                                 "ProfileList = monitor\nPing = agent\nLogin = administrator\n"});
  auto before = ampd.connect();
  before->read_line();
  before->send("Action: Ping\r\nActionID: p0\r\n\r\n");
  // Asterisk's words before a login: the client may be one written for Asterisk.
  EXPECT_NE(before->read_native().find("Permission denied"), std::string::npos);

  auto mon = ampd.connect();
  mon->read_line();
  mon->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\nEvents: off\r\n\r\n");
  ASSERT_NE(mon->read_native().find("accepted"), std::string::npos) << "Login stays open";
  mon->send("Action: StatisticInfo\r\nActionID: s1\r\n\r\n");
  auto got = mon->read_native();
  EXPECT_NE(got.find("Permission denied: StatisticInfo requires administrator privilege"),
            std::string::npos)
      << got;
  mon->send("Action: Ping\r\nActionID: p1\r\n\r\n");
  got = mon->read_native();
  EXPECT_NE(got.find("Permission denied: Ping requires agent privilege"), std::string::npos) << got;
  mon->send("Action: ProfileList\r\nActionID: l1\r\n\r\n");
  got = mon->read_native();
  EXPECT_NE(got.find("Response: Success"), std::string::npos) << got;

  auto admin = ampd.connect();
  admin->read_line();
  admin->send(
      "Action: Login\r\nUsername: admin\r\nSecret: secret\r\nType: administrator\r\n"
      "Events: off\r\n\r\n");
  ASSERT_NE(admin->read_native().find("accepted"), std::string::npos);
  admin->send("Action: StatisticInfo\r\nActionID: s2\r\n\r\n");
  got = admin->read_native();
  EXPECT_NE(got.find("Response: Success"), std::string::npos) << got;
  EXPECT_NE(ampd.process().output().find("[permissions] Login: logging in needs no privilege"),
            std::string::npos);
}

}  // namespace
}  // namespace ampd::test
