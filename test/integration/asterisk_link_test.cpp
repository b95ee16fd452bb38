// ampd + the Asterisk simulator through real sockets: commands that plugins run on Asterisk,
// ActionID isolation, timeouts, a lost and restored Asterisk, and the event stream.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

std::unique_ptr<Client> login(const AmpdInstance& ampd, const std::string& user,
                              const std::string& extra = "") {
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\n" + extra + "\r\n");
  const auto answer = c->read_until(
      user == "xmlmon" || extra.find("xml") != std::string::npos ? "\r\n" : "\r\n\r\n");
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

const char* kAdmin = "Type: administrator\r\n";

// Reads native messages until one contains `needle`; "" if none within the client's timeout.
std::string read_message_with(Client& c, const std::string& needle, int max_messages = 200) {
  for (int i = 0; i < max_messages; ++i) {
    auto m = c.read_native();
    if (m.empty()) return {};
    if (m.find(needle) != std::string::npos) return m;
  }
  return {};
}

class LinkTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool old_asterisk() const { return GetParam() == "1.4"; }
};

TEST_P(LinkTest, CommandOutputComesBackInBothGenerationsAlike) {
  SimInstance sim({"--dialect", GetParam()});
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: Command\r\nCommand: core show version\r\nActionID: cmd-1\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_NE(answer.find("Response: Success"), std::string::npos) << answer;
  EXPECT_NE(answer.find("ActionID: cmd-1\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find(old_asterisk() ? "Output: Asterisk 1.4" : "Output: Asterisk 20"),
            std::string::npos)
      << answer;
  EXPECT_EQ(answer.find("ampd-"), std::string::npos) << "ampd's own ActionID leaked: " << answer;
}

TEST_P(LinkTest, ServerVersionInXml) {
  SimInstance sim({"--dialect", GetParam()});
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd, "xmlmon");
  c->send("<command action=\"serverversion\" actionid=\"v&amp;1\"/>");
  const auto answer = c->read_line();
  EXPECT_NE(answer.find("response=\"Success\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("ActionID=\"v&amp;1\""), std::string::npos) << answer;
  EXPECT_NE(answer.find(old_asterisk() ? "1.4" : "20.20.1"), std::string::npos) << answer;
}

TEST_P(LinkTest, AsteriskErrorsComeBackAsErrors) {
  SimInstance sim({"--dialect", GetParam()});
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd, "admin", kAdmin);
  c->send(
      "Action: Custom\r\nCAction: DBGet\r\nFamily: nofamily\r\nKey: nokey\r\nActionID: e\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_NE(answer.find("Response: Error"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Database entry not found"), std::string::npos) << answer;
}

INSTANTIATE_TEST_SUITE_P(Dialects, LinkTest, ::testing::Values("modern", "1.4"));

TEST(Link, SameActionIdFromTwoClientsNeverCrosses) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto a = login(ampd, "admin", kAdmin);
  auto b = login(ampd, "admin", kAdmin);
  for (int round = 0; round < 20; ++round) {
    a->send("Action: Command\r\nCommand: core show version\r\nActionID: same\r\n\r\n");
    b->send("Action: Custom\r\nCAction: DBPut\r\nFamily: f\r\nKey: k" + std::to_string(round) +
            "\r\nVal: v\r\nActionID: same\r\n\r\n");
  }
  for (int round = 0; round < 20; ++round) {
    const auto from_a = a->read_native();
    const auto from_b = b->read_native();
    EXPECT_NE(from_a.find("Output: Asterisk"), std::string::npos) << from_a;
    EXPECT_EQ(from_a.find("Updated database"), std::string::npos) << from_a;
    EXPECT_NE(from_b.find("Updated database"), std::string::npos) << from_b;
    EXPECT_NE(from_a.find("ActionID: same\r\n"), std::string::npos);
    EXPECT_NE(from_b.find("ActionID: same\r\n"), std::string::npos);
  }
  EXPECT_EQ(a->drain(std::chrono::milliseconds(200)), "");
  EXPECT_EQ(b->drain(std::chrono::milliseconds(200)), "");
}

