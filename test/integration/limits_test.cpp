// Per-client limits through the real binary: each is a clear error and a counted disconnect.
#include <gtest/gtest.h>
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
  EXPECT_EQ(c->read_line(), "Asterisk Call Manager/1.1\r\n");
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

TEST(Limits, FailedLoginsAreThrottledPerAddress) {
  AmpdInstance ampd({.server = "login_attempts = 2\nlogin_window = 60000\n"});
  auto c = ampd.connect();
  c->read_line();
  EXPECT_NE(login(*c, "mon", "bad").find("Authentication failed"), std::string::npos);
  EXPECT_NE(login(*c, "mon", "bad").find("Authentication failed"), std::string::npos);
  // Even the right secret is refused now, from any connection of this address.
  auto d = ampd.connect();
  d->read_line();
  const auto refused = login(*d, "mon");
  EXPECT_NE(refused.find("Too many failed logins from this address: try again in "),
            std::string::npos)
      << refused;
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
