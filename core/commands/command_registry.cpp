#include "commands/command_registry.hpp"

#include "base/text.hpp"

namespace ampd {

bool CommandRegistry::is_builtin(std::string_view name) {
  for (const char* b :
       {"Login", "Register", "Logoff", "Logout", "Ping", "Events", "Challenge", "ProfileList",
        "ProfileGet", "ProfileUpdate", "ProfileDelete", "StatisticInfo", "AgentActivity"}) {
    if (iequals(name, b)) return true;
  }
  return false;
}

bool CommandRegistry::set_privilege(std::string_view name, ClientType privilege) {
  const auto it = commands_.find(to_lower(name));
  if (it == commands_.end()) return false;
  it->second.privilege = privilege;
  return true;
}

bool CommandRegistry::add(Command command, std::string& error) {
  if (is_builtin(command.name)) {
    error = "command " + command.name + " is built into ampd";
    return false;
  }
  auto key = to_lower(command.name);
  if (const auto it = commands_.find(key); it != commands_.end()) {
    error = "command " + command.name + " is already registered by plugin " + it->second.plugin;
    return false;
  }
  commands_.emplace(std::move(key), std::move(command));
  return true;
}

const Command* CommandRegistry::find(std::string_view name) const {
  const auto it = commands_.find(to_lower(name));
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<Command> CommandRegistry::remove_plugin(const std::string& plugin) {
  std::vector<Command> removed;
  for (auto it = commands_.begin(); it != commands_.end();) {
    if (it->second.plugin == plugin) {
      removed.push_back(std::move(it->second));
      it = commands_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<const Command*> CommandRegistry::commands() const {
  std::vector<const Command*> out;
  for (const auto& [key, command] : commands_) out.push_back(&command);
  return out;
}

}  // namespace ampd
