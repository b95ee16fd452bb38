#include "peer_commands.hpp"

#include <string>
#include <string_view>

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::Field;
using ampd::sdk::Fields;
using ampd::sdk::iequals;
using ampd::sdk::Privilege;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace {

// chan_sip was removed in Asterisk 21: there its actions are not even tried. Older or unknown
// versions try them and fall back when Asterisk says it does not know them.
bool chan_sip_removed(const Request& request) {
  const auto server = request.server();
  return server && server->major >= 21;
}

// "Invalid/unknown command: X. Use Action: ListCommands ..." (chan_sip not loaded or gone).
bool is_unknown_action(const AmiResult& result) {
  if (!result.ok() || result.success()) return false;
  const std::string error = result.error();
  constexpr std::string_view prefix = "invalid/unknown command";
  return error.size() >= prefix.size() && iequals(std::string_view(error).substr(0, 23), prefix);
}

bool is_envelope(std::string_view name) {
  return iequals(name, "Event") || iequals(name, "ActionID") || iequals(name, "Privilege") ||
         iequals(name, "Response") || iequals(name, "EventList") || iequals(name, "Message");
}

template <typename Sink>
void copy_fields(const Fields& from, Sink& to) {
  for (const Field f : from) {
    if (!is_envelope(f.name)) to.add(std::string(f.name), std::string(f.value));
  }
}

std::string peer_not_found(const std::string& peer) { return "Peer " + peer + " not found"; }

// chan_sip: SIPpeers lists the peers (PeerEntry) without their Caller ID, so each one's
// SIPshowpeer adds its Callerid.
void sip_peer_records(const Request& request, const AmiResult& peers, Reply& reply) {
  const std::string wanted = request.get("Peer");
  reply.list();
  bool found = false;
  for (const auto& event : peers.events()) {
    const std::string name = event.get("ObjectName");
    if (!wanted.empty() && name != wanted) continue;
    found = true;
    auto record = reply.record(event.get("Event", "PeerEntry"));
    copy_fields(event, record);
    const auto shown = request.call(AmiAction("SIPshowpeer").add("Peer", name));
    record.add("Callerid", shown.success() ? shown.response().get("Callerid") : "");
  }
  if (!wanted.empty() && !found) reply.error(peer_not_found(wanted));
}

// PJSIP: one EndpointList record per endpoint; PJSIPShowEndpoint adds its Callerid.
void pjsip_endpoint_records(const Request& request, Reply& reply) {
  const auto endpoints = request.call(AmiAction("PJSIPShowEndpoints"));
  // With no endpoint at all Asterisk answers an error; that is an empty list.
  const bool none =
      !endpoints.success() && endpoints.ok() && iequals(endpoints.error(), "No endpoints found");
  if (!endpoints.success() && !none) return reply.error(endpoints.error());
  const std::string wanted = request.get("Peer");
  reply.list();
  bool found = false;
  for (const auto& event : endpoints.events()) {
    const std::string name = event.get("ObjectName");
    if (!wanted.empty() && name != wanted) continue;
    found = true;
    auto record = reply.record(event.get("Event", "EndpointList"));
    copy_fields(event, record);
    const auto shown = request.call(AmiAction("PJSIPShowEndpoint").add("Endpoint", name));
    std::string callerid;
    for (const auto& detail : shown.events()) {
      if (iequals(detail.get("Event"), "EndpointDetail")) callerid = detail.get("Callerid");
    }
    record.add("Callerid", callerid);
  }
  if (!wanted.empty() && !found) reply.error(peer_not_found(wanted));
}

void peer_info(const Request& request, Reply& reply) {
  const std::string type = request.get("Type");
  if (iequals(type, "IAX2")) {
    return reply.error(
        "PeerInfo does not support IAX2 peers (the answer of the IAXpeers action cannot be read "
        "reliably); use Command: iax2 show peers instead");
  }
  if (!type.empty() && !iequals(type, "SIP") && !iequals(type, "PJSIP")) {
    return reply.error("PeerInfo: Type must be SIP or IAX2, not '" + type + "'");
  }
  if (!chan_sip_removed(request)) {
    const auto peers = request.call(AmiAction("SIPpeers"));
    if (peers.success()) return sip_peer_records(request, peers, reply);
    if (!is_unknown_action(peers)) return reply.error(peers.error());
  }
  pjsip_endpoint_records(request, reply);
}

// Without chan_sip the PJSIP endpoint of the same name answers instead: its EndpointDetail.
void show_pjsip_endpoint(const Request& request, Reply& reply) {
  const std::string peer = request.get("Peer");
  const auto shown = request.call(AmiAction("PJSIPShowEndpoint").add("Endpoint", peer));
  if (!shown.success()) return reply.error(shown.error());
  for (const auto& detail : shown.events()) {
    if (!iequals(detail.get("Event"), "EndpointDetail")) continue;
    reply.message("chan_sip is not available in this Asterisk: PJSIP endpoint " + peer +
                  " shown instead (PJSIPShowEndpoint)");
    reply.add("Channeltype", "PJSIP");
    copy_fields(detail, reply);
    return;
  }
  reply.error(peer_not_found(peer));
}

void sip_show_peer(const Request& request, Reply& reply) {
  if (!chan_sip_removed(request)) {
    const auto shown = request.call(AmiAction("SIPshowpeer").add("Peer", request.get("Peer")));
    if (shown.success()) {
      reply.message(shown.response().get("Message"));
      return copy_fields(shown.response(), reply);
    }
    if (!is_unknown_action(shown)) return reply.error(shown.error());
  }
  show_pjsip_endpoint(request, reply);
}

}  // namespace

void load_peer_commands(ampd::sdk::Registrar& r) {
  using ampd::sdk::optional;
  r.command("PeerInfo", Privilege::Monitor, {optional("Type"), optional("Peer")}, peer_info,
            "List SIP peers (PJSIP endpoints where chan_sip is gone) with their Caller ID");
  r.command("SIPshowpeer", Privilege::Monitor, {ampd::sdk::required("Peer")}, sip_show_peer,
            "Show a SIP peer (the PJSIP endpoint of that name where chan_sip is gone)");
}
