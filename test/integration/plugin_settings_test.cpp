// A plugin's own settings ([plugin.NAME]) and its Asterisk events, through the real daemon with
// the SDK's second example (sdk/examples/event_counter) and the simulator.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

// A plugin directory with the example and the custom plugin (to make the simulator act).
struct PluginDir {
  PluginDir() {
    std::filesystem::create_symlink(EVENT_COUNTER_PLUGIN, dir.file("eventcounter.so"));
    std::filesystem::create_symlink(AMPD_BUILD_PLUGIN_DIR "/custom.so", dir.file("custom.so"));
  }
  std::string line() const { return "plugins = " + dir.path() + "\n"; }
  TempDir dir;
};

std::unique_ptr<Client> admin(const AmpdInstance& ampd) {
  auto c = ampd.connect();
  c->read_line();
  c->send(
      "Action: Login\r\nUsername: admin\r\nSecret: secret\r\nType: administrator\r\n"
      "Events: on\r\n\r\n");
  EXPECT_NE(c->read_native().find("accepted"), std::string::npos);
  return c;
}

// Runs one queue call and waits until its last event has reached the client (and so the
// plugin, which hears each event before the clients do).
void queue_call(Client& c) {
  c.send(
      "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: answer\r\n"
      "Interface: Local/100@agents\r\nWaitMs: 10\r\nTalkMs: 10\r\n\r\n");
  for (int i = 0; i < 300; ++i) {
    const auto m = c.read_native();
    ASSERT_FALSE(m.empty()) << "no AgentComplete";
    if (m.find("Event: AgentComplete") != std::string::npos) return;
  }
  FAIL() << "no AgentComplete";
}

// EventCount's whole answer: the response, its records, the Complete event.
std::string event_count(Client& c, const std::string& args = "") {
  c.send("Action: EventCount\r\nActionID: count\r\n" + args + "\r\n");
  std::string all;
  for (int i = 0; i < 300; ++i) {
    const auto m = c.read_native();
    if (m.empty()) break;
    if (m.find("ActionID: count\r\n") == std::string::npos) continue;  // an event
    all += m;
    if (m.find("Response: Error") != std::string::npos) break;
    if (m.find("Event: EventCountComplete") != std::string::npos) break;
  }
  return all;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(PluginSettings, APluginCountsTheEventsItsSettingsName) {
  SimInstance sim;
  PluginDir plugins;
  AmpdInstance ampd({.server = plugins.line(),
                     .sections = sim.section() +
                                 "[plugin.eventcounter]\nevents = QueueCallerJoin, AgentComplete, "
                                 "queuecallerjoin\nMax_Kinds = 10\n",
                     .plugins = false});
  auto c = admin(ampd);
  queue_call(*c);
  const auto counted = event_count(*c);
  EXPECT_TRUE(has(counted, "Server: pbx\r\nEvent: QueueCallerJoin\r\nCount: 1\r\n")) << counted;
  EXPECT_TRUE(has(counted, "Event: AgentComplete\r\nCount: 1\r\n")) << counted;
  EXPECT_FALSE(has(counted, "Event: AgentConnect")) << "an event the settings do not name";
  EXPECT_TRUE(has(event_count(*c, "Event: agentcomplete\r\n"), "Count: 1")) << counted;
  EXPECT_FALSE(has(event_count(*c, "Event: agentcomplete\r\n"), "QueueCallerJoin"));
}

TEST(PluginSettings, ABadSettingRefusesThePluginAndCheckConfigSaysWhy) {
  SimInstance sim;
  PluginDir plugins;
  AmpdInstance ampd({.server = plugins.line(),
                     .sections = sim.section() + "[plugin.eventcounter]\nmax_kinds = lots\n",
                     .plugins = false});
  auto c = admin(ampd);
  // No command of that name: passed through, and Asterisk does not know it either.
  EXPECT_TRUE(has(event_count(*c), "Invalid/unknown command: EventCount"));
  EXPECT_TRUE(has(ampd.process().output(), "refused plugin")) << ampd.process().output();

  std::string out;
  EXPECT_NE(
      run_command({AMPD_BINARY, "--check-config", "--config-file=" + ampd.dir().file("ampd.ini")},
                  "", out),
      0);
  EXPECT_TRUE(has(out, "[plugin.eventcounter] max_kinds: 'lots' is not an integer")) << out;
  EXPECT_FALSE(has(out, "no plugin of that name")) << "it was refused, not missing:\n" << out;

  // A key the plugin never declares is a typo, and says which keys there are.
  TempDir other;
  other.write("users.ini", "");
  other.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\n" + plugins.line() +
                              "[plugin.eventcounter]\nmax_kind = 5\n[plugin.nosuch]\nx = 1\n");
  out.clear();
  EXPECT_NE(run_command({AMPD_BINARY, "--check-config", "--config-file=" + other.file("ampd.ini")},
                        "", out),
            0);
  EXPECT_TRUE(has(out,
                  "[plugin.eventcounter] max_kind: no such setting (it has: count_ours, "
                  "events, keep_counts, max_kinds)"))
      << out;
  EXPECT_TRUE(has(out, "[plugin.nosuch]: no plugin of that name")) << out;
}

TEST(PluginSettings, SighupGivesThePluginItsNewSettings) {
  SimInstance sim;
  PluginDir plugins;
  AmpdInstance ampd(
      {.server = plugins.line(),
       .sections = sim.section() + "[plugin.eventcounter]\nevents = QueueCallerJoin\n",
       .plugins = false});
  auto c = admin(ampd);
  queue_call(*c);
  auto counted = event_count(*c);
  EXPECT_TRUE(has(counted, "Event: QueueCallerJoin\r\nCount: 1\r\n")) << counted;

  std::ifstream in(ampd.dir().file("ampd.ini"));
  std::stringstream config;
  config << in.rdbuf();
  auto text = config.str();
  const auto at = text.find("events = QueueCallerJoin");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 24, "events = AgentComplete");
  ampd.dir().write("ampd.ini", text);
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("plugins reloaded"), "");

  queue_call(*c);
  counted = event_count(*c);
  EXPECT_TRUE(has(counted, "Event: AgentComplete\r\nCount: 1\r\n")) << counted;
  EXPECT_FALSE(has(counted, "QueueCallerJoin")) << "counts start again with the new settings";
}

// With keep_counts the plugin keeps its counts across the reload (keep_state in unload(),
// kept_state in the next load()).
TEST(PluginSettings, APluginKeepsItsStateAcrossAReload) {
  SimInstance sim;
  PluginDir plugins;
  AmpdInstance ampd(
      {.server = plugins.line(),
       .sections =
           sim.section() + "[plugin.eventcounter]\nevents = AgentComplete\nkeep_counts = yes\n",
       .plugins = false});
  auto c = admin(ampd);
  queue_call(*c);
  EXPECT_TRUE(has(event_count(*c), "Event: AgentComplete\r\nCount: 1\r\n"));
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("plugins reloaded"), "");
  queue_call(*c);
  const auto counted = event_count(*c);
  EXPECT_TRUE(has(counted, "Event: AgentComplete\r\nCount: 2\r\n")) << counted;
}

}  // namespace
}  // namespace ampd::test
