// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "system_plugin.hpp"

AMPD_PLUGIN("system", "1.0", load_system_plugin)
