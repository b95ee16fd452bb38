// Handlers for the channel commands that map one to one onto an AMI action, plus ChannelInfo.
#pragma once

#include <ampd/sdk.hpp>

namespace channel {

void absolute_timeout(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void channel_info(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void hangup(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void redirect(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void getvar(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void setvar(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

}  // namespace channel
