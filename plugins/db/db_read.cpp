#include <string>

#include "db_cli.hpp"
#include "db_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::iequals;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace db_plugin {

namespace {

// Entries are records named after DBGetTree's event, split into Family, Key and Val alike
// whichever way they were read.
constexpr const char* kRecord = "DBGetTreeResponse";

void add_entry(Reply& reply, const DbEntry& entry) {
  reply.record(kRecord).add("Family", entry.family).add("Key", entry.key).add("Val", entry.val);
}

// DBGetTree exists from 16.28/18.14/20; older releases (and 1.4) list with the CLI.
bool may_have_dbgettree(const Request& request) {
  const auto server = request.server();
  const int major = server ? server->major : 0;
  return major == 0 || major >= 16;
}

// Every entry (of `family` if given), as a list.
void list_entries(const Request& request, const std::string& family, Reply& reply) {
  if (may_have_dbgettree(request)) {
    AmiAction action("DBGetTree");
    if (!family.empty()) action.add("Family", family);
    const auto result = request.call(action);
    if (result.success()) {
      reply.list();
      for (const auto& event : result.events()) {
        DbEntry entry;
        entry.val = event.get("Val");
        if (split_path(event.get("Key"), entry)) add_entry(reply, entry);
      }
      return;
    }
    // An empty tree is an error to DBGetTree; to a listing it is no entries.
    if (result.ok() && result.error() == "Database entry not found") return reply.list();
    if (!unknown_action(result)) return reply.error(result.error());
  }
  const auto cli =
      run_cli(request, family.empty() ? "database show" : "database show " + cli_word(family));
  if (!cli.ok) return reply.error(cli.error);
  reply.list();
  for (const auto& entry : parse_database_show(cli.lines)) add_entry(reply, entry);
}

}  // namespace

// With Key: the value as Family/Key/Val fields (DBGet in every generation). Without Key: the
// family's entries as a list, as DBShow Family=... gives them.
void db_get(const Request& request, Reply& reply) {
  const std::string family = request.get("Family"), key = request.get("Key");
  if (key.empty()) return list_entries(request, family, reply);
  AmiAction action("DBGet");
  action.add("Family", family).add("Key", key);
  const auto result = request.call(action);
  if (!result.success()) return reply.error(result.error());
  for (const auto& event : result.events()) {
    if (!iequals(event.get("Event"), "DBGetResponse")) continue;
    reply.add("Family", event.get("Family", family));
    reply.add("Key", event.get("Key", key));
    reply.add("Val", event.get("Val"));
    return;
  }
  reply.error("Asterisk answered DBGet without a DBGetResponse");
}

void db_show(const Request& request, Reply& reply) {
  list_entries(request, request.get("Family"), reply);
}

}  // namespace db_plugin
