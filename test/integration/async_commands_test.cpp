// Asynchronous plugin commands (ServerVersion, Command, Custom, CustomFreeForm) through the real
// ampd and simulator: many at once, a client leaving while its command waits for Asterisk, and
// a SIGHUP while one waits. The simulator's SimSleep holds one Asterisk session; ampd has two.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Client> login(const AmpdInstance& ampd) {
  auto c = ampd.connect();
  c->read_line();
  c->send(
      "Action: Login\r\nUsername: admin\r\nSecret: secret\r\nType: administrator\r\n"
      "Events: off\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::string action_id(const std::string& message) {
  const auto at = message.find("ActionID: ");
  if (at == std::string::npos) return {};
  return message.substr(at + 10, message.find("\r\n", at) - at - 10);
}

std::string sleep_for(int ms, const std::string& id) {
  return "Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: " + std::to_string(ms) +
         "\r\nActionID: " + id + "\r\n\r\n";
}

const std::string kCommand = "Action: Command\r\nCommand: core show version\r\n";

// Sent in one write, answered in whatever order Asterisk answers: each with its own ActionID.
TEST(AsyncCommands, ManyAtOnceEachAnswerKeepsItsActionId) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto a = login(ampd);
  auto b = login(ampd);
  constexpr int kRounds = 7;  // 28 commands: under the default max_in_flight of 32
  std::string batch;
  for (int i = 0; i < kRounds; ++i) {
    const auto n = std::to_string(i);
    batch += "Action: ServerVersion\r\nActionID: v" + n + "\r\n\r\n";
    batch += kCommand + "ActionID: c" + n + "\r\n\r\n";
    batch += "Action: Custom\r\nCAction: Ping\r\nActionID: p" + n + "\r\n\r\n";
    batch +=
        "Action: CustomFreeForm\r\nCAction: Command\r\nCommand: core show version\r\n"
        "ActionID: f" +
        n + "\r\n\r\n";
  }
  a->send(batch);
  b->send(batch);  // the same ActionIDs from another client never cross
  for (auto* client : {a.get(), b.get()}) {
    std::map<std::string, std::string> answers;
    for (int i = 0; i < 4 * kRounds; ++i) {
      const auto m = client->read_native();
      ASSERT_NE(m, "") << "answer " << i << " missing";
      const auto id = action_id(m);
      EXPECT_EQ(answers.count(id), 0u) << "two answers for " << id;
      answers[id] = m;
    }
    for (int i = 0; i < kRounds; ++i) {
      const auto n = std::to_string(i);
      EXPECT_TRUE(has(answers["v" + n], "Response: Success")) << answers["v" + n];
      EXPECT_TRUE(has(answers["v" + n], "AsteriskVersion: 20.20.1")) << answers["v" + n];
      EXPECT_TRUE(has(answers["c" + n], "Output: Asterisk 20")) << answers["c" + n];
      EXPECT_TRUE(has(answers["p" + n], "Ping: Pong")) << answers["p" + n];
      EXPECT_TRUE(has(answers["f" + n], "Output: Asterisk 20")) << answers["f" + n];
    }
    EXPECT_EQ(client->drain(200ms), "");
  }
}

// Both Asterisk sessions sleep, so the Command waits behind them when its client goes; its
// answer arrives for nobody. Other clients are served throughout, and ampd stops cleanly.
TEST(AsyncCommands, AClientLeavingWhileItsCommandWaitsHarmsNoOne) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  {
    auto gone = login(ampd);
    gone->send(sleep_for(1000, "s1") + sleep_for(1000, "s2") + kCommand + "ActionID: c\r\n\r\n" +
               "Action: ServerVersion\r\nActionID: v\r\n\r\n");
    std::this_thread::sleep_for(200ms);
  }
  auto other = login(ampd);
  other->send(kCommand + "ActionID: during\r\n\r\n");
  auto answer = other->read_native();  // behind the sleeps, like everything else
  EXPECT_TRUE(has(answer, "ActionID: during\r\n")) << answer;
  EXPECT_TRUE(has(answer, "Output: Asterisk 20")) << answer;
  // By now the departed client's answers have all come back.
  std::this_thread::sleep_for(200ms);
  other->send("Action: ServerVersion\r\nActionID: after\r\n\r\n");
  answer = other->read_native();
  EXPECT_TRUE(has(answer, "ActionID: after\r\n")) << answer;
  EXPECT_TRUE(has(answer, "AsteriskVersion: 20.20.1")) << answer;
  EXPECT_EQ(other->drain(200ms), "") << "nothing of the other client's reached this one";

  ampd.process().signal(SIGTERM);
  EXPECT_EQ(ampd.process().wait(), 0) << ampd.process().output();
}

// The Command waits behind two sleeps when SIGHUP comes: the system plugin must stay loaded
// until its answer has gone out.
TEST(AsyncCommands, HupWhileACommandWaitsKeepsItsPlugin) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd);
  c->send(sleep_for(2000, "s1") + sleep_for(2000, "s2") + kCommand + "ActionID: cmd\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded:"), "");
  // No swap while the sleeps last; output() alone would race with the log pipe.
  EXPECT_EQ(ampd.process().wait_for_line("plugins reloaded", 700ms), "") << "swapped too early";
  std::map<std::string, std::string> answers;
  for (int i = 0; i < 3; ++i) {
    const auto m = c->read_native();
    ASSERT_NE(m, "") << ampd.process().output();
    answers[action_id(m)] = m;
  }
  EXPECT_TRUE(has(answers["cmd"], "Output: Asterisk 20")) << answers["cmd"];
  EXPECT_TRUE(has(answers["s1"], "Slept")) << answers["s1"];
  EXPECT_NE(ampd.process().wait_for_line("plugins reloaded"), "");
  c->send(kCommand + "ActionID: after\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_TRUE(has(answer, "Output: Asterisk 20")) << answer;
}

