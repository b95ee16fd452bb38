// Handlers for Monitor, ChangeMonitor and StopMonitor: res_monitor where Asterisk has it (1.4 ..
// 20), MixMonitor where it is gone (21+, or not loaded).
#pragma once

#include <ampd/sdk.hpp>

namespace channel {

void monitor(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void change_monitor(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void stop_monitor(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

}  // namespace channel
