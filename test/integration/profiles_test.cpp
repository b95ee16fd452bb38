// Profile commands and statistics through the real binaries.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ampd_instance.hpp"
#include "auth/users.hpp"

namespace ampd::test {
namespace {

std::unique_ptr<Client> login_as(const AmpdInstance& ampd, const std::string& user,
                                 const std::string& secret = kSecret,
                                 const std::string& extra = "") {
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + secret + "\r\n" + extra + "\r\n");
  EXPECT_NE(c->read_native().find("accepted"), std::string::npos) << user;
  return c;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kAdmin = "Type: administrator\r\nEvents: off\r\n";

TEST(Profiles, UpdateCreatesAUserTheNextLoginSees) {
  AmpdInstance ampd({.users = "; a comment the operator wrote\n"});
  auto admin = login_as(ampd, "admin", kSecret, kAdmin);
  admin->send(
      "Action: ProfileUpdate\r\nUsername: carol\r\nSecret: s3cret!\r\nTypes: monitor, "
      "agent\r\nAgentID: 2001\r\nActionID: p1\r\n\r\n");
  EXPECT_EQ(admin->read_native(),
            "Action: ProfileUpdate\r\nResponse: Success\r\nActionID: p1\r\nMessage: Profile "
            "created\r\n\r\n");
  const auto file = read_file(ampd.dir().file("users.ini"));
  EXPECT_EQ(file.find("s3cret!"), std::string::npos) << "the secret is stored hashed";
  EXPECT_NE(file.find("; a comment the operator wrote"), std::string::npos);
  EXPECT_NE(file.find("[carol]"), std::string::npos);

  auto carol = login_as(ampd, "carol", "s3cret!", "Type: agent\r\n");
  admin->send("Action: ProfileGet\r\nUsername: CAROL\r\n\r\n");
  const auto got = admin->read_native();
  EXPECT_NE(got.find("Username: carol\r\nTypes: monitor,agent\r\nAgentID: 2001\r\n"),
            std::string::npos)
      << got;
  EXPECT_EQ(got.find("ecret"), std::string::npos) << "secrets are never returned";

  // Another change: the types the next login may use.
  admin->send("Action: ProfileUpdate\r\nUsername: carol\r\nTypes: monitor\r\n\r\n");
  EXPECT_NE(admin->read_native().find("Profile updated"), std::string::npos);
  auto again = ampd.connect();
  again->read_line();
  again->send("Action: Login\r\nUsername: carol\r\nSecret: s3cret!\r\nType: agent\r\n\r\n");
  EXPECT_NE(again->read_native().find("Type agent is not allowed"), std::string::npos);
}

TEST(Profiles, ListDeleteAndRefusals) {
  AmpdInstance ampd;
  auto admin = login_as(ampd, "admin", kSecret, kAdmin);
  auto mon = login_as(ampd, "mon");
  mon->send("Action: ProfileList\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Permission denied: ProfileList requires administrator"),
            std::string::npos);
  admin->send("Action: ProfileUpdate\r\nUsername: dave\r\n\r\n");
  EXPECT_NE(admin->read_native().find("requires Secret and Types"), std::string::npos);
  admin->send("Action: ProfileUpdate\r\nUsername: dave\r\nSecret: x\r\nTypes: god\r\n\r\n");
  EXPECT_NE(admin->read_native().find("unknown type 'god'"), std::string::npos);
  admin->send("Action: ProfileGet\r\n\r\n");
  EXPECT_NE(admin->read_native().find("ProfileGet requires the argument Username"),
            std::string::npos);

  admin->send("Action: ProfileList\r\nActionID: l\r\n\r\n");
  const auto head = admin->read_native();
  EXPECT_NE(head.find("EventList: start"), std::string::npos) << head;
  int profiles = 0;
  for (std::string m = admin->read_native(); !m.empty(); m = admin->read_native()) {
    if (m.find("Event: ProfileListComplete") != std::string::npos) {
      EXPECT_NE(m.find("ListItems: 5"), std::string::npos) << m;
      break;
    }
    EXPECT_NE(m.find("Event: Profile\r\n"), std::string::npos) << m;
    ++profiles;
  }
  EXPECT_EQ(profiles, 5);

