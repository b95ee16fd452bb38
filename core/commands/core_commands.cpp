#include "commands/core_commands.hpp"

#include <string>
#include <vector>

namespace ampd {

namespace {

struct CoreCommand {
  const char* name;
  CoreVerb verb;
  ClientType privilege;
  bool before_login;
  std::vector<CommandArg> args;
  const char* summary;
};

const std::vector<CoreCommand>& core_command_table() {
  static const std::vector<CoreCommand> table{
      {"Login",
       CoreVerb::Login,
       ClientType::Monitor,
       true,
       {},
       "Log in: Username, Secret (or Key after Challenge), Type, Events, Format"},
      {"Register", CoreVerb::Login, ClientType::Monitor, true, {}, "Login, by another name"},
      {"Logoff", CoreVerb::Logoff, ClientType::Monitor, true, {}, "Say goodbye and close"},
      {"Logout", CoreVerb::Logoff, ClientType::Monitor, true, {}, "Logoff, by another name"},
      {"Ping", CoreVerb::Ping, ClientType::Monitor, true, {}, "Answer Pong with a timestamp"},
      {"Challenge",
       CoreVerb::Challenge,
       ClientType::Monitor,
       true,
       {{"AuthType", false}},
       "A challenge for an MD5 login"},
      {"Events",
       CoreVerb::Events,
       ClientType::Monitor,
       false,
       {{"EventMask", false}},
       "Choose this client's events: on, off or a list of event classes"},
      {"Filter",
       CoreVerb::Filter,
       ClientType::Monitor,
       false,
       {{"Operation", true}, {"Filter", false}},
       "Add an event filter to this session, as Asterisk's eventfilter ('!' excludes)"},
      {"ProfileList",
       CoreVerb::ProfileList,
       ClientType::Administrator,
       false,
       {},
       "List the users"},
      {"ProfileGet",
       CoreVerb::ProfileGet,
       ClientType::Administrator,
       false,
       {{"Username", true}},
       "One user's profile, without its secret"},
      {"ProfileUpdate",
       CoreVerb::ProfileUpdate,
       ClientType::Administrator,
       false,
       {{"Username", true},
        {"Secret", false},
        {"Types", false},
        {"AgentID", false},
        {"Interface", false},
        {"Format", false}},
       "Create or change a user"},
      {"ProfileDelete",
       CoreVerb::ProfileDelete,
       ClientType::Administrator,
       false,
       {{"Username", true}},
       "Delete a user and close its sessions"},
  };
  return table;
}

}  // namespace

bool answered_in_session(CoreVerb verb) {
  switch (verb) {
    case CoreVerb::Login:
    case CoreVerb::Logoff:
    case CoreVerb::Ping:
    case CoreVerb::Challenge:
    case CoreVerb::Events:
    case CoreVerb::Filter:
      return true;
    default:
      return false;
  }
}

void add_core_commands(CommandRegistry& registry,
                       const std::function<CoreHandler(CoreVerb)>& bind) {
  for (const auto& entry : core_command_table()) {
    Command command;
    command.name = entry.name;
    command.privilege = entry.privilege;
    command.args = entry.args;
    command.summary = entry.summary;
    command.plugin = kCorePlugin;
    command.verb = entry.verb;
    command.before_login = entry.before_login;
    if (bind && !answered_in_session(entry.verb)) command.core_handler = bind(entry.verb);
    std::string error;
    registry.add(std::move(command), error);  // the table has no duplicate names
  }
}

}  // namespace ampd
