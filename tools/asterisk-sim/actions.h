// Action dispatch: the context a handler gets, the registry of actions, and the
// entry point the server calls for each parsed request.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "message.h"
#include "options.h"
#include "parser.h"
#include "server.h"
#include "session.h"
#include "state.h"

namespace sim {

struct ActionCtx {
  Server& srv;
  Session& s;
  const Message& req;

  SimState& st() { return srv.state(); }
  const Options& opt() const { return srv.opt(); }
  bool modern() const { return srv.opt().modern(); }
  std::string arg(std::string_view name) const { return req.get(name); }
  std::string action_id() const { return req.get("ActionID"); }

  // "Response: <status>" then "ActionID: <id>" when the request had one (astman_start_ack).
  Message response(std::string_view status) const;
  // Response + ActionID + [EventList: start] + Message — astman_send_response_full order.
  Message response(std::string_view status, std::string_view message,
                   bool list_start = false) const;
  void reply(const Message& m) { srv.send(s, m); }
  void ack(std::string_view message) { reply(response("Success", message)); }
  void error(std::string_view message) { reply(response("Error", message)); }
  // Appends "ActionID: <id>" when the request had one (list items, Complete events).
  void add_id(Message& m) const;
  // "Event: <name>Complete" list terminator: EventList/ListItems only in the modern dialect.
  Message list_complete(std::string_view event, int items) const;
  void broadcast(const Message& ev) { srv.broadcast(ev); }

  // Keeps the session busy after the handler returns; call srv.finish_action(id) later.
  uint64_t hold() {
    s.held_action = true;
    return s.id;
  }
};

using Handler = std::function<void(ActionCtx&)>;

struct ActionDef {
  std::string name;
  std::string synopsis;
  std::string priv;  // shown by ListCommands
  Handler fn;
  // Whether this action exists with the given options (dialect, --chan-sip, ...).
  std::function<bool(const Options&)> available;
};

class Registry {
 public:
  void add(std::string name, std::string synopsis, std::string priv, Handler fn,
           std::function<bool(const Options&)> available = nullptr);
  const ActionDef* find(std::string_view name, const Options& opt) const;
  const std::vector<ActionDef>& all() const { return defs_; }

 private:
  std::vector<ActionDef> defs_;
};

// Availability helpers.
inline bool modern_only(const Options& o) { return o.modern(); }
inline bool old_only(const Options& o) { return !o.modern(); }

// One registration function per action family (act_*.cpp).
void register_core_actions(Registry& r);
void register_command_action(Registry& r);
void register_db_actions(Registry& r);
void register_queue_actions(Registry& r);
void register_channel_actions(Registry& r);
void register_info_actions(Registry& r);
void register_sim_actions(Registry& r);

const Registry& registry();

// Runs one request for a session (process_message() in Asterisk's manager.c).
void dispatch(Server& srv, Session& s, const RequestParser::Item& item);

}  // namespace sim