  // Deleting a user closes its open sessions.
  admin->send("Action: ProfileDelete\r\nUsername: mon\r\n\r\n");
  EXPECT_NE(admin->read_native().find("Profile deleted"), std::string::npos);
  EXPECT_NE(mon->read_native().find("Your profile was deleted"), std::string::npos);
  EXPECT_TRUE(mon->closed_by_peer());
  auto gone = ampd.connect();
  gone->read_line();
  gone->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
  EXPECT_NE(gone->read_native().find("Authentication failed"), std::string::npos);
}

TEST(Profiles, ConcurrentUpdatesLoseNothingAndKillNineLeavesAValidFile) {
  AmpdInstance ampd;
  std::vector<std::unique_ptr<Client>> admins;
  for (int a = 0; a < 3; ++a) admins.push_back(login_as(ampd, "admin", kSecret, kAdmin));
  for (int i = 0; i < 10; ++i) {
    for (int a = 0; a < 3; ++a) {
      admins[a]->send("Action: ProfileUpdate\r\nUsername: u" + std::to_string(a) + "_" +
                      std::to_string(i) + "\r\nSecret: pw\r\nTypes: monitor\r\n\r\n");
    }
  }
  for (int i = 0; i < 10; ++i) {
    for (auto& a : admins) EXPECT_NE(a->read_native().find("Profile created"), std::string::npos);
  }
  std::vector<std::string> problems;
  auto users = UserStore::load(ampd.dir().file("users.ini"), problems);
  ASSERT_TRUE(users);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(users->users().size(), 5u + 30u);

  // Now kill -9 in the middle of a stream of updates: the file is the old or the new one.
  for (int i = 0; i < 30; ++i) {
    admins[0]->send("Action: ProfileUpdate\r\nUsername: late" + std::to_string(i) +
                    "\r\nSecret: pw\r\nTypes: monitor\r\n\r\n");
  }
  admins[0]->read_native();
  ampd.process().signal(SIGKILL);
  ampd.process().wait();
  problems.clear();
  users = UserStore::load(ampd.dir().file("users.ini"), problems);
  ASSERT_TRUE(users);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_GE(users->users().size(), 36u);
}

TEST(Statistics, AScriptedSequenceGivesExactFiguresThatSurviveARestart) {
  SimInstance sim;
  TempDir state;
  const auto stats_file = state.file("statistics");
  const AmpdSetup setup{.server = "statistics_file = " + stats_file + "\n",
                        .sections = sim.section()};
  {
    AmpdInstance ampd(setup);
    auto admin = login_as(ampd, "admin", kSecret, kAdmin);
    auto watch = login_as(ampd, "mon");
    admin->send("Action: Custom\r\nCAction: SimAgent\r\nAgent: 1001\r\nDo: login\r\n\r\n");
    admin->read_native();
    admin->send(
        "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: answer\r\n"
        "Interface: Local/100@agents\r\nWaitMs: 1000\r\nTalkMs: 2000\r\n\r\n");
    admin->read_native();
    admin->send(
        "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: abandon\r\n"
        "WaitMs: 1000\r\n\r\n");
    admin->read_native();
    // Wait until both calls are over: the answered one ends with AgentComplete.
    bool complete = false, abandoned = false;
    for (int i = 0; i < 400 && !(complete && abandoned); ++i) {
      const auto m = watch->read_native();
      if (m.empty()) break;
      complete |= m.find("Event: AgentComplete") != std::string::npos;
      abandoned |= m.find("Event: QueueCallerAbandon") != std::string::npos;
    }
    ASSERT_TRUE(complete && abandoned);
    admin->send("Action: StatisticInfo\r\nType: Queue\r\nQueue: support\r\n\r\n");
    admin->read_native();
    const auto queue = admin->read_native();
    EXPECT_NE(queue.find("Event: QueueStatistic\r\n"), std::string::npos) << queue;
    for (const char* field :
         {"Queue: support\r\n", "Waiting: 0\r\n", "Entered: 2\r\n", "Answered: 1\r\n",
          "Abandoned: 1\r\n", "AverageWait: 1\r\n", "AverageTalkTime: 2\r\n"}) {
      EXPECT_NE(queue.find(field), std::string::npos) << field << " in\n" << queue;
    }
    admin->read_native();  // the Complete event
    admin->send("Action: AgentActivity\r\nAgent: 1001\r\n\r\n");
    admin->read_native();
    const auto activity = admin->read_native();
    EXPECT_NE(activity.find("Activity: login\r\n"), std::string::npos) << activity;
    ampd.process().signal(SIGTERM);
    EXPECT_EQ(ampd.process().wait(), 0);
  }
  AmpdInstance restarted(setup);
  auto admin = login_as(restarted, "admin", kSecret, kAdmin);
  admin->send("Action: StatisticInfo\r\nType: queue\r\nQueue: SUPPORT\r\n\r\n");
  admin->read_native();
  const auto queue = admin->read_native();
  EXPECT_NE(queue.find("Entered: 2\r\n"), std::string::npos) << queue;
  EXPECT_NE(queue.find("Abandoned: 1\r\n"), std::string::npos) << queue;
  admin->read_native();
  admin->send("Action: StatisticInfo\r\nType: planet\r\n\r\n");
  EXPECT_NE(admin->read_native().find("Response: Error"), std::string::npos);
}

// The statistics plugin's own section: kept over the reload SIGHUP makes (the plugin is closed
// and opened again), and written every interval, so kill -9 loses at most one interval.
TEST(Statistics, KeptOverASighupAndWrittenOftenEnoughToSurviveAKill) {
  SimInstance sim;
  TempDir state;
  const auto stats_file = state.file("statistics");
  const AmpdSetup setup{.sections = sim.section() + "[plugin.statistics]\nfile = " + stats_file +
                                    "\ninterval = 1000\n"};
  const auto queue_record = [](Client& c) {
    c.send("Action: StatisticInfo\r\nQueue: support\r\n\r\n");
    c.read_native();
    const auto record = c.read_native();
    c.read_native();  // the Complete event
    return record;
  };
  {
    AmpdInstance ampd(setup);
    auto admin = login_as(ampd, "admin", kSecret, kAdmin);
    auto watch = login_as(ampd, "mon");
    admin->send(
        "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: abandon\r\n"
        "WaitMs: 200\r\n\r\n");
    admin->read_native();
    bool abandoned = false;
    for (int i = 0; i < 100 && !abandoned; ++i) {
      const auto m = watch->read_native();
      if (m.empty()) break;
      abandoned = m.find("Event: QueueCallerAbandon") != std::string::npos;
    }
    ASSERT_TRUE(abandoned);
    EXPECT_NE(queue_record(*admin).find("Abandoned: 1\r\n"), std::string::npos);
    ampd.process().signal(SIGHUP);
    ASSERT_NE(ampd.process().wait_for_line("plugins reloaded"), "");
    EXPECT_NE(queue_record(*admin).find("Abandoned: 1\r\n"), std::string::npos)
        << "kept over the reload";
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two intervals
    ampd.process().signal(SIGKILL);
    ampd.process().wait();
  }
  // Written atomically: the snapshot and nothing beside it.
  const auto dir = std::filesystem::path(stats_file).parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".statistics"), std::string::npos)
        << entry.path();
  }
  AmpdInstance restarted(setup);
  auto admin = login_as(restarted, "admin", kSecret, kAdmin);
  const auto record = queue_record(*admin);
  EXPECT_NE(record.find("Entered: 1\r\n"), std::string::npos) << record;
  EXPECT_NE(record.find("Abandoned: 1\r\n"), std::string::npos) << record;
}

