#include <string>

#include "agent_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Field;
using ampd::sdk::iequals;

namespace agent_plugin {

// Agents in every generation; each Agents event becomes an "Agents" record with its fields.
// Agents has no filter, so an Agent argument keeps only that agent's record.
void agent_info(AsyncRequest call) {
  call.ami(AmiAction("Agents"), [](AsyncRequest call, AmiResult result) {
    auto& reply = call.reply();
    if (!result.success()) return reply.error(result.error());
    const std::string only = call.request().get("Agent");
    reply.list();
    for (const auto& event : result.events()) {
      if (!only.empty() && event.get("Agent") != only) continue;
      auto record = reply.record(event.get("Event"));
      for (const Field f : event) {
        if (iequals(f.name, "Event") || iequals(f.name, "ActionID")) continue;
        record.add(std::string(f.name), std::string(f.value));
      }
    }
  });
}

}  // namespace agent_plugin
