// One configured Asterisk: an events connection, a pool of command connections, the actions in
// flight and their routing. Asterisk runs one action at a time per session and answers in order,
// so actions are spread over the command connections and a slow one (a synchronous Originate)
// gets a connection of its own. Runs on the reactor thread, except info().
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "asterisk/ami_connection.hpp"
#include "asterisk/asterisk_gateway.hpp"
#include "asterisk/stream_flow.hpp"
#include "base/text.hpp"
#include "net/timer.hpp"

namespace ampd {

class AsteriskEventSink {
 public:
  virtual ~AsteriskEventSink() = default;
  // An event for every client allowed to see it.
  virtual void on_asterisk_event(const std::string& server, const Message& event) = 0;
  // An event answering one client's action (OriginateResponse), ActionID already the client's.
  virtual void on_session_event(std::uint64_t session_id, const Message& event) = 0;
  // The server became usable (a command session is up) or unusable (none left).
  virtual void on_link_state(const std::string& server, bool up) = 0;
};

class AsteriskServer {
 public:
  using Done = std::function<void(AmiResult)>;
  // One message of a streamed answer (the response, each list event, the ...Complete event),
  // the client's ActionID in place of ampd's.
  using Part = std::function<void(Message&)>;

  AsteriskServer(Reactor& reactor, AsteriskConfig config, ActionIds& ids, AsteriskEventSink& sink);
  ~AsteriskServer();

  void start();
  // Reactor thread. `done` is called exactly once, on the reactor thread, after submit returns.
  // With `part`, the answer is streamed through it as it arrives rather than collected: `done`
  // then gets an empty Ok result at the end, or the failure.
  void submit(const CallContext& context, Message action, std::chrono::milliseconds timeout,
              Done done, Part part = {}, std::shared_ptr<StreamFlow> flow = nullptr);
  AsteriskInfo info() const;
  // Stops or resumes reading the events session (commands keep flowing).
  void pause_events(bool paused) { events_->pause_reading(paused); }
  const AsteriskConfig& config() const { return config_; }

 private:
  struct Pending {
    std::string id;
    CallContext context;
    Message action;
    Done done;                         // empty once answered (timed out, or internal)
    Part part;                         // streamed: each message goes here instead of into `result`
    std::shared_ptr<StreamFlow> flow;  // streamed to another thread: its flow control
    std::chrono::steady_clock::time_point deadline;
    int connection = -1;  // index into commands_, -1 while queued
    bool exclusive = false;
    bool in_list = false;
    bool old_style_list = false;  // no EventList header: ends with ...Complete or DBGetResponse
    bool answered = false;        // its response has come
    std::vector<Message> raised;  // events it raised, held until its response has gone out
    AmiResult result;
  };
  struct LateRoute {
    std::uint64_t session_id;
    std::string client_action_id;
    std::chrono::steady_clock::time_point expires;
  };

  void on_ready(AmiConnection& connection);
  void on_lost(AmiConnection& connection, const std::string& reason);
  void on_message(AmiConnection& connection, Message& message);
  void on_event_connection_message(Message& message);
  // Remembers which client ActionID ampd's `id` stands for, for the events it raises.
  void remember_sent(const std::string& id, const std::string& client_action_id);
  // Delivers the events an action raised, held until its answer had gone out.
  void release_raised(std::vector<Message> raised);
  void on_answer(Pending& pending, Message& message);
  // The message is part of the answer (not a stray); it is collected or streamed.
  void take(Pending& pending, Message& message, std::vector<Message>* into);
  void finish(const std::string& id);
  void fail(const std::string& id, AmiResult::Status status, const std::string& error,
            bool keep = false);
  void dispatch_queued();
  bool try_send(Pending& pending);
  void sweep();
  void detect_version();
  bool any_command_ready() const;
  bool any_command_answering() const;  // ready and not being probed

  Reactor& reactor_;
  AsteriskConfig config_;
  ActionIds& ids_;
  AsteriskEventSink& sink_;
  std::unique_ptr<AmiConnection> events_;
  std::vector<std::unique_ptr<AmiConnection>> commands_;
  std::vector<std::deque<std::string>> outstanding_;  // per command connection, in send order
  std::vector<bool> held_;  // per command connection: an exclusive action is on it
  std::unordered_map<std::string, Pending, StringHash, std::equal_to<>> pending_;
  std::deque<std::string> queued_;
  std::unordered_map<std::string, LateRoute, StringHash, std::equal_to<>> late_routes_;
  // ampd's ActionID -> the client's, for the actions sent lately (oldest first in sent_order_):
  // Asterisk copies an action's ActionID into events it raises (a UserEvent), and everyone sees
  // those with the client's ActionID.
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> sent_ids_;
  std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> sent_order_;
  Timer sweep_timer_;
  bool version_known_ = false;
  bool was_connected_ = false;

  mutable std::mutex info_mutex_;
  AsteriskInfo info_;
};

}  // namespace ampd
