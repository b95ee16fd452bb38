#include "commands/command_dispatcher.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "commands/plugin_host.hpp"

namespace ampd {

void CommandDispatcher::dispatch(const Identity& who, std::uint64_t session_id,
                                 const Message& request, std::function<void(Reply)> done) {
  ++in_flight_;  // every path below ends in answer() or in the async completion
  Reply reply;
  reply.action = request.get("Action");
  const Command* command = registry_.find(reply.action);
  if (command == nullptr) {
    auto unknown = "Unknown command '" + reply.action + "'";
    return answer(std::move(done), failed_reply(std::move(reply.action), std::move(unknown)));
  }
  reply.action = command->name;
  if (auto error = check_command(*command, who, request); !error.empty()) {
    return answer(std::move(done), failed_reply(std::move(reply.action), std::move(error)));
  }

  if (command->core_handler) {
    return command->core_handler(who, request, [this, done = std::move(done)](Reply later) {
      answer(done, std::move(later));
    });
  }

  if (command->async_handler != nullptr) {
    const auto token = next_async_++;
    async_[token] = {command->plugin, command->name, std::chrono::steady_clock::now(), done};
    auto finished = start_async_handler(
        *command,
        AsyncCall{who, request, request.get("Server"), {session_id, request.get("ActionID")}},
        gateway_, [this, token](Reply later) { finish_async(token, std::move(later)); });
    if (finished) {
      async_.erase(token);
      answer(std::move(done), std::move(*finished));
    }
    return;
  }

  // The worker owns copies: the session may go away while the handler runs.
  struct Job {
    Identity who;
    Message request;
    std::function<void(Reply)> done;
  };
  auto job = std::make_shared<Job>(Job{who, request, std::move(done)});
  const bool posted = workers_.try_post([this, job, command, session_id] {
    Reply result;
    result.action = command->name;
    HandlerCall call{*command,
                     job->request,
                     job->who,
                     job->request.get("Server"),
                     CallContext{session_id, job->request.get("ActionID")},
                     gateway_};
    run_handler(call, result);
    answer(std::move(job->done), std::move(result));
  });
  if (!posted) {
    answer(std::move(job->done),
           failed_reply(std::move(reply.action),
                        "Server busy: too many commands waiting, try again later"));
  }
}

void CommandDispatcher::answer(std::function<void(Reply)> done, Reply reply) {
  post_([this, done = std::move(done), reply = std::move(reply)]() mutable {
    --in_flight_;
    done(std::move(reply));
  });
}

void CommandDispatcher::finish_async(std::uint64_t token, Reply reply) {
  const auto it = async_.find(token);
  if (it == async_.end()) return;
  auto done = std::move(it->second.done);
  if (!done) {
    Poco::Logger::get("ampd.plugins")
        .notice("%s (plugin %s) finished after it was given up; its answer is dropped",
                it->second.command, it->second.plugin);
  } else {
    --in_flight_;
  }
  async_.erase(it);
  if (done) done(std::move(reply));
}

unsigned CommandDispatcher::given_up() const {
  return static_cast<unsigned>(std::count_if(async_.begin(), async_.end(),
                                             [](const auto& entry) { return !entry.second.done; }));
}

void CommandDispatcher::give_up_overdue(std::chrono::milliseconds limit) {
  const auto now = std::chrono::steady_clock::now();
  for (auto& [token, command] : async_) {
    if (!command.done || now - command.started < limit) continue;
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - command.started).count();
    Poco::Logger::get("ampd.plugins")
        .warning("%s (plugin %s) not finished after %Ld ms: given up, its client told",
                 command.command, command.plugin, static_cast<long long>(waited));
    // Answered like any other reply: posted, and counted out of in_flight there.
    answer(std::exchange(command.done, {}),
           failed_reply(command.command, "Command did not finish: plugin " + command.plugin +
                                             " gave no answer within " +
                                             std::to_string(waited / 1000) + " s"));
  }
}

}  // namespace ampd
