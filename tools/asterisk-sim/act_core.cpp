// Session-level actions: Login, Challenge, Logoff, Ping, Events, UserEvent,
// CoreSettings, CoreStatus, ListCommands.
#include <cstdio>
#include <random>

#include "actions.h"
#include "clock.h"
#include "events.h"
#include "md5.h"

namespace sim {
namespace {

const std::string* find_secret(const Options& opt, const std::string& user) {
  for (const auto& [name, secret] : opt.users)
    if (name == user) return &secret;  // Asterisk matches usernames case-sensitively
  return nullptr;
}

void security_event(ActionCtx& ctx, const char* name, const char* severity,
                    const std::string& account) {
  if (!ctx.opt().security_events || !ctx.modern()) return;
  Message ev = make_event(name, "security");
  const std::string tv = event_tv();
  ev.add("EventTV", tv);
  ev.add("Severity", severity);
  ev.add("Service", "AMI");
  ev.add("EventVersion", "1");
  ev.add("AccountID", account);
  char sid[32];
  std::snprintf(sid, sizeof sid, "0x%llx", static_cast<unsigned long long>(ctx.s.id));
  ev.add("SessionID", sid);
  ev.add("LocalAddress", "IPV4/TCP/" + ctx.opt().host + "/" + std::to_string(ctx.s.local_port));
  ev.add("RemoteAddress", "IPV4/TCP/" + ctx.s.peer);
  if (std::string(name) == "SuccessfulAuth") ev.add("UsingPassword", "0");
  ev.add("SessionTV", tv);
  ctx.broadcast(ev);
}

void login_failed(ActionCtx& ctx) {
  security_event(ctx, "InvalidPassword", "Error", ctx.arg("Username"));
  const int delay = ctx.opt().auth_fail_delay_ms;
  if (delay <= 0) {
    ctx.error("Authentication failed");
    ctx.srv.close_after_flush(ctx.s);
    return;
  }
  // Asterisk sleeps 1 s before answering a failed login; hold the session meanwhile.
  const uint64_t sid = ctx.hold();
  Message resp = ctx.response("Error", "Authentication failed");
  Server& srv = ctx.srv;
  srv.after(delay, [&srv, sid, resp] {
    if (Session* s = srv.session(sid)) {
      srv.send(*s, resp);
      srv.finish_action(sid);
      srv.close_after_flush(*s);
    }
  });
}

void action_login(ActionCtx& ctx) {
  if (ctx.s.authenticated) {
    ctx.ack("Already authenticated");
    return;
  }
  const std::string user = ctx.arg("Username");
  const std::string* secret = find_secret(ctx.opt(), user);
  bool ok = false;
  if (secret) {
    if (iequals(ctx.arg("AuthType"), "MD5")) {
      ok = !ctx.s.challenge.empty() && iequals(ctx.arg("Key"), md5_hex(ctx.s.challenge + *secret));
    } else {
      ok = ctx.arg("Secret") == *secret;
    }
  }
  if (!ok) {
    login_failed(ctx);
    return;
  }
  ctx.s.authenticated = true;
  ctx.s.username = user;
  ctx.s.event_mask = kAllEvents;
  if (ctx.req.has("Events")) ctx.s.event_mask = parse_event_mask(ctx.arg("Events"));
  ctx.ack("Authentication accepted");
  // Modern Asterisk appends FullyBooted to this session only, if it reads "system" events.
  if (ctx.modern() && (ctx.s.event_mask & class_bit("system"))) {
    const long up = static_cast<long>(std::time(nullptr) - ctx.st().startup);
    const long rl = static_cast<long>(std::time(nullptr) - ctx.st().reload);
    Message ev = make_event("FullyBooted", "system");
    ev.add("Uptime", up).add("LastReload", rl).add("Status", "Fully Booted");
    ctx.reply(ev);
  }
  security_event(ctx, "SuccessfulAuth", "Informational", user);
}

void action_challenge(ActionCtx& ctx) {
  if (!iequals(ctx.arg("AuthType"), "MD5")) {
    ctx.error("Must specify AuthType");
    return;
  }
  if (ctx.s.challenge.empty()) {
    static std::mt19937 rng(std::random_device{}());
    ctx.s.challenge = std::to_string(rng() % 1000000000u);
  }
  Message m = ctx.response("Success");
  m.add("Challenge", ctx.s.challenge);
  ctx.reply(m);
}

void action_logoff(ActionCtx& ctx) {
  ctx.reply(ctx.response("Goodbye", "Thanks for all the fish."));
  ctx.srv.close_after_flush(ctx.s);
}

void action_ping(ActionCtx& ctx) {
  if (!ctx.modern()) {
    ctx.reply(ctx.response("Pong"));  // 1.4: astman_send_response(s, m, "Pong", NULL)
    return;
  }
  Message m = ctx.response("Success");
  m.add("Ping", "Pong");
  m.add("Timestamp", timestamp_us());
  ctx.reply(m);
}

void action_events(ActionCtx& ctx) {
  ctx.s.event_mask = parse_event_mask(ctx.arg("EventMask"));
  const bool on = ctx.s.event_mask != 0;
  if (!ctx.modern()) {
    ctx.reply(ctx.response(on ? "Events On" : "Events Off"));
    return;
  }
  Message m = ctx.response("Success");
  m.add("Events", on ? "On" : "Off");
  ctx.reply(m);
}

void action_userevent(ActionCtx& ctx) {
  const std::string name = ctx.arg("UserEvent");
  if (name.empty()) {
    ctx.error("UserEvent header missing");
    return;
  }
  Message ev = make_event("UserEvent", "user");
  ev.add("UserEvent", name);
  for (const auto& [k, v] : ctx.req.headers())
    if (!iequals(k, "Action") && !iequals(k, "UserEvent")) ev.add(k, v);
  ctx.ack("Event Sent");
  ctx.broadcast(ev);
}

void action_coresettings(ActionCtx& ctx) {
  Message m = ctx.response("Success");
  m.add("AMIversion", ctx.opt().ami_version);
  m.add("AsteriskVersion", ctx.opt().asterisk_version);
  m.add("SystemName", "");
  m.add("CoreMaxCalls", "0");
  m.add("CoreMaxLoadAvg", "0.000000");
  m.add("CoreRunUser", "");
  m.add("CoreRunGroup", "");
  m.add("CoreMaxFilehandles", "0");
  m.add("CoreRealTimeEnabled", "No");
  m.add("CoreCDRenabled", "No");
  m.add("CoreHTTPenabled", "No");
  m.add("SoundsSearchCustomDir", "No");
  ctx.reply(m);
}

void action_corestatus(ActionCtx& ctx) {
  Message m = ctx.response("Success");
  m.add("CoreStartupDate", format_date(ctx.st().startup));
  m.add("CoreStartupTime", format_time(ctx.st().startup));
  m.add("CoreReloadDate", format_date(ctx.st().reload));
  m.add("CoreReloadTime", format_time(ctx.st().reload));
  // Local channels come in pairs; Asterisk counts a pair as one call.
  int calls = 0;
  for (const auto& c : ctx.st().channels)
    if (c.name.size() < 2 || c.name.substr(c.name.size() - 2) != ";2") ++calls;
  m.add("CoreCurrentCalls", calls);
  m.add("CoreProcessedCalls", ctx.st().processed_calls);
  ctx.reply(m);
}

void action_listcommands(ActionCtx& ctx) {
  Message m = ctx.response("Success");
  // Modern separates synopsis and privilege with two spaces, 1.4 with one.
  const char* sep = ctx.modern() ? "  (Priv: " : " (Priv: ";
  for (const auto& d : registry().all())
    if (!d.available || d.available(ctx.opt())) m.add(d.name, d.synopsis + sep + d.priv + ")");
  ctx.reply(m);
}

}  // namespace

void register_core_actions(Registry& r) {
  r.add("Login", "Login Manager.", "<none>", action_login);
  r.add("Challenge", "Generate Challenge for MD5 Auth.", "<none>", action_challenge);
  r.add("Logoff", "Logoff Manager.", "<none>", action_logoff);
  r.add("Ping", "Keepalive command.", "<none>", action_ping);
  r.add("Events", "Control Event Flow.", "<none>", action_events);
  r.add("UserEvent", "Send an arbitrary event.", "user,all", action_userevent);
  r.add("CoreSettings", "Show PBX core settings (version etc).", "system,reporting,all",
        action_coresettings, modern_only);
  r.add("CoreStatus", "Show PBX core status variables.", "system,reporting,all", action_corestatus,
        modern_only);
  r.add("ListCommands", "List available manager commands.", "<none>", action_listcommands);
}

}  // namespace sim
