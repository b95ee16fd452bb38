// The channel plugin: AbsoluteTimeout, ChannelInfo, Hangup, Redirect, Getvar, Setvar and the
// Monitor family (Monitor, ChangeMonitor, StopMonitor).
#pragma once

#include <ampd/sdk.hpp>

void load_channel_plugin(ampd::sdk::Registrar& registrar);
