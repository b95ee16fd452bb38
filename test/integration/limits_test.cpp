// Per-client limits through the real binary: each is a clear error and a counted disconnect.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

std::string login(Client& c, const std::string& user, const std::string& secret = kSecret) {
  c.send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + secret + "\r\n\r\n");
  return c.read_native();
}

TEST(Limits, MaxClientsRefusesTheNextOneWithAnError) {
  AmpdInstance ampd({.server = "max_clients = 2\n"});
  auto a = ampd.connect();
  auto b = ampd.connect();
  a->read_line();
  b->read_line();
  auto c = ampd.connect();
  EXPECT_EQ(c->read_line().rfind("Asterisk Call Manager/", 0), 0u);
  EXPECT_NE(c->read_native().find("Too many clients (limit 2)"), std::string::npos);
  EXPECT_TRUE(c->closed_by_peer());
  EXPECT_NE(login(*a, "mon").find("accepted"), std::string::npos);  // the others are fine
}

TEST(Limits, LoginTimeoutClosesSilentClients) {
  AmpdInstance ampd({.server = "login_timeout = 300\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Ping\r\n\r\n");  // traffic does not count as logging in
  c->read_native();
  EXPECT_NE(c->read_native().find("Login timeout"), std::string::npos);
  EXPECT_TRUE(c->closed_by_peer());
  EXPECT_NE(ampd.process().wait_for_line("(login timeout)"), "");
}

TEST(Limits, IdleTimeoutClosesLoggedInClientsOnlyWhenSilent) {
  AmpdInstance ampd({.server = "idle_timeout = 600\n"});
  auto c = ampd.connect();
  c->read_line();
  login(*c, "mon");
  for (int i = 0; i < 4; ++i) {  // keeps talking for longer than the timeout
    usleep(250000);
    c->send("Action: Ping\r\n\r\n");
    EXPECT_NE(c->read_native().find("Pong"), std::string::npos);
  }
  EXPECT_NE(c->read_native().find("Idle timeout"), std::string::npos);
  EXPECT_TRUE(c->closed_by_peer());
}

// Sends `text` a byte at a time, `gap` apart, until ampd says something (its error before it
// closes); returns how many bytes went out.
std::size_t trickle(Client& c, const std::string& text, std::chrono::milliseconds gap) {
  std::size_t sent = 0;
  for (char ch : text) {
    pollfd answer{c.native_handle(), POLLIN, 0};
    if (::poll(&answer, 1, static_cast<int>(gap.count())) != 0) break;
    c.send(std::string(1, ch));
    ++sent;
  }
  return sent;
}

TEST(Limits, AMessageTrickledAByteAtATimeIsCutOffAtTheMessageTimeout) {
  AmpdInstance ampd({.server = "message_timeout = 600\nlogin_timeout = 0\n"});
  for (const bool logged_in : {false, true}) {
    auto c = ampd.connect();
    c->read_line();
    if (logged_in) login(*c, "mon");
    // Bytes keep coming every 50 ms; the message's first byte is what the timeout counts from.
    const auto started = std::chrono::steady_clock::now();
    const auto sent = trickle(*c, "Action: Ping\r\nActionID: " + std::string(100, 'x') + "\r\n\r\n",
                              std::chrono::milliseconds(50));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(sent, 60u) << "logged in: " << logged_in;
    EXPECT_GE(took, std::chrono::milliseconds(550));
    EXPECT_NE(c->drain(std::chrono::milliseconds(500)).find("Message not completed within 600 ms"),
              std::string::npos);
    EXPECT_TRUE(c->closed_by_peer());
  }
  // A whole message sent slowly, but within the timeout, is answered; so is the next one.
  auto c = ampd.connect();
  c->read_line();
  trickle(*c, "Action: Ping\r\n\r\n", std::chrono::milliseconds(20));
  EXPECT_NE(c->read_native().find("Pong"), std::string::npos);
  trickle(*c, "Action: Ping\r\n\r\n", std::chrono::milliseconds(20));
  EXPECT_NE(c->read_native().find("Pong"), std::string::npos);
  EXPECT_NE(ampd.process().wait_for_line("disconnected (message timeout)"), "");
}

TEST(Limits, TheIdleTimeoutCountsWholeMessagesNotBytes) {
  AmpdInstance ampd({.server = "idle_timeout = 500\nmessage_timeout = 0\n"});
  auto c = ampd.connect();
  c->read_line();
  login(*c, "mon");
  trickle(*c, "Action: Ping\r\nActionID: " + std::string(100, 'x'), std::chrono::milliseconds(50));
  EXPECT_NE(c->drain(std::chrono::milliseconds(500)).find("Idle timeout"), std::string::npos);
  EXPECT_TRUE(c->closed_by_peer());
}

TEST(Limits, ABruteForcerIsRefusedWithoutLockingOutOtherUsersOnItsAddress) {
  AmpdInstance ampd({.server = "login_attempts = 2\nlogin_backoff_initial = 3000\n"
                               "login_spray_attempts = 4\n"});
  auto c = ampd.connect();
  c->read_line();
  EXPECT_NE(login(*c, "admin", "bad").find("Authentication failed"), std::string::npos);
  EXPECT_NE(login(*c, "admin", "bad").find("Authentication failed"), std::string::npos);
  // Now even admin's right secret is refused from this address, on any connection...
  auto d = ampd.connect();
  d->read_line();
  const auto refused = login(*d, "admin");
  EXPECT_NE(refused.find("Too many failed logins: try again in 3 s"), std::string::npos) << refused;
  EXPECT_NE(ampd.process().wait_for_line("login throttle: user 'admin' from 127.0.0.1 refused "
                                         "for 3000 ms after 2 failed logins"),
            "");
  // ...but another user on the same address logs in, even after a spray of unknown names.
  for (int i = 0; i < 4; ++i) login(*c, "nobody" + std::to_string(i), "bad");
  EXPECT_NE(login(*c, "nobody9", "bad").find("Too many failed logins: try again in 3 s"),
            std::string::npos);
  EXPECT_NE(login(*d, "mon").find("Authentication accepted"), std::string::npos);
  // Each key and period is logged once, not at every refusal.
  const auto& log = ampd.process().output();
  std::size_t lines = 0;
  for (auto at = log.find("user 'admin' from 127.0.0.1 refused"); at != std::string::npos;
       at = log.find("user 'admin' from 127.0.0.1 refused", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
}

TEST(Limits, TooManyCommandsInFlight) {
  SimInstance sim;
  AmpdInstance ampd({.server = "max_in_flight = 1\n", .sections = sim.section()});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: admin\r\nSecret: secret\r\nType: administrator\r\n\r\n");
  c->read_native();
  c->send(
      "Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: 500\r\nActionID: 1\r\n\r\n"
      "Action: ServerVersion\r\nActionID: 2\r\n\r\n"
      "Action: StatisticInfo\r\nActionID: 3\r\n\r\n"
      "Action: ProfileList\r\nActionID: 4\r\n\r\n");
  // The cap covers the core's own commands as it covers the plugins'.
  for (const char* id : {"2", "3", "4"}) {
    const auto refused = c->read_native();
    EXPECT_NE(refused.find("ActionID: " + std::string(id)), std::string::npos) << refused;
    EXPECT_NE(refused.find("Too many commands in flight (limit 1)"), std::string::npos) << refused;
  }
  EXPECT_NE(c->read_native().find("ActionID: 1"), std::string::npos);
}

}  // namespace
}  // namespace ampd::test
