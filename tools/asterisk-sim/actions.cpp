#include "actions.h"

#include <cstdio>

namespace sim {

Message ActionCtx::response(std::string_view status) const {
  Message m;
  m.add("Response", std::string(status));
  add_id(m);
  return m;
}

Message ActionCtx::response(std::string_view status, std::string_view message,
                            bool list_start) const {
  Message m = response(status);
  if (list_start && modern()) m.add("EventList", "start");
  m.add("Message", std::string(message));
  return m;
}

void ActionCtx::add_id(Message& m) const {
  std::string id = action_id();
  if (!id.empty()) m.add("ActionID", id);
}

Message ActionCtx::list_complete(std::string_view event, int items) const {
  Message m;
  m.add("Event", std::string(event));
  add_id(m);
  if (modern()) {
    m.add("EventList", "Complete");
    m.add("ListItems", items);
  }
  return m;
}

void Registry::add(std::string name, std::string synopsis, std::string priv, Handler fn,
                   std::function<bool(const Options&)> available) {
  defs_.push_back(
      {std::move(name), std::move(synopsis), std::move(priv), std::move(fn), std::move(available)});
}

const ActionDef* Registry::find(std::string_view name, const Options& opt) const {
  for (const auto& d : defs_)
    if (iequals(d.name, name) && (!d.available || d.available(opt))) return &d;
  return nullptr;
}

const Registry& registry() {
  static const Registry r = [] {
    Registry reg;
    register_core_actions(reg);
    register_command_action(reg);
    register_db_actions(reg);
    register_queue_actions(reg);
    register_channel_actions(reg);
    register_info_actions(reg);
    register_sim_actions(reg);
    return reg;
  }();
  return r;
}

void dispatch(Server& srv, Session& s, const RequestParser::Item& item) {
  ActionCtx ctx{srv, s, item.msg};
  if (!item.error.empty()) {
    ctx.error(item.error);
    return;
  }
  const std::string action = item.msg.get("Action");
  if (action.empty()) {
    ctx.error("Missing action in request");
    return;
  }
  // Before authentication only these three are allowed (manager.c process_message).
  if (!s.authenticated && !iequals(action, "Login") && !iequals(action, "Logoff") &&
      !iequals(action, "Challenge")) {
    ctx.error("Permission denied");
    return;
  }
  const ActionDef* def = registry().find(action, srv.opt());
  if (!def) {
    ctx.error("Invalid/unknown command: " + action +
              ". Use Action: ListCommands to show available commands.");
    return;
  }
  if (srv.opt().verbose) std::fprintf(stderr, "sim: %s: %s\n", s.peer.c_str(), def->name.c_str());
  def->fn(ctx);
}

}  // namespace sim