// In flight counts a command whose client has gone: the swap still waits for its answer.
TEST(AsyncCommands, HupWaitsForACommandWhoseClientHasGone) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  {
    auto gone = login(ampd);
    gone->send(sleep_for(2000, "gone"));
    std::this_thread::sleep_for(200ms);
  }
  std::this_thread::sleep_for(100ms);  // ampd has seen the client close
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded:"), "");
  // No swap while the sleeps last; output() alone would race with the log pipe.
  EXPECT_EQ(ampd.process().wait_for_line("plugins reloaded", 700ms), "") << "swapped too early";
  EXPECT_NE(ampd.process().wait_for_line("plugins reloaded"), "");
  auto c = login(ampd);
  c->send("Action: Custom\r\nCAction: Ping\r\nActionID: after\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_TRUE(has(answer, "Ping: Pong")) << answer;
  EXPECT_TRUE(has(answer, "ActionID: after\r\n")) << answer;
}

// SIGTERM lets a command waiting for Asterisk finish first: its answer, then the goodbye.
TEST(AsyncCommands, ShutdownWaitsForACommandInFlight) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd);
  auto other = login(ampd);
  c->send(sleep_for(600, "last"));
  std::this_thread::sleep_for(200ms);
  ampd.process().signal(SIGTERM);
  std::this_thread::sleep_for(100ms);
  // Meanwhile every command of the table is refused, the core's own as the plugins'.
  for (const char* action : {"ServerVersion", "StatisticInfo", "ProfileList"}) {
    other->send("Action: " + std::string(action) + "\r\nActionID: late\r\n\r\n");
    const auto refused = other->read_native();
    EXPECT_TRUE(has(refused, "ampd is shutting down")) << action << "\n" << refused;
    EXPECT_TRUE(has(refused, "ActionID: late\r\n")) << refused;
  }
  const auto answer = c->read_native();
  EXPECT_TRUE(has(answer, "ActionID: last\r\n")) << answer;
  EXPECT_TRUE(has(answer, "Slept")) << answer;
  EXPECT_TRUE(has(c->read_native(), "Event: Shutdown"));
  EXPECT_EQ(ampd.process().wait(), 0) << ampd.process().output();
}

// SIGTERM gives up on a command that waits longer than shutdown_timeout: ampd says goodbye,
// fails the action when its link goes, and exits 0 (under ASan: without a leak or a crash).
TEST(AsyncCommands, ShutdownGivesUpOnACommandStillWaiting) {
  SimInstance sim;
  AmpdInstance ampd({.server = "shutdown_timeout = 300\n", .sections = sim.section()});
  auto c = login(ampd);
  c->send(sleep_for(3000, "s1") + sleep_for(3000, "s2") + kCommand + "ActionID: cmd\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  const auto start = std::chrono::steady_clock::now();
  ampd.process().signal(SIGTERM);
  EXPECT_TRUE(has(c->read_native(), "Event: Shutdown"));
  EXPECT_EQ(ampd.process().wait(), 0) << ampd.process().output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms) << "it waited for Asterisk";
}

}  // namespace
}  // namespace ampd::test

namespace ampd::test {
namespace {

// An async command its plugin never finishes: after command_timeout the client gets an error
// and the log names the plugin and the command; it holds neither a reload nor a shutdown past
// shutdown_timeout, and the plugin's late finish (at unload) harms nothing.
TEST(AsyncCommands, ACommandNeverFinishedIsGivenUpAndHoldsNothing) {
  AmpdInstance ampd(
      {.server = "plugins = " HOLDER_PLUGIN_DIR "\ncommand_timeout = 500\nshutdown_timeout = 300\n",
       .plugins = false});
  auto c = login(ampd);
  const auto start = std::chrono::steady_clock::now();
  c->send("Action: HoldForever\r\nActionID: h1\r\n\r\n");
  auto answer = c->read_native();
  EXPECT_TRUE(has(answer, "ActionID: h1\r\n")) << answer;
  EXPECT_TRUE(has(answer, "Command did not finish: plugin holder gave no answer")) << answer;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);
  EXPECT_TRUE(ampd.wait_for_log("HoldForever (plugin holder) not finished after", 2s));

  c->send("Action: FinishEarly\r\nActionID: f1\r\n\r\n");
  answer = c->read_native();
  EXPECT_TRUE(has(answer, "Early: yes")) << answer;
  EXPECT_FALSE(has(answer, "Late")) << answer;

  // A reload waits for a held command at most shutdown_timeout, then swaps the plugins.
  c->send("Action: HoldForever\r\nActionID: h2\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  ampd.process().signal(SIGHUP);
  EXPECT_TRUE(ampd.wait_for_log("old ones stay loaded", 3s)) << ampd.log();
  EXPECT_TRUE(ampd.wait_for_log("plugins reloaded", 3s));
  answer = c->read_native();
  EXPECT_TRUE(has(answer, "ActionID: h2\r\n")) << answer;
  EXPECT_TRUE(has(answer, "Command did not finish")) << answer;

  c->send("Action: HoldForever\r\nActionID: h3\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  const auto stop = std::chrono::steady_clock::now();
  ampd.process().signal(SIGTERM);
  EXPECT_EQ(ampd.process().wait(), 0) << ampd.log();
  EXPECT_LT(std::chrono::steady_clock::now() - stop, 2s);
}

}  // namespace
}  // namespace ampd::test
