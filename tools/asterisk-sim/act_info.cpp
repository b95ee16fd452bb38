// Read-only information actions: mailboxes, SIP/PJSIP peers, extension states, parking.
#include "actions.h"

namespace sim {
namespace {

const Mailbox* find_mailbox(ActionCtx& ctx, std::string box) {
  if (box.find('@') == std::string::npos) box += "@default";
  auto it = ctx.st().mailboxes.find(box);
  return it == ctx.st().mailboxes.end() ? nullptr : &it->second;
}

void action_mailboxcount(ActionCtx& ctx) {
  const std::string box = ctx.arg("Mailbox");
  if (box.empty()) return ctx.error("Mailbox not specified");
  const Mailbox* mb = find_mailbox(ctx, box);
  Message m = ctx.response("Success", "Mailbox Message Count");
  m.add("Mailbox", box);
  if (ctx.modern()) m.add("UrgMessages", mb ? mb->urgent : 0);  // 1.6.1+
  m.add("NewMessages", mb ? mb->new_msgs : 0).add("OldMessages", mb ? mb->old_msgs : 0);
  ctx.reply(m);
}

void action_mailboxstatus(ActionCtx& ctx) {
  const std::string box = ctx.arg("Mailbox");
  if (box.empty()) return ctx.error("Mailbox not specified");
  const Mailbox* mb = find_mailbox(ctx, box);
  Message m = ctx.response("Success", "Mailbox Status");
  m.add("Mailbox", box).add("Waiting", mb && mb->new_msgs > 0 ? 1 : 0);
  ctx.reply(m);
}

void action_voicemailuserslist(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Voicemail user list will follow", true));
  int n = 0;
  for (const auto& [id, mb] : ctx.st().mailboxes) {
    const auto at = id.find('@');
    Message ev;
    ev.add("Event", "VoicemailUserEntry");
    ctx.add_id(ev);
    ev.add("VMContext", id.substr(at + 1)).add("VoiceMailbox", id.substr(0, at));
    ev.add("Fullname", mb.fullname).add("Email", "root@localhost").add("Pager", "");
    ev.add("ServerEmail", "asterisk").add("FromString", "");
    ev.add("MailCommand", "/usr/sbin/sendmail -t").add("Language", "").add("TimeZone", "");
    ev.add("Callback", "").add("Dialout", "").add("UniqueID", "").add("ExitContext", "");
    ev.add("SayDurationMinimum", 2).add("SayEnvelope", "Yes").add("SayCID", "No");
    ev.add("AttachMessage", "No").add("AttachmentFormat", "").add("DeleteMessage", "No");
    ev.add("VolumeGain", "0.00").add("CanReview", "No").add("CanMarkUrgent", "Yes");
    ev.add("CallOperator", "No").add("MaxMessageCount", 100).add("MaxMessageLength", 180);
    ev.add("NewMessageCount", mb.new_msgs).add("OldMessageCount", mb.old_msgs);
    ctx.reply(ev);
    ++n;
  }
  ctx.reply(ctx.list_complete("VoicemailUserEntryComplete", n));
}

// chan_sip SIPpeers: PeerEntry fields as in the Asterisk 20 transcript (1.4 had fewer).
void action_sippeers(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Peer status list will follow", true));
  int n = 0;
  for (const auto& p : ctx.st().sip_peers) {
    Message ev;
    ev.add("Event", "PeerEntry");
    ctx.add_id(ev);
    ev.add("Channeltype", "SIP").add("ObjectName", p.name).add("ChanObjectType", "peer");
    ev.add("IPaddress", "-none-").add("IPport", 0).add("Dynamic", "yes");
    if (ctx.modern()) {
      ev.add("AutoForcerport", "yes").add("Forcerport", "no").add("AutoComedia", "no");
      ev.add("Comedia", "no").add("VideoSupport", "no").add("TextSupport", "no");
    } else {
      ev.add("Natsupport", "no").add("VideoSupport", "no");
    }
    ev.add("ACL", "no").add("Status", "Unmonitored").add("RealtimeDevice", "no");
    if (ctx.modern()) ev.add("Description", "").add("Accountcode", "");
    ctx.reply(ev);
    ++n;
  }
  Message done;
  done.add("Event", "PeerlistComplete");
  ctx.add_id(done);
  if (ctx.modern()) done.add("EventList", "Complete");
  done.add("ListItems", n);
  ctx.reply(done);
}

void action_sipshowpeer(ActionCtx& ctx) {
  const std::string peer = ctx.arg("Peer");
  if (peer.empty()) return ctx.error("Peer: <name> missing.");
  const Peer* found = nullptr;
  for (const auto& p : ctx.st().sip_peers)
    if (p.name == peer) found = &p;
  if (!found) {
    ctx.error("Peer " + peer + " not found.");
    // chan_sip manager_sip_show_peer() appends a stray CRLF after the error (transcript).
    if (ctx.modern()) ctx.srv.send_raw(ctx.s, "\r\n");
    return;
  }
  static const char* const kFields[][2] = {
      {"SecretExist", "Y"},
      {"RemoteSecretExist", "N"},
      {"MD5SecretExist", "N"},
      {"Context", nullptr},
      {"Language", ""},
      {"ToneZone", "<Not set>"},
      {"AMAflags", "Unknown"},
      {"CID-CallingPres", "Presentation Allowed, Not Screened"},
      {"Callgroup", ""},
      {"Pickupgroup", ""},
      {"Named Callgroup", ""},
      {"Named Pickupgroup", ""},
      {"MOHSuggest", ""},
      {"VoiceMailbox", ""},
      {"TransferMode", "open"},
      {"LastMsgsSent", "0"},
      {"Maxforwards", "0"},
      {"Call-limit", "0"},
      {"Busy-level", "0"},
      {"MaxCallBR", "384 kbps"},
      {"Dynamic", "Y"},
      {"Callerid", "\"\" <>"},
      {"RegExpire", "-1 seconds"},
      {"SIP-AuthInsecure", "no"},
      {"SIP-Forcerport", "a"},
      {"SIP-Comedia", "N"},
      {"ACL", "N"},
      {"SIP-CanReinvite", "Y"},
      {"SIP-DirectMedia", "Y"},
      {"SIP-PromiscRedir", "N"},
      {"SIP-UserPhone", "N"},
      {"SIP-VideoSupport", "N"},
      {"SIP-TextSupport", "N"},
      {"SIP-T.38Support", "N"},
      {"SIP-T.38EC", "Unknown"},
      {"SIP-T.38MaxDtgrm", "4294967295"},
      {"SIP-Sess-Timers", "Accept"},
      {"SIP-Sess-Refresh", "uas"},
      {"SIP-Sess-Expires", "1800"},
      {"SIP-Sess-Min", "90"},
      {"SIP-RTP-Engine", "asterisk"},
      {"SIP-Encryption", "N"},
      {"SIP-RTCP-Mux", "N"},
      {"SIP-DTMFmode", "rfc2833"},
      {"ToHost", ""},
      {"Address-IP", "(null)"},
      {"Address-Port", "0"},
      {"Default-addr-IP", "(null)"},
      {"Default-addr-port", "0"},
      {"Default-Username", ""},
      {"Codecs", "(ulaw)"},
      {"Status", "Unmonitored"},
      {"SIP-Useragent", ""},
      {"Reg-Contact", ""},
      {"QualifyFreq", "60000 ms"},
      {"Parkinglot", ""},
      {"SIP-Use-Reason-Header", "N"},
      {"Description", ""}};
  Message m = ctx.response("Success");
  m.add("Channeltype", "SIP").add("ObjectName", found->name).add("ChanObjectType", "peer");
  for (const auto& f : kFields) m.add(f[0], f[1] ? f[1] : found->context);
  ctx.reply(m);
}

void action_sipshowregistry(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Registrations will follow", true));
  ctx.reply(ctx.list_complete("RegistrationsComplete", 0));
}

void action_pjsipshowendpoints(ActionCtx& ctx) {
  if (ctx.st().pjsip_endpoints.empty()) return ctx.error("No endpoints found");
  ctx.reply(ctx.response("Success",
                         "A listing of Endpoints follows, presented as EndpointList events", true));
  int n = 0;
  for (const auto& e : ctx.st().pjsip_endpoints) {
    Message ev;
    ev.add("Event", "EndpointList");
    ctx.add_id(ev);
    ev.add("ObjectType", "endpoint").add("ObjectName", e.name).add("Transport", "");
    ev.add("Aor", e.name).add("Auths", e.name).add("OutboundAuths", "").add("Contacts", "");
    ev.add("DeviceState", "Unavailable").add("ActiveChannels", "");
    ctx.reply(ev);
    ++n;
  }
  ctx.reply(ctx.list_complete("EndpointListComplete", n));
}

// res_pjsip ami_show_endpoint: the endpoint's EndpointDetail (its other objects' events are
// left out), then EndpointDetailComplete.
void action_pjsipshowendpoint(ActionCtx& ctx) {
  std::string name = ctx.arg("Endpoint");
  if (name.empty()) return ctx.error("PJSIPShowEndpoint requires an endpoint name");
  if (name.size() > 6 && iequals(name.substr(0, 6), "pjsip/")) name = name.substr(6);
  const Peer* found = nullptr;
  for (const auto& e : ctx.st().pjsip_endpoints)
    if (e.name == name) found = &e;
  if (!found) return ctx.error("Unable to retrieve endpoint " + name);
  ctx.reply(ctx.response(
      "Success", "Following are Events for each object associated with the Endpoint", true));
  Message ev;
  ev.add("Event", "EndpointDetail");
  ctx.add_id(ev);
  ev.add("ObjectType", "endpoint").add("ObjectName", found->name);
  ev.add("Context", found->context)
      .add("Callerid", "\"Desk " + found->name + "\" <" + found->name + ">");
  ev.add("Aors", found->name).add("Auth", found->name).add("DeviceState", "Unavailable");
  ev.add("ActiveChannels", "");
  ctx.reply(ev);
  ctx.reply(ctx.list_complete("EndpointDetailComplete", 1));
}

void action_extensionstate(ActionCtx& ctx) {
  const std::string exten = ctx.arg("Exten");
  const std::string context = ctx.arg("Context").empty() ? "default" : ctx.arg("Context");
  const Hint* h = ctx.st().hint(exten, context);
  const int status = h ? h->status : -1;
  Message m = ctx.response("Success", "Extension Status");
  m.add("Exten", exten).add("Context", context).add("Hint", h ? h->device : "");
  m.add("Status", status);
  if (ctx.modern()) m.add("StatusText", extension_state_text(status));
  ctx.reply(m);
}

void action_extensionstatelist(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Extension Statuses will follow", true));
  int n = 0;
  for (const auto& h : ctx.st().hints) {
    Message ev;
    ev.add("Event", "ExtensionStatus");
    ctx.add_id(ev);
    ev.add("Exten", h.exten).add("Context", h.context).add("Hint", h.device);
    ev.add("Status", h.status).add("StatusText", extension_state_text(h.status));
    ctx.reply(ev);
    ++n;
  }
  ctx.reply(ctx.list_complete("ExtensionStateListComplete", n));
}

// Nothing is ever parked in the simulator: the lists are empty but well-formed.
void action_parkedcalls(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Parked calls will follow", true));
  Message done = ctx.list_complete("ParkedCallsComplete", 0);
  if (ctx.modern()) done.add("Total", 0);
  ctx.reply(done);
}

void action_parkinglots(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Parking lots will follow", true));
  Message ev;
  ev.add("Event", "Parkinglot");
  ctx.add_id(ev);
  ev.add("Name", "default").add("StartSpace", 701).add("StopSpace", 720).add("Timeout", 300);
  ctx.reply(ev);
  ctx.reply(ctx.list_complete("ParkinglotsComplete", 1));
}

bool has_sip(const Options& o) { return !o.modern() || o.chan_sip; }

}  // namespace

void register_info_actions(Registry& r) {
  r.add("MailboxCount", "Check Mailbox Message Count.", "call,reporting,all", action_mailboxcount);
  r.add("MailboxStatus", "Check mailbox.", "call,reporting,all", action_mailboxstatus);
  r.add("VoicemailUsersList", "List All Voicemail User Information.", "call,reporting,all",
        action_voicemailuserslist, modern_only);
  r.add("SIPpeers", "List SIP peers (text format).", "system,reporting,all", action_sippeers,
        has_sip);
  r.add("SIPshowpeer", "show SIP peer (text format).", "system,reporting,all", action_sipshowpeer,
        has_sip);
  r.add("SIPshowregistry", "Show SIP registrations (text format).", "system,reporting,all",
        action_sipshowregistry, [](const Options& o) { return o.modern() && o.chan_sip; });
  r.add("PJSIPShowEndpoints", "Lists PJSIP endpoints.", "system,all", action_pjsipshowendpoints,
        modern_only);
  r.add("PJSIPShowEndpoint", "Detail listing of an endpoint and its objects.", "system,all",
        action_pjsipshowendpoint, modern_only);
  r.add("ExtensionState", "Check Extension Status.", "call,reporting,all", action_extensionstate);
  r.add("ExtensionStateList", "List the current known extension states.", "call,reporting,all",
        action_extensionstatelist, modern_only);
  r.add("ParkedCalls", "List parked calls.", "<none>", action_parkedcalls);
  r.add("Parkinglots", "Get a list of parking lots", "<none>", action_parkinglots, modern_only);
}

}  // namespace sim
