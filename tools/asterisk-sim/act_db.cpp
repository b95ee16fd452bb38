// AstDB actions: DBGet, DBPut (1.4+), DBDel, DBDelTree (1.6+), DBGetTree (16.28/18.14/20+).
#include "actions.h"

namespace sim {
namespace {

void action_dbget(ActionCtx& ctx) {
  const std::string family = ctx.arg("Family"), key = ctx.arg("Key");
  if (family.empty()) return ctx.error("No family specified.");
  if (key.empty()) return ctx.error("No key specified.");
  auto it = ctx.st().db.find("/" + family + "/" + key);
  if (it == ctx.st().db.end()) return ctx.error("Database entry not found");
  ctx.reply(ctx.response("Success", "Result will follow", true));
  Message ev;
  ev.add("Event", "DBGetResponse").add("Family", family).add("Key", key).add("Val", it->second);
  ctx.add_id(ev);
  ctx.reply(ev);
  // DBGetComplete arrived in 1.8; 1.4 ends the exchange with the DBGetResponse event.
  if (ctx.modern()) ctx.reply(ctx.list_complete("DBGetComplete", 1));
}

void action_dbput(ActionCtx& ctx) {
  const std::string family = ctx.arg("Family"), key = ctx.arg("Key");
  if (family.empty()) return ctx.error("No family specified");
  if (key.empty()) return ctx.error("No key specified");
  ctx.st().db["/" + family + "/" + key] = ctx.arg("Val");
  ctx.ack("Updated database successfully");
}

void action_dbdel(ActionCtx& ctx) {
  const std::string family = ctx.arg("Family"), key = ctx.arg("Key");
  if (family.empty()) return ctx.error("No family specified.");
  if (key.empty()) return ctx.error("No key specified.");
  if (ctx.st().db.erase("/" + family + "/" + key) == 0)
    return ctx.error("Database entry not found");
  ctx.ack("Key deleted successfully");
}

// Keys under "/family" or "/family/key": the prefix itself or followed by '/'.
bool under(const std::string& path, const std::string& prefix) {
  return path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string tree_prefix(ActionCtx& ctx) {
  std::string p = "/" + ctx.arg("Family");
  if (!ctx.arg("Key").empty()) p += "/" + ctx.arg("Key");
  return p;
}

void action_dbdeltree(ActionCtx& ctx) {
  if (ctx.arg("Family").empty()) return ctx.error("No family specified.");
  const std::string prefix = tree_prefix(ctx);
  int n = 0;
  auto& db = ctx.st().db;
  for (auto it = db.begin(); it != db.end();) {
    if (under(it->first, prefix)) {
      it = db.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  if (n == 0) return ctx.error("Database entry not found");
  ctx.ack("Key tree deleted successfully");
}

void action_dbgettree(ActionCtx& ctx) {
  std::string prefix = ctx.arg("Family").empty() ? "" : tree_prefix(ctx);
  int n = 0;
  for (const auto& [k, v] : ctx.st().db) {
    if (!prefix.empty() && !under(k, prefix)) continue;
    if (n++ == 0) ctx.reply(ctx.response("Success", "Result will follow", true));
    Message ev;
    ev.add("Event", "DBGetTreeResponse").add("Key", k).add("Val", v);
    ctx.add_id(ev);
    ctx.reply(ev);
  }
  if (n == 0) return ctx.error("Database entry not found");
  ctx.reply(ctx.list_complete("DBGetTreeComplete", n));
}

}  // namespace

void register_db_actions(Registry& r) {
  r.add("DBGet", "Get DB Entry.", "system,reporting,all", action_dbget);
  r.add("DBPut", "Put DB entry.", "system,all", action_dbput);
  r.add("DBDel", "Delete DB entry.", "system,all", action_dbdel, modern_only);
  r.add("DBDelTree", "Delete DB Tree.", "system,all", action_dbdeltree, modern_only);
  r.add("DBGetTree", "Get DB entries, optionally at a particular family/key",
        "system,reporting,all", action_dbgettree, modern_only);
}

}  // namespace sim
