#include <string>

#include "db_cli.hpp"
#include "db_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace db_plugin {

namespace {

bool asterisk_14(const Request& request) {
  const auto server = request.server();
  return server && server->major == 1;
}

// The CLI's "database del/deltree" always succeed as commands; their text says what happened
// ("Database entry removed.", "2 database entries removed.", "... does not exist.").
void answer_from_cli(const Request& request, const std::string& command, Reply& reply) {
  const auto cli = run_cli(request, command);
  if (!cli.ok) return reply.error(cli.error);
  std::string text;
  for (const auto& line : cli.lines) {
    if (!line.empty()) {
      text = line;
      break;
    }
  }
  if (text.find("removed") == std::string::npos) {
    return reply.error(text.empty() ? "Asterisk gave no answer to " + command : text);
  }
  reply.message(text);
}

// The manager action where Asterisk has it (1.6+), else the CLI command.
void action_or_cli(const Request& request, const AmiAction& action, const std::string& command,
                   Reply& reply) {
  if (!asterisk_14(request)) {
    const auto result = request.call(action);
    if (result.success()) return reply.message(result.response().get("Message"));
    if (!unknown_action(result)) return reply.error(result.error());
  }
  answer_from_cli(request, command, reply);
}

}  // namespace

void db_put(const Request& request, Reply& reply) {
  AmiAction action("DBPut");
  action.add("Family", request.get("Family"))
      .add("Key", request.get("Key"))
      .add("Val", request.get("Val"));
  const auto result = request.call(action);
  if (!result.success()) return reply.error(result.error());
  reply.message(result.response().get("Message"));
}

void db_del(const Request& request, Reply& reply) {
  const std::string family = request.get("Family"), key = request.get("Key");
  AmiAction action("DBDel");
  action.add("Family", family).add("Key", key);
  action_or_cli(request, action, "database del " + cli_word(family) + " " + cli_word(key), reply);
}

// Without Key the whole family goes.
void db_deltree(const Request& request, Reply& reply) {
  const std::string family = request.get("Family"), key = request.get("Key");
  AmiAction action("DBDelTree");
  action.add("Family", family);
  std::string command = "database deltree " + cli_word(family);
  if (!key.empty()) {
    action.add("Key", key);
    command += " " + cli_word(key);
  }
  action_or_cli(request, action, command, reply);
}

}  // namespace db_plugin
