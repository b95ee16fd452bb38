#include "channel_commands.hpp"

#include <string>

#include "ami_helpers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Field;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace channel {
namespace {

bool is_asterisk_14(const Request& request) {
  const auto server = request.server();
  return server && server->major == 1;
}

// One record per list event, named after the event (CoreShowChannel, Status).
void add_records(const AmiResult& result, Reply& reply) {
  reply.list();
  for (const auto& event : result.events()) {
    auto record = reply.record(event.get("Event"));
    for (const Field f : event) {
      if (!is_envelope(f.name)) record.add(std::string(f.name), std::string(f.value));
    }
  }
}

}  // namespace

void absolute_timeout(AsyncRequest call) {
  const auto& request = call.request();
  run_simple(call,
             AmiAction("AbsoluteTimeout")
                 .add("Channel", request.get("Channel"))
                 .add("Timeout", request.get("Timeout")),
             "Timeout Set");
}

// CoreShowChannels (1.6+, records CoreShowChannel); Asterisk 1.4 has only Status (records
// Status). An Asterisk of unknown version that lacks CoreShowChannels gets Status too.
void channel_info(AsyncRequest call) {
  const auto status = [](const AsyncRequest& call) {
    call.ami(AmiAction("Status"), [](AsyncRequest call, AmiResult result) {
      if (!result.success()) return call.reply().error(result.error());
      add_records(result, call.reply());
    });
  };
  if (is_asterisk_14(call.request())) return status(call);
  call.ami(AmiAction("CoreShowChannels"), [status](AsyncRequest call, AmiResult result) {
    if (result.success()) return add_records(result, call.reply());
    if (!is_unknown_action(result)) return call.reply().error(result.error());
    status(call);
  });
}

void hangup(AsyncRequest call) {
  run_simple(call, AmiAction("Hangup").add("Channel", call.request().get("Channel")),
             "Channel Hungup");
}

// Both channels go to the same place, as in 1.4; since 1.6 Asterisk takes the ExtraChannel's
// destination from ExtraContext/ExtraExten/ExtraPriority, so those default to the main one.
void redirect(AsyncRequest call) {
  const auto& request = call.request();
  AmiAction action("Redirect");
  action.add("Channel", request.get("Channel"));
  action.add("Context", request.get("Context"));
  action.add("Exten", request.get("Exten"));
  action.add("Priority", request.get("Priority"));
  if (request.has("ExtraChannel")) {
    action.add("ExtraChannel", request.get("ExtraChannel"));
    if (!is_asterisk_14(request)) {
      action.add("ExtraContext", request.get("ExtraContext", request.get("Context")));
      action.add("ExtraExten", request.get("ExtraExten", request.get("Exten")));
      action.add("ExtraPriority", request.get("ExtraPriority", request.get("Priority")));
    }
  }
  run_simple(call, action, "Redirect successful");
}

// Without Channel Asterisk reads a global variable.
void getvar(AsyncRequest call) {
  const auto& request = call.request();
  AmiAction action("Getvar");
  if (!request.get("Channel").empty()) action.add("Channel", request.get("Channel"));
  action.add("Variable", request.get("Variable"));
  call.ami(action, [](AsyncRequest call, AmiResult result) {
    auto& reply = call.reply();
    if (!result.success()) return reply.error(result.error());
    reply.add("Variable", result.response().get("Variable", call.request().get("Variable")));
    reply.add("Value", result.response().get("Value"));
  });
}

// Without Channel the variable is global; without Value it is set to the empty string.
void setvar(AsyncRequest call) {
  const auto& request = call.request();
  AmiAction action("Setvar");
  if (!request.get("Channel").empty()) action.add("Channel", request.get("Channel"));
  action.add("Variable", request.get("Variable"));
  action.add("Value", request.get("Value"));
  run_simple(call, action, "Variable Set");
}

}  // namespace channel
