#include <string>

#include "queue_handlers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::ClientType;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace queue_plugin {

namespace {

// An agent client changes only its own membership; others may act on any interface.
bool refused_for_agent(const Request& request, Reply& reply) {
  if (request.client_type() != ClientType::Agent) return false;
  const std::string interface = request.get("Interface");
  if (is_own_interface(interface, request.agent_id())) return false;
  const std::string id = request.agent_id();
  reply.error("Agent " + id + " may act only on its own interface (Agent/" + id +
              " or a device named " + id + "), not " + interface);
  return true;
}

void copy_if_given(const Request& request, AmiAction& action, const std::string& name) {
  if (request.has(name)) action.add(name, request.get(name));
}

// Asterisk's answer is the whole result: its Message on success, its error otherwise.
void answer(const AsyncRequest& call, const AmiAction& action) {
  call.ami(action, [](AsyncRequest call, AmiResult result) {
    if (!result.success()) return call.reply().error(result.error());
    call.reply().message(result.response().get("Message"));
  });
}

}  // namespace

void queue_add(AsyncRequest call) {
  const auto& request = call.request();
  if (refused_for_agent(request, call.reply())) return;
  AmiAction action("QueueAdd");
  action.add("Queue", request.get("Queue")).add("Interface", request.get("Interface"));
  for (const char* name : {"Penalty", "Paused", "MemberName", "StateInterface"}) {
    copy_if_given(request, action, name);
  }
  answer(call, action);
}

void queue_remove(AsyncRequest call) {
  const auto& request = call.request();
  if (refused_for_agent(request, call.reply())) return;
  AmiAction action("QueueRemove");
  action.add("Queue", request.get("Queue")).add("Interface", request.get("Interface"));
  answer(call, action);
}

// Without Paused the member is paused, as the protocol reference says.
void queue_pause(AsyncRequest call) {
  const auto& request = call.request();
  if (refused_for_agent(request, call.reply())) return;
  AmiAction action("QueuePause");
  action.add("Queue", request.get("Queue")).add("Interface", request.get("Interface"));
  const std::string paused = request.get("Paused");
  action.add("Paused", paused.empty() ? "true" : paused);
  copy_if_given(request, action, "Reason");
  answer(call, action);
}

}  // namespace queue_plugin