// A crash between mkstemp and rename leaves ".NAME.XXXXXX" beside the file, holding hashes for
// the users file: ampd removes such leftovers at start, one log line each, but not one so fresh
// that a live write may own it.
TEST(Profiles, LeftoversOfAnInterruptedWriteAreRemovedAtStart) {
  TempDir state;
  state.write("users.ini", standard_users());
  const auto stale_users = state.file(".users.ini.Ab12Cd");
  const auto stale_statistics = state.file(".statistics.Zz9Yy8");
  const auto fresh = state.file(".users.ini.Fresh1");
  const auto unrelated = state.file(".users.ini.toolong1");
  for (const auto& f : {stale_users, stale_statistics, fresh, unrelated}) {
    std::ofstream(f) << "secret = $6$partial\n";
  }
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1);
  for (const auto& f : {stale_users, stale_statistics, unrelated}) {
    std::filesystem::last_write_time(f, old);
  }
  AmpdInstance ampd({.server = "users = " + state.file("users.ini") + "\n",
                     .sections = "[plugin.statistics]\nfile = " + state.file("statistics") + "\n",
                     .log_to_file = true});
  EXPECT_FALSE(std::filesystem::exists(stale_users));
  EXPECT_FALSE(std::filesystem::exists(stale_statistics));
  EXPECT_TRUE(std::filesystem::exists(fresh)) << "a write in progress is left alone";
  EXPECT_TRUE(std::filesystem::exists(unrelated)) << "not a name mkstemp makes";
  const auto log = ampd.log();
  EXPECT_NE(log.find("removed " + stale_users + ", left by a write that was interrupted"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("removed " + stale_statistics + ", left by a write that was interrupted"),
            std::string::npos)
      << log;
  auto admin = login_as(ampd, "admin", kSecret, kAdmin);
  admin->send("Action: Ping\r\n\r\n");
  EXPECT_NE(admin->read_native().find("Response: Success"), std::string::npos);
}

}  // namespace
}  // namespace ampd::test

namespace ampd::test {
namespace {

// An agent Asterisk knows but who has done nothing since ampd started has no activity to show;
// one Asterisk does not know is an error.
TEST(Statistics, AgentActivityKnowsAsterisksAgentsWithoutActivity) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto mon = login_as(ampd, "mon", kSecret, "Type: monitor\r\n");
  mon->send("Action: AgentActivity\r\nAgent: 1002\r\nActionID: a\r\n\r\n");
  auto known = mon->read_native();  // the response, then the list's end
  known += mon->read_native();
  EXPECT_NE(known.find("Response: Success"), std::string::npos) << known;
  EXPECT_NE(known.find("ListItems: 0"), std::string::npos) << known;
  mon->send("Action: AgentActivity\r\nAgent: 1999\r\nActionID: b\r\n\r\n");
  EXPECT_NE(mon->read_native().find("No such agent '1999'"), std::string::npos);
}

}  // namespace
}  // namespace ampd::test
