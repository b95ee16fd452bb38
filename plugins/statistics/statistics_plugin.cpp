#include "statistics_plugin.hpp"

#include <chrono>
#include <memory>
#include <string>

#include "snapshot_saver.hpp"
#include "statistics.hpp"

namespace sdk = ampd::sdk;

namespace ampd_statistics {
namespace {

constexpr long long kMinInterval = 1000, kMaxInterval = 3600000;

// The plugin's state. A reload (SIGHUP) normally unloads the plugin, closes it and opens it
// afresh, and the statistics travel as kept state. When the old plugin stays open beside the
// new one (ampd keeps it while a command given up on may still call it), both are the same
// image: the new load() then goes on with the same statistics, and only the last unload()
// ends them.
struct Instance {
  std::unique_ptr<Statistics> statistics;
  std::unique_ptr<SnapshotSaver> saver;
  int loads = 0;
};
Instance& instance() {
  static Instance current;
  return current;
}

void answer(const Reply& from, sdk::Reply& to) {
  if (!from.success) return to.error(from.message);
  to.list(from.is_list);
  for (const auto& record : from.records) {
    auto out = to.record(record.name);
    for (const auto& [name, value] : record.fields.headers()) out.add(name, value);
  }
}

// The figures only ampd knows, read as each StatisticInfo runs.
void take_counters(Statistics& statistics) {
  const auto counters = sdk::server_counters();
  if (!counters) return;
  // This StatisticInfo counts too: ampd counts an action once it is answered.
  statistics.set_counters(
      {counters->clients_logged_in, counters->actions_run + 1, counters->events_delivered});
}

std::unique_ptr<Statistics> restored(sdk::Registrar& r, const std::string& file) {
  auto statistics = std::make_unique<Statistics>(Statistics::Clock::now());
  std::string error;
  if (const auto kept = r.kept_state()) {
    if (!statistics->restore(*kept, error)) {
      r.log(sdk::LogLevel::Error, "statistics not carried over the reload: " + error);
    }
  } else if (!file.empty() && !statistics->load_file(file, error)) {
    r.log(sdk::LogLevel::Error, "statistics not restored from " + file + ": " + error);
  }
  return statistics;
}

void register_commands(sdk::Registrar& r, Statistics& statistics) {
  r.async_command(
      "StatisticInfo", sdk::Privilege::Monitor,
      {sdk::optional("Type"), sdk::optional("Queue"), sdk::optional("Agent")},
      [&statistics](sdk::AsyncRequest call) {
        take_counters(statistics);
        const auto& request = call.request();
        answer(statistics.statistic_info(request.get("Type"), request.get("Queue"),
                                         request.get("Agent"), Statistics::Clock::now()),
               call.reply());
      },
      "Live statistics of the server, its queues and agents");
  r.async_command(
      "AgentActivity", sdk::Privilege::Monitor, {sdk::required("Agent")},
      [&statistics](sdk::AsyncRequest call) {
        const auto agent = call.request().get("Agent");
        auto activity = statistics.agent_activity(agent, Statistics::Clock::now());
        if (activity.success) return answer(activity, call.reply());
        // No activity seen since ampd started: an agent Asterisk knows has none to show, one
        // it does not know is an error.
        call.ami(sdk::AmiAction("Agents"),
                 [agent, activity](sdk::AsyncRequest later, sdk::AmiResult result) {
                   bool known = false;
                   for (const auto& event : result.events()) known |= event.get("Agent") == agent;
                   if (!known) return answer(activity, later.reply());
                   Reply none;
                   none.is_list = true;
                   answer(none, later.reply());
                 });
      },
      "One agent's figures and recent activity");
}

void subscribe(sdk::Registrar& r, Statistics& statistics) {
  for (const auto& name : Statistics::event_names()) {
    r.on_event(name, [&statistics](const sdk::Event& event) {
      statistics.on_event(std::string(event.server), Message::copy_of(event.fields),
                          Statistics::Clock::now());
    });
  }
  r.on_link([&statistics](const sdk::LinkState& link) {
    const std::string server(link.server);
    if (link.changed) {
      statistics.on_link_state(server, link.up, link.since);
    } else {
      statistics.restore_link_state(server, link.up, link.since);
    }
  });
}

}  // namespace
}  // namespace ampd_statistics

void load_statistics_plugin(sdk::Registrar& r) {
  using namespace ampd_statistics;
  const auto file = r.setting("file", "", "snapshot file, written atomically (\"\" = none)");
  const auto interval = r.setting_int("interval", 10000, "ms between snapshots of changes");
  if (interval < kMinInterval || interval > kMaxInterval) {
    throw std::runtime_error("[plugin.statistics] interval: must be from " +
                             std::to_string(kMinInterval) + " to " + std::to_string(kMaxInterval));
  }
  auto& self = instance();
  if (self.saver) self.saver->stop();  // the same image, still open for an older load
  if (!file.empty()) sdk::remove_interrupted_writes(file);
  if (!self.statistics) self.statistics = restored(r, file);
  auto& statistics = *self.statistics;
  if (const auto counters = sdk::server_counters()) statistics.set_start_time(counters->started);
  register_commands(r, statistics);
  subscribe(r, statistics);
  if (!file.empty()) {
    self.saver = std::make_unique<SnapshotSaver>(
        statistics, file, std::chrono::milliseconds(interval),
        [host = r.host(), plugin = r.self()](const std::string& error) {
          host->log(plugin, AMPD_LOG_ERROR, ("statistics snapshot not written: " + error).c_str());
        });
  } else {
    self.saver.reset();
  }
  ++self.loads;
}

void unload_statistics_plugin() {
  auto& self = ampd_statistics::instance();
  if (--self.loads > 0) return;
  if (self.saver) self.saver->stop();  // the last snapshot, at shutdown
  if (self.statistics) sdk::keep_state(self.statistics->snapshot());
  self.saver.reset();
  self.statistics.reset();
}
