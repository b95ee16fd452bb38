// ampd --list-plugins: what the plugin directory holds, as the daemon would load it.
#pragma once

#include <ostream>
#include <string>

namespace ampd {

// Prints the core's own commands, then loads every plugin in `dir` and prints each plugin with
// its version and commands (privilege, arguments, summary) and each refused file with the reason,
// then unloads them. Returns 0 when every plugin loaded, 1 when one was refused or the directory
// cannot be read.
int list_plugins(const std::string& dir, std::ostream& out);

}  // namespace ampd
