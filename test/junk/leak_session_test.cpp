// A session of logins, commands, events and disconnects against the real ampd, which is then
// stopped with SIGTERM and must exit with status 0. Run under a leak checker this is the leak
// test: in the asan build LeakSanitizer runs at ampd's exit (a leak makes the status non-zero),
// and the leak_session_valgrind ctest runs ampd under valgrind --leak-check=full
// --error-exitcode=1 (AMPD_TEST_WRAPPER).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

std::string login(Client& c, const std::string& user, const std::string& extra) {
  c.send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + kSecret + "\r\n" + extra + "\r\n");
  return c.read_native();
}

TEST(LeakSession, LoginsCommandsEventsAndDisconnectsThenCleanExit) {
  SimInstance sim({"--events-per-second", "50"});
  AmpdSetup o;
  o.log_to_file = true;
  o.level = "information";
  o.sections = sim.section();
  o.wrapper = wrapper_from_environment();
  const bool slow = !o.wrapper.empty();
  const auto timeout = slow ? std::chrono::milliseconds(30s) : std::chrono::milliseconds(5s);
  if (slow) o.start_timeout = 60s;
  AmpdInstance ampd(o);

  for (int round = 0; round < 3; ++round) {
    // An administrator with events, running commands that reach Asterisk.
    {
      Client c(ampd.port(), timeout);
      ASSERT_EQ(c.read_line(), "Asterisk Call Manager/9.0.0\r\n");  // the simulator's
      ASSERT_NE(login(c, "admin", "Type: administrator\r\n").find("Success"), std::string::npos);
      c.send("Action: ServerVersion\r\nActionID: v\r\n\r\n");
      EXPECT_NE(c.read_until("ActionID: v").find("ActionID: v"), std::string::npos);
      c.send("Action: Command\r\nCommand: core show version\r\nActionID: c\r\n\r\n");
      EXPECT_NE(c.read_until("ActionID: c").find("ActionID: c"), std::string::npos);
      c.send("Action: DBPut\r\nFamily: leak\r\nKey: k\r\nVal: v" + std::to_string(round) +
             "\r\nActionID: p\r\n\r\n");
      EXPECT_NE(c.read_until("ActionID: p").find("ActionID: p"), std::string::npos);
      c.send("Action: DBGet\r\nFamily: leak\r\nKey: k\r\nActionID: g\r\n\r\n");
      EXPECT_NE(c.read_until("ActionID: g").find("ActionID: g"), std::string::npos);
      c.send("Action: QueueStatus\r\nActionID: q\r\n\r\n");
      EXPECT_NE(c.read_until("ActionID: q").find("ActionID: q"), std::string::npos);
      // Events arrive (the simulator makes 50 a second).
      EXPECT_NE(c.read_until("Event: ").find("Event: "), std::string::npos);
      c.send("Action: Logoff\r\n\r\n");
      EXPECT_TRUE(c.closed_by_peer());
    }
    // An XML monitor that hangs up with a command in flight.
    {
      Client c(ampd.port(), timeout);
      c.read_line();
      c.send("<command action=\"register\" user=\"mon\" secret=\"secret\" format=\"xml\"/>");
      EXPECT_NE(c.read_line().find("Success"), std::string::npos);
      c.send("<command action=\"serverversion\"/><command action=\"queuestatus\"/>");
    }
    // An agent, and a client that never logs in, and a failed login.
    {
      Client c(ampd.port(), timeout);
      c.read_line();
      EXPECT_NE(login(c, "agent1", "Type: agent\r\nAgentID: 1001\r\n").find("Success"),
                std::string::npos);
      Client idle(ampd.port(), timeout);
      idle.read_line();
      idle.send("Action: Ping\r\n\r\n");
      idle.read_native();
      Client bad(ampd.port(), timeout);
      bad.read_line();
      EXPECT_NE(login(bad, "mon", "Format: nonsense\r\n").find("Error"), std::string::npos);
      c.send("Action: Ping\r\n\r\n");
      c.read_native();
    }
  }
  std::this_thread::sleep_for(200ms);
  ampd.process().signal(SIGTERM);
  const int status = ampd.process().wait(slow ? 120s : 20s);
  EXPECT_EQ(status, 0) << "ampd's exit status (non-zero: a leak or memory error was reported)\n"
                       << ampd.process().output().substr(0, 20000);
}

}  // namespace
}  // namespace ampd::test
