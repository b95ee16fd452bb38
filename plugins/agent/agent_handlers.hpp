// The agent plugin's handlers.
#pragma once

#include <ampd/sdk.hpp>

namespace agent_plugin {

// agent_login.cpp: logging agents in and off.
void agent_callback_login(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void agent_logoff(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

// agent_info.cpp: the Agents list.
void agent_info(ampd::sdk::AsyncRequest call);

}  // namespace agent_plugin
