// Kept apart from the handlers so unit tests link them without this exported symbol.
#include "statistics_plugin.hpp"

AMPD_PLUGIN_WITH_UNLOAD("statistics", "1.0", load_statistics_plugin, unload_statistics_plugin)
