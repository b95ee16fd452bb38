// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "agent_plugin.hpp"

AMPD_PLUGIN("agent", "1.0", load_agent_plugin)
