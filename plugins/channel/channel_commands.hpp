// Handlers for the channel commands that map onto AMI actions (asynchronous: they only
// forward).
#pragma once

#include <ampd/sdk.hpp>

namespace channel {

void absolute_timeout(ampd::sdk::AsyncRequest call);
void channel_info(ampd::sdk::AsyncRequest call);
void hangup(ampd::sdk::AsyncRequest call);
void redirect(ampd::sdk::AsyncRequest call);
void getvar(ampd::sdk::AsyncRequest call);
void setvar(ampd::sdk::AsyncRequest call);

}  // namespace channel
