// Kept apart from the handlers so unit tests link the handlers without this exported symbol.
#include "channel_plugin.hpp"

AMPD_PLUGIN("channel", "1.0", load_channel_plugin)