TEST(Link, SlowActionTimesOutAndTheClientCarriesOn) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section("pbx", "action_timeout = 500\n")});
  auto c = login(ampd, "admin", kAdmin);
  const auto start = std::chrono::steady_clock::now();
  c->send("Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: 3000\r\nActionID: slow\r\n\r\n");
  const auto answer = c->read_native();
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_NE(answer.find("Response: Error"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Timeout"), std::string::npos) << answer;
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
  // Another command still works (on another Asterisk session) while the slow one is stuck.
  c->send("Action: ServerVersion\r\nActionID: next\r\n\r\n");
  EXPECT_NE(c->read_native().find("Response: Success"), std::string::npos);
}

TEST(Link, SlowActionDoesNotStallOtherClients) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto slow = login(ampd, "admin", kAdmin);
  auto fast = login(ampd, "admin", kAdmin);
  slow->send("Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: 2000\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    fast->send("Action: ServerVersion\r\n\r\n");
    EXPECT_NE(fast->read_native().find("Success"), std::string::npos);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_NE(slow->read_native().find("Slept"), std::string::npos);
}

TEST(Link, AsteriskRestartWhileClientsWait) {
  auto sim = std::make_unique<SimInstance>();
  const int port = sim->port();
  AmpdInstance ampd({.sections = sim->section("pbx", "reconnect_max = 500\n")});
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: 5000\r\nActionID: w\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  sim->process().signal(SIGKILL);
  const auto lost = c->read_native();
  EXPECT_NE(lost.find("Response: Error"), std::string::npos) << lost;
  EXPECT_NE(lost.find("ActionID: w"), std::string::npos) << lost;
  // While Asterisk is away, commands fail at once with a clear error.
  c->send("Action: ServerVersion\r\n\r\n");
  EXPECT_NE(c->read_native().find("not connected"), std::string::npos);

  sim = std::make_unique<SimInstance>(std::vector<std::string>{}, port);
  ASSERT_NE(ampd.process().wait_for_line("connected and logged in"), "");
  bool worked = false;
  for (int i = 0; i < 50 && !worked; ++i) {
    c->send("Action: ServerVersion\r\n\r\n");
    worked = c->read_native().find("Response: Success") != std::string::npos;
    if (!worked) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(worked) << "the same client connection works again";
}

// A frozen Asterisk (SIGSTOP) is noticed at the first action that goes unanswered: its session
// is pinged at once and dropped when that goes unanswered too, the actions sent meanwhile fail
// at once instead of waiting their whole timeout, and after SIGCONT service is back within
// reconnect_max.
TEST(Link, AFrozenAsteriskIsNoticedAtTheFirstTimeoutAndServiceComesBackFast) {
  using Clock = std::chrono::steady_clock;
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section("pbx",
                                             "action_timeout = 1000\nping_interval = 60000\n"
                                             "command_connections = 1\n")});
  auto c = login(ampd, "admin", kAdmin);
  struct Thaw {
    SimInstance& sim;
    bool frozen = true;
    void now() {
      if (frozen) sim.process().signal(SIGCONT);
      frozen = false;
    }
    ~Thaw() { now(); }
  } thaw{sim};
  sim.process().signal(SIGSTOP);
  c->send("Action: Custom\r\nCAction: Ping\r\nActionID: first\r\n\r\n");
  const auto first = c->read_native();
  EXPECT_NE(first.find("Timeout waiting for Asterisk"), std::string::npos) << first;
  const auto timed_out = Clock::now();
  c->send("Action: Custom\r\nCAction: Ping\r\nActionID: second\r\n\r\n");
  const auto second = c->read_native();
  EXPECT_NE(second.find("is not answering (checking the link)"), std::string::npos) << second;
  EXPECT_LT(Clock::now() - timed_out, std::chrono::milliseconds(300)) << "failed fast";
  EXPECT_NE(ampd.process().wait_for_line("connection lost"), "");
  EXPECT_LT(Clock::now() - timed_out, std::chrono::milliseconds(2500))
      << "dropped within the probe's bound, not at the next ping a minute later";
  thaw.now();
  const auto thawed = Clock::now();
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    c->send("Action: Custom\r\nCAction: Ping\r\nActionID: again\r\n\r\n");
    back = c->read_native().find("Response: Success") != std::string::npos;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(back);
  EXPECT_LT(Clock::now() - thawed, std::chrono::milliseconds(6500)) << "within reconnect_max";
}

TEST(Link, HupSwapsPluginsOnlyWhenTheirCommandsHaveFinished) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: Custom\r\nCAction: SimSleep\r\nMilliseconds: 800\r\nActionID: busy\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded:"), "");
  // The plugin that runs the Custom command is not swapped under it.
  EXPECT_EQ(ampd.process().output().find("plugins reloaded"), std::string::npos);
  EXPECT_NE(c->read_native().find("ActionID: busy"), std::string::npos);
  const auto swapped = ampd.process().wait_for_line("plugins reloaded");
  EXPECT_NE(swapped, "");
  c->send("Action: ServerVersion\r\nActionID: after\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_NE(answer.find("Response: Success"), std::string::npos) << answer;
}

TEST(Link, EventsReachEveryClientInItsFormatAndAgentsOnlyTheirOwn) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section(),
                     .users = "[agent100]\nsecret = " + secret_hash() +
                              "\ntypes = agent\nagentid = 100\ninterface = Local/100@agents\n"});
  auto admin = login(ampd, "admin", kAdmin);
  auto mon = login(ampd, "mon");
  auto xml = login(ampd, "xmlmon");
  auto agent = login(ampd, "agent100");
  auto quiet = login(ampd, "mon", "Events: off\r\n");
  admin->send(
      "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: answer\r\n"
      "Interface: Local/100@agents\r\nWaitMs: 10\r\nTalkMs: 10\r\nActionID: q\r\n\r\n");
  EXPECT_NE(read_message_with(*mon, "Event: QueueCallerJoin"), "");
  EXPECT_NE(read_message_with(*mon, "Event: AgentComplete"), "");
  EXPECT_NE(xml->read_xml_with("<event name=\"QueueCallerJoin\""), "");
  // The agent sees the member's events, not the caller's channel being created.
  const auto first = agent->read_native();
  EXPECT_EQ(first.find("Event: QueueCallerJoin"), std::string::npos) << first;
  EXPECT_NE(first.find("Local/100@agents"), std::string::npos) << first;
  EXPECT_EQ(quiet->drain(std::chrono::milliseconds(300)), "");
}

