// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "custom_plugin.hpp"

AMPD_PLUGIN("custom", "1.0", load_custom_plugin)
