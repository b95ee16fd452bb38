// Commands by name, as plugins registered them. Filled while plugins load and read-only after
// that, so the reactor and the workers read it without locking.
#pragma once

#include <ampd/plugin_abi.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/users.hpp"

namespace ampd {

struct CommandArg {
  std::string name;
  bool required = false;
};

struct Command {
  std::string name;  // canonical spelling
  ClientType privilege = ClientType::Monitor;
  std::vector<CommandArg> args;
  std::string summary;
  std::string plugin;                             // owning plugin's name
  ampd_handler_fn handler = nullptr;              // runs on a worker, or
  ampd_async_handler_fn async_handler = nullptr;  // runs on the reactor (exactly one is set)
  void* user_data = nullptr;
  void (*free_user_data)(void*) = nullptr;
};

class CommandRegistry {
 public:
  // Commands the core answers itself; no plugin may take these names.
  static bool is_builtin(std::string_view name);

  // False (with the reason) when the name is a built-in or already registered.
  bool add(Command command, std::string& error);
  // Overrides the privilege a plugin declared (the [permissions] section). False if unknown.
  bool set_privilege(std::string_view name, ClientType privilege);
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
