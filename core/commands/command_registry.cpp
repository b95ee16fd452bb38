#include "commands/command_registry.hpp"

#include "base/text.hpp"

namespace ampd {

std::string check_command(const Command& command, const Identity& who, const Message& request) {
  if (static_cast<int>(who.type) < static_cast<int>(command.privilege)) {
    return "Permission denied: " + command.name + " requires " +
           client_type_name(command.privilege) + " privilege";
  }
  for (const auto& arg : command.args) {
    // As Asterisk's actions do, a required argument sent empty counts as missing.
    if (arg.required && request.get(arg.name).empty()) {
      return command.name + " requires the argument " + arg.name;
    }
  }
  return {};
}

bool CommandRegistry::set_privilege(std::string_view name, ClientType privilege,
                                    std::string& error) {
  const auto it = commands_.find(to_lower(name));
  if (it == commands_.end()) {
    error = "no such command";
    return false;
  }
  auto& command = it->second;
  if (command.verb == CoreVerb::Login) {
    error = "logging in needs no privilege";
    return false;
  }
  command.privilege = privilege;
  command.before_login = false;
  return true;
}

bool CommandRegistry::add(Command command, std::string& error) {
  auto key = to_lower(command.name);
  if (const auto it = commands_.find(key); it != commands_.end()) {
    error = "command " + command.name +
            (it->second.verb != CoreVerb::None
                 ? std::string(" is built into ampd")
                 : " is already registered by plugin " + it->second.plugin);
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
