#include "status_commands.hpp"

#include <string>
#include <string_view>

#include "peer_commands.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::Field;
using ampd::sdk::iequals;
using ampd::sdk::Privilege;
using ampd::sdk::Reply;
using ampd::sdk::Request;
using ampd::sdk::required;

namespace {

// AMI's own headers, which say nothing about the answer itself.
bool is_envelope(std::string_view name) {
  return iequals(name, "Event") || iequals(name, "ActionID") || iequals(name, "Privilege") ||
         iequals(name, "Response") || iequals(name, "EventList") || iequals(name, "Message");
}

// A single answer: Asterisk's Message and its fields as sent.
void answer_with_response(const AmiResult& result, Reply& reply) {
  if (!result.success()) return reply.error(result.error());
  const auto response = result.response();
  reply.message(response.get("Message"));
  for (const Field f : response) {
    if (!is_envelope(f.name)) reply.add(std::string(f.name), std::string(f.value));
  }
}

// pbx.c ast_extension_state2str, for Asterisk 1.4, which sends only the number.
const char* extension_state_text(const std::string& status) {
  static const struct {
    const char* status;
    const char* text;
  } kStates[] = {{"0", "Idle"},    {"1", "InUse"},         {"2", "Busy"},  {"4", "Unavailable"},
                 {"8", "Ringing"}, {"9", "InUse&Ringing"}, {"16", "Hold"}, {"17", "InUse&Hold"}};
  for (const auto& s : kStates) {
    if (status == s.status) return s.text;
  }
  return "Unknown";
}

void extension_state(const Request& request, Reply& reply) {
  const auto result = request.call(AmiAction("ExtensionState")
                                       .add("Exten", request.get("Exten"))
                                       .add("Context", request.get("Context")));
  answer_with_response(result, reply);
  if (result.success() && !result.response().has("StatusText")) {
    reply.add("StatusText", extension_state_text(result.response().get("Status")));
  }
}

// The spec names the mailbox and its context apart; AMI wants "mailbox@context".
std::string mailbox_of(const Request& request) {
  const std::string mailbox = request.get("Mailbox"), context = request.get("Context");
  if (mailbox.empty() || context.empty() || mailbox.find('@') != std::string::npos) return mailbox;
  return mailbox + "@" + context;
}

void mailbox_count(const Request& request, Reply& reply) {
  answer_with_response(request.call(AmiAction("MailboxCount").add("Mailbox", mailbox_of(request))),
                       reply);
}

void mailbox_status(const Request& request, Reply& reply) {
  answer_with_response(request.call(AmiAction("MailboxStatus").add("Mailbox", mailbox_of(request))),
                       reply);
}

// ParkedCalls lists one ParkedCall event per parked call in every version.
void parked_call_info(const Request& request, Reply& reply) {
  const auto result = request.call(AmiAction("ParkedCalls"));
  if (!result.success()) return reply.error(result.error());
  reply.list();
  for (const auto& event : result.events()) {
    auto record = reply.record(event.get("Event", "ParkedCall"));
    for (const Field f : event) {
      if (!is_envelope(f.name)) record.add(std::string(f.name), std::string(f.value));
    }
  }
}

}  // namespace

void load_status_commands(ampd::sdk::Registrar& r) {
  r.command("ExtensionState", Privilege::Monitor, {required("Exten"), required("Context")},
            extension_state, "The state of the device behind an extension's hint");
  r.command("MailboxCount", Privilege::Monitor, {required("Mailbox"), required("Context")},
            mailbox_count, "The number of new and old messages in a mailbox");
  r.command("MailboxStatus", Privilege::Monitor, {required("Mailbox"), required("Context")},
            mailbox_status, "Whether a mailbox has messages waiting");
  r.command("ParkedCallInfo", Privilege::Monitor, {}, parked_call_info, "List all parked calls");
  load_peer_commands(r);
}
