#include <string>

#include "queue_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Field;
using ampd::sdk::iequals;

namespace queue_plugin {

// QueueStatus in every generation (the old Queues action is gone since 15). Each list event
// (QueueParams, QueueMember, QueueEntry) becomes a record of the same name with its fields.
void queue_info(AsyncRequest call) {
  const auto& request = call.request();
  AmiAction action("QueueStatus");
  for (const char* name : {"Queue", "Member"}) {
    if (!request.get(name).empty()) action.add(name, request.get(name));
  }
  call.ami(action, [](AsyncRequest call, AmiResult result) {
    auto& reply = call.reply();
    if (!result.success()) return reply.error(result.error());
    reply.list();
    for (const auto& event : result.events()) {
      auto record = reply.record(event.get("Event"));
      for (const Field f : event) {
        if (iequals(f.name, "Event") || iequals(f.name, "ActionID")) continue;
        record.add(std::string(f.name), std::string(f.value));
      }
    }
  });
}

}  // namespace queue_plugin
