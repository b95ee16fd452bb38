#include "custom_plugin.hpp"

#include <string>

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Field;
using ampd::sdk::iequals;
using ampd::sdk::Privilege;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace {

// CAction becomes the Action; every other key goes through as sent, except those that are
// ampd's own (the client's ActionID never reaches Asterisk, Server picks the server).
AmiAction custom_action(const Request& request) {
  AmiAction action(request.get("CAction"));
  for (const Field f : request.fields()) {
    if (iequals(f.name, "Action") || iequals(f.name, "CAction") || iequals(f.name, "ActionID") ||
        iequals(f.name, "Server")) {
      continue;
    }
    action.add(std::string(f.name), std::string(f.value));
  }
  return action;
}

bool is_own_header(std::string_view name) {
  return iequals(name, "Response") || iequals(name, "ActionID") || iequals(name, "Message") ||
         iequals(name, "EventList");
}

// Custom: the module answers in native Name: value form; its fields and list events come back.
void custom_answer(Reply& reply, const AmiResult& result) {
  if (!result.success()) return reply.error(result.error());
  const auto response = result.response();
  reply.message(response.get("Message"));
  for (const Field f : response) {
    if (!is_own_header(f.name)) reply.add(std::string(f.name), std::string(f.value));
  }
  if (response.has("EventList") || result.event_count() > 0) reply.list();
  for (const auto& event : result.events()) {
    auto record = reply.record(event.get("Event"));
    for (const Field f : event) {
      if (!iequals(f.name, "Event") && !iequals(f.name, "ActionID")) {
        record.add(std::string(f.name), std::string(f.value));
      }
    }
  }
}

void custom(AsyncRequest call) {
  call.ami(custom_action(call.request()),
           [](AsyncRequest call, AmiResult result) { custom_answer(call.reply(), result); });
}

// CustomFreeForm: free text, as the Command action gives it; the lines come back as Output.
void custom_free_form(AsyncRequest call) {
  call.ami(custom_action(call.request()), [](AsyncRequest call, AmiResult result) {
    if (!result.success()) call.reply().error(result.error());
    for (const auto& line : result.output()) call.reply().add("Output", line);
  });
}

}  // namespace

void load_custom_plugin(ampd::sdk::Registrar& r) {
  r.async_command("Custom", Privilege::Administrator, {ampd::sdk::required("CAction")}, custom,
                  "Run any AMI action (CAction) whose answer is Name: value fields");
  r.async_command("CustomFreeForm", Privilege::Administrator, {ampd::sdk::required("CAction")},
                  custom_free_form, "Run any AMI action (CAction) whose answer is free text");
}