TEST(Link, AsyncOriginateResponseReachesOnlyTheClientThatAsked) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto asker = login(ampd, "admin", kAdmin);
  auto other = login(ampd, "mon");
  asker->send(
      "Action: Custom\r\nCAction: Originate\r\nChannel: Local/100@agents\r\nContext: default\r\n"
      "Exten: 100\r\nPriority: 1\r\nAsync: true\r\nActionID: orig-7\r\n\r\n");
  // Events about the new channels may come first: they travel on another Asterisk session.
  EXPECT_NE(read_message_with(*asker, "Response: Success"), "");
  const auto event = read_message_with(*asker, "Event: OriginateResponse");
  EXPECT_NE(event.find("ActionID: orig-7\r\n"), std::string::npos) << event;
  const auto seen_by_other = other->drain(std::chrono::milliseconds(500));
  EXPECT_EQ(seen_by_other.find("OriginateResponse"), std::string::npos);
  EXPECT_EQ(seen_by_other.find("orig-7"), std::string::npos);
}

TEST(Link, ANonReadingClientIsCappedAndTheOthersKeepEveryEvent) {
  SimInstance sim({"--events-per-second", "4000"});
  AmpdInstance ampd({.server = "client_output_cap = 65536\n", .sections = sim.section()});
  auto slow = login(ampd, "mon");
  auto fast = login(ampd, "mon");
  long last = -1;
  int gaps = 0, seen = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < until) {
    const auto m = fast->read_native();
    const auto pos = m.find("SequenceNumber: ");
    if (pos == std::string::npos) continue;
    const long seq = std::stol(m.substr(pos + 16));
    if (last >= 0 && seq != last + 1) ++gaps;
    last = seq;
    ++seen;
  }
  EXPECT_GT(seen, 1000);
  EXPECT_EQ(gaps, 0);
  // The slow client has been losing events; once it reads it is told how many.
  EXPECT_NE(read_message_with(*slow, "Event: EventsDropped", 100000), "");
}

// The simulator sends as fast as ampd reads; these clients read as fast as they can, but more
// slowly than ampd could deliver: event intake waits for them rather than dropping events.
TEST(Link, AtFullSpeedClientsThatReadGetEveryEvent) {
  SimInstance sim({"--events-per-second", "max"});
  AmpdInstance ampd({.server = "client_output_cap = 1048576\n", .sections = sim.section()});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 2; ++i) clients.push_back(login(ampd, "mon"));
  std::vector<int> seen(clients.size(), 0), gaps(clients.size(), 0), dropped(clients.size(), 0);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    readers.emplace_back([&, i] {
      long last = -1;
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
      while (std::chrono::steady_clock::now() < until) {
        const auto m = clients[i]->read_native();
        if (m.find("Event: EventsDropped") != std::string::npos) ++dropped[i];
        const auto pos = m.find("SequenceNumber: ");
        if (pos == std::string::npos) continue;
        const long seq = std::stol(m.substr(pos + 16));
        if (last >= 0 && seq != last + 1) ++gaps[i];
        last = seq;
        // Fast readers (megabytes a second), but slower than ampd delivers to two clients.
        if (++seen[i] % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  for (auto& r : readers) r.join();
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_GT(seen[i], 1000) << "client " << i;
    EXPECT_EQ(dropped[i], 0) << "client " << i;
    EXPECT_EQ(gaps[i], 0) << "client " << i;
  }
}

// Asterisk copies the ActionID of the action that raised an event into it (a UserEvent): the
// event still goes to every client, with the ActionID the sending client gave, never ampd's.
TEST(Link, AnEventRaisedByAClientsActionReachesEveryoneWithThatClientsActionId) {
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section()});
  auto watcher = login(ampd, "mon");
  auto sender = login(ampd, "admin", kAdmin);
  sender->send(
      "Action: Custom\r\nCAction: UserEvent\r\nUserEvent: ShiftChange\r\nTeam: blue\r\n"
      "ActionID: desk-42\r\n\r\n");
  const auto seen = read_message_with(*watcher, "UserEvent: ShiftChange");
  ASSERT_NE(seen, "") << "the UserEvent never reached the other client";
  EXPECT_NE(seen.find("ActionID: desk-42\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Team: blue\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("ampd-"), std::string::npos) << seen;
  // Without an ActionID from the client, the event carries none.
  sender->send("Action: Custom\r\nCAction: UserEvent\r\nUserEvent: NoId\r\n\r\n");
  const auto plain = read_message_with(*watcher, "UserEvent: NoId");
  ASSERT_NE(plain, "");
  EXPECT_EQ(plain.find("ActionID"), std::string::npos) << plain;
}

}  // namespace
}  // namespace ampd::test
