// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "db_plugin.hpp"

AMPD_PLUGIN("db", "1.0", load_db_plugin)
