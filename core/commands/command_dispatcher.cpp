#include "commands/command_dispatcher.hpp"

#include <memory>

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
    auto finished = start_async_handler(
        *command,
        AsyncCall{who, request, request.get("Server"), {session_id, request.get("ActionID")}},
        gateway_, [this, done](Reply later) {
          --in_flight_;
          done(std::move(later));
        });
    if (finished) answer(std::move(done), std::move(*finished));
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

}  // namespace ampd
