// The queue plugin's handlers, one file per concern.
#pragma once

#include <ampd/sdk.hpp>
#include <string>

namespace queue_plugin {

// queue_members.cpp: the same action names in every Asterisk generation; asynchronous, as
// they only forward.
void queue_add(ampd::sdk::AsyncRequest call);
void queue_remove(ampd::sdk::AsyncRequest call);
void queue_pause(ampd::sdk::AsyncRequest call);

// queue_info.cpp: QueueStatus, whose list events become the records.
void queue_info(ampd::sdk::AsyncRequest call);

// own_interface.cpp: whether an agent client with `agent_id` may act on `interface`.
bool is_own_interface(const std::string& interface, const std::string& agent_id);

}  // namespace queue_plugin
