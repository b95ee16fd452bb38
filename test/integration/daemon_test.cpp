// The daemon's command-line options through the real binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

TEST(AmpdDaemon, VersionAndHelp) {
  std::string out;
  EXPECT_EQ(run_command({AMPD_BINARY, "--version"}, "", out), 0);
  EXPECT_EQ(out.rfind("ampd ", 0), 0u);
  out.clear();
  EXPECT_EQ(run_command({AMPD_BINARY, "--help"}, "", out), 0);
  for (const char* option :
       {"--config-file", "--daemon", "--pidfile", "--check-config", "--hash-secret", "--version"}) {
    EXPECT_NE(out.find(option), std::string::npos) << option;
  }
}

TEST(AmpdDaemon, HashSecretOutputLogsIn) {
  std::string hash;
  ASSERT_EQ(run_command({AMPD_BINARY, "--hash-secret"}, "Tr0ub4dor&3\n", hash), 0);
  hash.erase(hash.find_last_not_of("\r\n") + 1);
  EXPECT_EQ(hash.rfind("pbkdf2-sha256$", 0), 0u);
  AmpdInstance ampd({.users = "[newbie]\nsecret = " + hash + "\ntypes = monitor\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: NEWBIE\r\nSecret: Tr0ub4dor&3\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
}

TEST(AmpdDaemon, CheckConfigReportsEachProblemAndFails) {
  TempDir dir;
  dir.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\nfromat = xml\n");
  dir.write("users.ini", "[bob]\nsecret = plain\ntypes = monitor\n");
  std::string out;
  EXPECT_EQ(run_command({AMPD_BINARY, "--check-config", "--config-file=" + dir.file("ampd.ini")},
                        "", out),
            1);
  EXPECT_NE(out.find(dir.file("ampd.ini") + ":4: [server] fromat: unknown key"), std::string::npos)
      << out;
  EXPECT_NE(out.find(dir.file("users.ini") + ":2: [bob] secret: not a hashed secret"),
            std::string::npos)
      << out;
}

TEST(AmpdDaemon, CheckConfigAcceptsAGoodConfig) {
  AmpdInstance ampd;
  std::string out;
  EXPECT_EQ(
      run_command({AMPD_BINARY, "--check-config", "--config-file=" + ampd.dir().file("ampd.ini")},
                  "", out),
      0)
      << out;
}

TEST(AmpdDaemon, RefusesToStartWithABadConfig) {
  TempDir dir;
  dir.write("ampd.ini", "[server]\nformat = klingon\n");
  std::string out;
  EXPECT_NE(run_command({AMPD_BINARY, "--config-file=" + dir.file("ampd.ini")}, "", out), 0);
  EXPECT_NE(out.find("format: must be asterisk, xml or json"), std::string::npos) << out;
}

TEST(AmpdDaemon, TrustedPeersMayLogInWithoutSecret) {
  AmpdInstance ampd({.server = "trust = on\ntrusted_networks = 127.0.0.0/8\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
}

TEST(AmpdDaemon, UntrustedPeersNeedASecretEvenWithTrustOn) {
  AmpdInstance ampd({.server = "trust = on\ntrusted_networks = 10.0.0.0/8\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\n\r\n");
  EXPECT_NE(c->read_native().find("Login requires Secret"), std::string::npos);
}

TEST(AmpdDaemon, ConfigurableBannerAndCleanStopOnTerm) {
  AmpdInstance ampd({.server = "banner = Asterisk Call Manager/2.10.6 (ampd)\n"});
  auto c = ampd.connect();
  EXPECT_EQ(c->read_line(), "Asterisk Call Manager/2.10.6 (ampd)\r\n");
  ampd.process().signal(SIGTERM);
  EXPECT_EQ(ampd.process().wait(), 0);
}

TEST(AmpdDaemon, HupReloadsUsersAndKeepsClientsConnected) {
  AmpdInstance ampd;
  auto old_client = ampd.connect();
  old_client->read_line();
  old_client->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
  ASSERT_NE(old_client->read_native().find("accepted"), std::string::npos);

  std::string hash;
  ASSERT_EQ(run_command({AMPD_BINARY, "--hash-secret"}, "later\n", hash), 0);
  ampd.dir().write("users.ini",
                   standard_users() + "[late]\nsecret = " + hash + "types = monitor\n");
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded:"), "");

  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: late\r\nSecret: later\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
  old_client->send("Action: Ping\r\nActionID: after-hup\r\n\r\n");
  EXPECT_NE(old_client->read_native().find("ActionID: after-hup"), std::string::npos);
}

TEST(AmpdDaemon, HupWithABrokenConfigKeepsTheRunningOne) {
  AmpdInstance ampd;
  ampd.dir().write("ampd.ini", "[server]\nformat = martian\n");
  ampd.process().signal(SIGHUP);
  EXPECT_NE(ampd.process().wait_for_line("reload failed"), "") << ampd.process().output();
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
}

TEST(AmpdDaemon, TermSaysGoodbyeToClients) {
  AmpdInstance ampd;
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
  c->read_native();
  ampd.process().signal(SIGTERM);
  EXPECT_EQ(c->read_native(), "Event: Shutdown\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n");
  EXPECT_TRUE(c->closed_by_peer());
  EXPECT_EQ(ampd.process().wait(), 0);
}

TEST(AmpdDaemon, DaemonModeWritesAndRemovesThePidFile) {
  AmpdInstance probe;  // only for its config files
  const auto pidfile = probe.dir().file("ampd.pid");
  std::string out;
  ASSERT_EQ(run_command({AMPD_BINARY, "--daemon", "--pidfile=" + pidfile,
                         "--config-file=" + probe.dir().file("ampd.ini")},
                        "", out),
            0)
      << out;
  std::string pid;
  for (int i = 0; i < 100 && pid.empty(); ++i) {
    std::ifstream(pidfile) >> pid;
    if (pid.empty()) usleep(50000);
  }
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(kill(std::stoi(pid), SIGTERM), 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !std::ifstream(pidfile).good();
    if (!gone) usleep(50000);
  }
  EXPECT_TRUE(gone);
}

}  // namespace
}  // namespace ampd::test
