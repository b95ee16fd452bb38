// Runs the commands of the table for client sessions: checks privilege and required arguments
// on the reactor, runs a plugin's handler on a worker (an asynchronous one, or a core command,
// on the reactor), and hands the Reply back on the reactor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "asterisk/asterisk_gateway.hpp"
#include "auth/login.hpp"
#include "commands/command_registry.hpp"
#include "net/worker_pool.hpp"
#include "wire/message.hpp"
#include "wire/reply.hpp"

namespace ampd {

class CommandDispatcher {
 public:
  using PostToReactor = std::function<void(std::function<void()>)>;

  CommandDispatcher(const CommandRegistry& registry, WorkerPool& workers, AsteriskGateway& gateway,
                    PostToReactor post_to_reactor)
      : registry_(registry),
        workers_(workers),
        gateway_(gateway),
        post_(std::move(post_to_reactor)) {}

  // Checks privilege (administrator > agent > monitor; the error names the privilege needed)
  // and required arguments (the error names the missing one) and answers errors itself;
  // otherwise runs the handler on a worker, or an async handler right here. A full worker queue
  // is answered at once with a busy error. `done` always runs on the reactor thread, never
  // before dispatch returns. The request's optional Server field picks the Asterisk server.
  void dispatch(const Identity& who, std::uint64_t session_id, const Message& request,
                std::function<void(Reply)> done);

  // Commands dispatched and not answered yet, whether or not their client is still there.
  // Reactor thread.
  unsigned in_flight() const { return in_flight_; }

  // Asynchronous plugin commands in flight for longer than `limit` are given up: each is
  // reported in the log with its plugin and command, and its client gets an error. Their
  // plugins may still finish them (the answer is then dropped), so until they do they count as
  // given_up(), not in_flight(). Reactor thread.
  void give_up_overdue(std::chrono::milliseconds limit);
  unsigned given_up() const;

 private:
  void answer(std::function<void(Reply)> done, Reply reply);
  // An async command's answer, or its late finish after it was given up.
  void finish_async(std::uint64_t token, Reply reply);

  struct AsyncInFlight {
    std::string plugin;
    std::string command;
    std::chrono::steady_clock::time_point started;
    std::function<void(Reply)> done;  // empty once given up
  };

  const CommandRegistry& registry_;
  WorkerPool& workers_;
  AsteriskGateway& gateway_;
  PostToReactor post_;
  unsigned in_flight_ = 0;
  std::map<std::uint64_t, AsyncInFlight> async_;
  std::uint64_t next_async_ = 1;
};

}  // namespace ampd
