// The agent plugin: AgentCallbackLogin (Asterisk 1.4 only), AgentLogoff and AgentInfo.
#pragma once

#include <ampd/sdk.hpp>

void load_agent_plugin(ampd::sdk::Registrar& registrar);
