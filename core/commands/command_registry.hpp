// Every command by name: the core's own (core_commands.hpp) and the ones plugins registered.
// Filled while plugins load and read-only after that, so the reactor and the workers read it
// without locking; client sessions read a copy published to their shard.
#pragma once

#include <ampd/plugin_abi.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/login.hpp"
#include "auth/users.hpp"
#include "wire/message.hpp"
#include "wire/reply.hpp"

namespace ampd {

struct CommandArg {
  std::string name;
  bool required = false;
};

// Which of the core's own commands a Command is (None: a plugin's).
enum class CoreVerb {
  None,
  Login,
  Logoff,
  Ping,
  Challenge,
  Events,
  Filter,
  ProfileList,
  ProfileGet,
  ProfileUpdate,
  ProfileDelete,
};

// A core command run by the dispatcher, on the main reactor. `done` may be called later and
// from any thread, exactly once.
using CoreHandler = std::function<void(const Identity& who, const Message& request,
                                       std::function<void(Reply)> done)>;

struct Command {
  std::string name;  // canonical spelling
  ClientType privilege = ClientType::Monitor;
  std::vector<CommandArg> args;
  std::string summary;
  std::string plugin;                             // owning plugin's name
  ampd_handler_fn handler = nullptr;              // runs on a worker, or
  ampd_async_handler_fn async_handler = nullptr;  // runs on the reactor (one of the three)
  void* user_data = nullptr;
  void (*free_user_data)(void*) = nullptr;
  CoreVerb verb = CoreVerb::None;
  CoreHandler core_handler;   // a core command the dispatcher runs
  bool before_login = false;  // may be sent before logging in (Login, Ping, ...)
};

// The check made before a command runs: empty if `who` may run it with these fields, else the
// error message (naming the privilege needed, or the missing argument).
std::string check_command(const Command& command, const Identity& who, const Message& request);

class CommandRegistry {
 public:
  // False (with the reason) when the name is already registered (the core's first).
  bool add(Command command, std::string& error);
  // Overrides the privilege a command declared (the [permissions] section); a command open
  // before login then needs a login too. False (with the reason) if unknown or not changeable.
  bool set_privilege(std::string_view name, ClientType privilege, std::string& error);
  // Case-insensitive; nullptr if unknown.
  const Command* find(std::string_view name) const;
  // Removes a plugin's commands and returns them, so the caller can free their user data.
  std::vector<Command> remove_plugin(const std::string& plugin);
  // Sorted by name.
  std::vector<const Command*> commands() const;

 private:
  std::map<std::string, Command> commands_;  // by lowercase name
};

}  // namespace ampd
