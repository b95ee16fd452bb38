#include <Poco/Logger.h>

#include <algorithm>

#include "app/server.hpp"
#include "base/text.hpp"

namespace ampd {

CoreHandler Server::core_handler(CoreVerb verb) {
  if (verb == CoreVerb::StatisticInfo || verb == CoreVerb::AgentActivity) {
    return [this, verb](const Identity&, const Message& request, std::function<void(Reply)> done) {
      done(statistics_command(verb, request));
    };
  }
  return
      [this, verb](const Identity& who, const Message& request, std::function<void(Reply)> done) {
        run_profile_command(verb, who, request, std::move(done));
      };
}

void Server::run_profile_command(CoreVerb verb, const Identity& who, const Message& request,
                                 std::function<void(Reply)> done) {
  auto job = [this, verb, request, by = who.user, done]() {
    auto outcome = profiles_.run(verb, request, by);
    reactor_.post([this, outcome = std::move(outcome), done] {
      if (outcome.users) {
        users_ = outcome.users;
        publish_settings();
      }
      done(outcome.reply);
      if (!outcome.deleted_user.empty()) close_sessions_of(outcome.deleted_user);
    });
  };
  if (!workers_.try_post(std::move(job))) {
    done(failed_reply(request.get("Action"),
                      "Server busy: too many commands waiting, try again later"));
  }
}

void Server::close_sessions_of(const std::string& user) {
  shards_.for_each_session([user](ClientSession& s) {
    if (s.logged_in() && iequals(s.identity().user, user)) {
      s.close_with_error("Your profile was deleted", "profile deleted");
    }
  });
}

Reply Server::statistics_command(CoreVerb verb, const Message& request) {
  const auto now = std::chrono::system_clock::now();
  std::int64_t logged_in = 0;
  std::uint64_t actions = 1;  // this one, answered after the counters are read
  std::uint64_t delivered = 0;
  for (const auto& shard : shards_) {
    logged_in += shard->logged_in.load(std::memory_order_relaxed);
    actions += shard->actions_run.load(std::memory_order_relaxed);
    delivered += shard->delivered_events.load(std::memory_order_relaxed);
  }
  statistics_.set_counters(
      {static_cast<std::uint64_t>(std::max<std::int64_t>(logged_in, 0)), actions, delivered});
  if (verb == CoreVerb::AgentActivity) {
    return statistics_.agent_activity(request.get("Agent"), now);
  }
  return statistics_.statistic_info(request.get("Type"), request.get("Queue"), request.get("Agent"),
                                    now);
}

void Server::save_statistics(bool now) {
  if (config_.statistics_file.empty() || statistics_.changes() == statistics_saved_) return;
  statistics_saved_ = statistics_.changes();
  auto save = [this, path = config_.statistics_file] {
    std::string error;
    if (!statistics_.save_atomically(path, error)) {
      Poco::Logger::get("ampd").error("statistics snapshot not written: %s", error);
    }
  };
  // The file work is done on a worker; at shutdown, right here.
  if (now || !workers_.try_post(save)) save();
}

}  // namespace ampd
