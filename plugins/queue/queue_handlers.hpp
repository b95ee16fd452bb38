// The queue plugin's handlers, one file per concern.
#pragma once

#include <ampd/sdk.hpp>
#include <string>

namespace queue_plugin {

// queue_members.cpp: the same action names in every Asterisk generation.
void queue_add(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void queue_remove(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void queue_pause(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

// queue_info.cpp: QueueStatus, whose list events become the records.
void queue_info(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

// own_interface.cpp: whether an agent client with `agent_id` may act on `interface`.
bool is_own_interface(const std::string& interface, const std::string& agent_id);

}  // namespace queue_plugin
