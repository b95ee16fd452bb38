// ampd --list-plugins: what the plugin directory holds, as the daemon would load it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "commands/plugin_loader.hpp"

namespace ampd {

// Prints the core's own commands, then loads every plugin in `dir` and prints each plugin with
// its version and commands (privilege, arguments, summary) and each refused file with the reason,
// then unloads them. Returns 0 when every plugin loaded, 1 when one was refused or the directory
// cannot be read.
int list_plugins(const std::string& dir, std::ostream& out);

// [plugin.NAME] sections that no plugin (loaded, or refused after it said its name) claims, as
// "[plugin.NAME]".
std::vector<std::string> unclaimed_sections(const PluginLoader& loader,
                                            const PluginLoader::Sections& sections);

// --check-config: loads every plugin in `dir` with these sections, as the daemon would, and
// returns each problem (a refused plugin, a section no plugin claims).
std::vector<std::string> check_plugins(const std::string& dir,
                                       const PluginLoader::Sections& sections);

}  // namespace ampd
