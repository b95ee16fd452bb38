// Handlers for the channel commands that map one to one onto an AMI action (asynchronous: they
// only forward), plus ChannelInfo.
#pragma once

#include <ampd/sdk.hpp>

namespace channel {

void absolute_timeout(ampd::sdk::AsyncRequest call);
void channel_info(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void hangup(ampd::sdk::AsyncRequest call);
void redirect(ampd::sdk::AsyncRequest call);
void getvar(ampd::sdk::AsyncRequest call);
void setvar(ampd::sdk::AsyncRequest call);

}  // namespace channel
