// The commands ampd answers itself, in the same table as the plugins' commands (under the
// plugin name "core"), so [permissions], the in-flight cap, the shutdown refusal and
// --list-plugins cover them as they cover every other command. Their names are written here
// only; the code that answers them knows them by their CoreVerb.
#pragma once

#include <functional>

#include "commands/command_registry.hpp"

namespace ampd {

inline constexpr const char* kCorePlugin = "core";

// What a client session answers at once because it changes the session itself (Login,
// Logoff, Ping, Challenge, Events); the rest is run by the dispatcher on the main reactor.
bool answered_in_session(CoreVerb verb);

// Adds every core command to `registry`, each with the handler `bind` gives its verb (none for
// the ones a session answers, and none at all for a listing).
void add_core_commands(CommandRegistry& registry,
                       const std::function<CoreHandler(CoreVerb)>& bind = {});

}  // namespace ampd
