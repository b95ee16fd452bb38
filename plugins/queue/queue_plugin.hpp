// The queue plugin: QueueAdd, QueueRemove, QueuePause (queue membership) and QueueInfo.
#pragma once

#include <ampd/sdk.hpp>

void load_queue_plugin(ampd::sdk::Registrar& registrar);
