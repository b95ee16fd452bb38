// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "queue_plugin.hpp"

AMPD_PLUGIN("queue", "1.0", load_queue_plugin)
