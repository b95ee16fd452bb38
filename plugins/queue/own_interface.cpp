#include "queue_handlers.hpp"

namespace queue_plugin {

namespace {

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

// Agent/1001, PJSIP/1001 and Local/1001@agents are agent 1001's; PJSIP/21001 is not. An agent
// client has no other way to name its own device, so the device name must be its id.
bool is_own_interface(const std::string& interface, const std::string& agent_id) {
  if (agent_id.empty()) return false;
  const std::string device = interface.substr(0, interface.find('@'));
  return ends_with(device, "/" + agent_id);
}

}  // namespace queue_plugin
