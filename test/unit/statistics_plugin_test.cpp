// The statistics plugin on the SDK's fake host: what it subscribes to, what it answers, what it
// keeps over a reload and what it writes to its file.
#include "statistics/statistics_plugin.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ampd/testing/fake_host.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FakeReply;
using ampd::sdk::testing::FieldList;

constexpr std::int64_t kSince = 1795734240000;  // ms

FieldList join(const std::string& queue, const std::string& uid) {
  return {{"Event", "QueueCallerJoin"},
          {"Privilege", "agent,all"},
          {"Channel", "PJSIP/1-" + uid},
          {"Uniqueid", uid},
          {"Queue", queue},
          {"Position", "1"},
          {"Count", "1"}};
}

const FakeReply::Record* find_record(const FakeReply& reply, const std::string& name) {
  for (const auto& r : reply.records) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// Loads the plugin into `host`; unload() must run while the host is still there.
struct Loaded {
  explicit Loaded(FakeHost& host) { host.load(load_statistics_plugin); }
  ~Loaded() { unload(); }
  void unload() {
    if (loaded) unload_statistics_plugin();
    loaded = false;
  }
  bool loaded = true;
};

TEST(StatisticsPlugin, AnswersFromEventsLinksAndTheDaemonsCounters) {
  FakeHost host;
  host.set_link("pbx", true, kSince);
  ampd_server_counters counters{};
  counters.started_ms = kSince - 60000;
  counters.clients_logged_in = 3;
  counters.actions_run = 41;
  counters.events_delivered = 1234;
  host.set_counters(counters);
  Loaded plugin(host);
  ASSERT_NE(host.command("StatisticInfo"), nullptr);
  EXPECT_TRUE(host.command("AgentActivity")->requires_arg("Agent"));

  host.emit("pbx", join("support", "1.1"));
  host.emit("pbx", {{"Event", "Hangup"}, {"Queue", "ignored"}});  // not subscribed to
  const auto queues = host.run("StatisticInfo", {{"Type", "Queue"}});
  ASSERT_TRUE(queues.success) << queues.message;
  ASSERT_EQ(queues.records.size(), 1u);
  EXPECT_EQ(queues.records[0].get("Queue"), "support");
  EXPECT_EQ(queues.records[0].get("Waiting"), "1");

  const auto server = host.run("StatisticInfo", {{"Type", "Server"}});
  const auto* figures = find_record(server, "ServerStatistic");
  ASSERT_NE(figures, nullptr);
  EXPECT_EQ(figures->get("ClientsConnected"), "3");
  EXPECT_EQ(figures->get("ActionsRun"), "42");  // this one too
  EXPECT_EQ(figures->get("EventsDelivered"), "1234");
  EXPECT_EQ(figures->get("StartTime"), std::to_string((kSince - 60000) / 1000));
  const auto* link = find_record(server, "LinkStatistic");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->get("Link"), "up");
  EXPECT_EQ(link->get("Since"), std::to_string(kSince / 1000));

  // A link that comes back up forgets the callers whose Leave it may have missed.
  host.set_link("pbx", false, kSince + 1000);
  host.set_link("pbx", true, kSince + 2000);
  EXPECT_EQ(host.run("StatisticInfo", {{"Type", "Queue"}}).records[0].get("Waiting"), "0");

  const auto unknown = host.run("AgentActivity", {{"Agent", "1999"}});
  EXPECT_FALSE(unknown.success);
  EXPECT_EQ(unknown.message, "No such agent '1999'");
}

TEST(StatisticsPlugin, CarriesItsStatisticsOverAReload) {
  std::string kept;
  {
    FakeHost first;
    first.set_link("pbx", true, kSince);
    Loaded plugin(first);
    first.emit("pbx", join("support", "1.1"));
    plugin.unload();
    ASSERT_TRUE(first.kept_state().has_value());
    kept = *first.kept_state();
  }
  FakeHost second;
  second.set_link("pbx", true, kSince);  // still up: the waiting caller stays
  second.set_kept_state(kept);
  Loaded plugin(second);
  const auto queues = second.run("StatisticInfo", {{"Queue", "support"}});
  ASSERT_EQ(queues.records.size(), 1u);
  EXPECT_EQ(queues.records[0].get("Entered"), "1");
  EXPECT_EQ(queues.records[0].get("Waiting"), "1");
}

TEST(StatisticsPlugin, WritesItsFileAtUnloadAndReadsItAtLoad) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("ampd-statistics-plugin-" + std::to_string(::getpid()) + ".dat");
  std::filesystem::remove(path);
  {
    FakeHost host;
    host.configure("file", path.string());
    Loaded plugin(host);
    host.emit("pbx", join("sales", "2.1"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("ampd-statistics\t1\n", 0), 0u) << text.str();
  FakeHost restarted;
  restarted.configure("file", path.string());
  Loaded plugin(restarted);
  EXPECT_EQ(restarted.run("StatisticInfo", {{"Queue", "sales"}}).records.at(0).get("Entered"), "1");
  plugin.unload();
  std::filesystem::remove(path);
}

TEST(StatisticsPlugin, RefusesAnIntervalOutOfRange) {
  FakeHost host;
  host.configure("interval", "5");
  EXPECT_THROW(host.load(load_statistics_plugin), std::runtime_error);
}

}  // namespace
