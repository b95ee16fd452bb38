#include <string>

#include "agent_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::ClientType;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace agent_plugin {

namespace {

// An agent client logs only itself in and off.
bool refused_for_agent(const Request& request, Reply& reply) {
  if (request.client_type() != ClientType::Agent) return false;
  const std::string agent = request.get("Agent");
  if (!request.agent_id().empty() && agent == request.agent_id()) return false;
  reply.error("Agent " + request.agent_id() + " may log only itself in or off, not agent " + agent);
  return true;
}

bool unknown_action(const std::string& error) {
  return error.find("Invalid/unknown command") != std::string::npos;
}

std::string no_callback_login(int major) {
  const std::string which =
      major > 1 ? "Asterisk " + std::to_string(major) : std::string("this Asterisk");
  return "AgentCallbackLogin does not exist in " + which +
         " (chan_agent's callback login went after 1.4): add the agent's device to its queues "
         "with QueueAdd, or have the agent call the AgentLogin dialplan application";
}

}  // namespace

// Only 1.4's chan_agent has it; a modern Asterisk is told the alternative without asking it,
// an unknown version is asked and its "Invalid/unknown command" answer translated.
void agent_callback_login(const Request& request, Reply& reply) {
  if (refused_for_agent(request, reply)) return;
  const auto server = request.server();
  const int major = server ? server->major : 0;
  if (major > 1) return reply.error(no_callback_login(major));
  AmiAction action("AgentCallbackLogin");
  action.add("Agent", request.get("Agent"))
      .add("Exten", request.get("Exten"))
      .add("Context", request.get("Context"));
  if (request.has("AckCall")) action.add("AckCall", request.get("AckCall"));
  if (request.has("WrapUpTime")) action.add("WrapupTime", request.get("WrapUpTime"));
  const auto result = request.call(action);
  if (!result.success()) {
    return reply.error(unknown_action(result.error()) ? no_callback_login(major) : result.error());
  }
  reply.message(result.response().get("Message"));
}

// AgentLogoff in every generation (chan_agent up to 11, app_agent_pool from 12); the
// protocol's SoftHangUp is AMI's Soft.
void agent_logoff(const Request& request, Reply& reply) {
  if (refused_for_agent(request, reply)) return;
  AmiAction action("AgentLogoff");
  action.add("Agent", request.get("Agent"));
  if (request.has("SoftHangUp")) action.add("Soft", request.get("SoftHangUp"));
  const auto result = request.call(action);
  if (!result.success()) return reply.error(result.error());
  reply.message(result.response().get("Message"));
}

}  // namespace agent_plugin
