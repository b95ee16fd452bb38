// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "originate_plugin.hpp"

AMPD_PLUGIN("originate", "1.0", load_originate_plugin)
