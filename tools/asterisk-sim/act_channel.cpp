// Channel actions: Originate, Status, CoreShowChannels, Hangup, Redirect, Getvar, Setvar,
// AbsoluteTimeout, Monitor family (1.4, or modern with --monitor), MixMonitor family.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "actions.h"
#include "events.h"
#include "pbx_ops.h"

namespace sim {
namespace {

bool truthy(const std::string& v) {
  return iequals(v, "true") || iequals(v, "yes") || iequals(v, "on") || v == "1";
}

// "Name <num>" or "num" (ast_callerid_parse).
void parse_callerid(const std::string& cid, std::string& name, std::string& num) {
  auto lt = cid.find('<'), gt = cid.find('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
    num = cid.substr(lt + 1, gt - lt - 1);
    name = cid.substr(0, lt);
    while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.erase(0, 1);
  } else {
    num = cid;
  }
}

std::string var_value(const Channel& c, const std::string& name) {
  for (auto it = c.vars.rbegin(); it != c.vars.rend(); ++it)
    if (it->first == name) return it->second;
  return {};
}

void set_var(Channel& c, const std::string& name, const std::string& value) {
  for (auto& v : c.vars)
    if (v.first == name) {
      v.second = value;
      return;
    }
  c.vars.emplace_back(name, value);
}

// ---------------------------------------------------------------- Originate

enum class Outcome { kAnswer, kNoAnswer, kBusy, kFail };

// The simulated far end decides by name: "...noanswer...", "...busy...", "...fail..." or
// "...invalid..." in the dial string; anything else answers after --answer-delay-ms.
Outcome outcome_for(const std::string& dial) {
  if (dial.find("noanswer") != std::string::npos) return Outcome::kNoAnswer;
  if (dial.find("busy") != std::string::npos) return Outcome::kBusy;
  if (dial.find("fail") != std::string::npos || dial.find("invalid") != std::string::npos)
    return Outcome::kFail;
  return Outcome::kAnswer;
}

struct OriginateReq {
  std::string action_id, dial, context, exten, app, data, cid_name, cid_num;
  int priority = 1;
  int timeout_ms = 30000;
  bool async = false;
  uint64_t session_id = 0;
  std::vector<std::pair<std::string, std::string>> vars;
  std::string chan1, chan2;  // created channel names
};

// Async result: modern OriginateResponse (1.6+); 1.4 sent OriginateSuccess/OriginateFailure.
void originate_event(Server& srv, const OriginateReq& o, bool ok, int reason) {
  const bool modern = srv.opt().modern();
  const Channel* c = srv.state().channel(o.chan1);
  Message ev = make_event(modern ? "OriginateResponse"
                          : ok   ? "OriginateSuccess"
                                 : "OriginateFailure",
                          "call");
  if (!o.action_id.empty()) ev.add("ActionID", o.action_id);
  if (modern) ev.add("Response", ok ? "Success" : "Failure");
  ev.add("Channel", c ? c->name : o.dial);
  if (modern && !o.app.empty()) {
    ev.add("Application", o.app).add("Data", o.data);
  } else {
    ev.add("Context", o.context).add("Exten", o.exten);
  }
  ev.add("Reason", reason);
  ev.add("Uniqueid", c ? c->uniqueid : "<null>");
  if (!modern) ev.add("CallerID", o.cid_num.empty() ? "<unknown>" : o.cid_num);
  ev.add("CallerIDNum", o.cid_num.empty() ? "<unknown>" : o.cid_num);
  ev.add("CallerIDName", o.cid_name.empty() ? "<unknown>" : o.cid_name);
  srv.broadcast(ev);
}

void originate_done(Server& srv, const OriginateReq& o, bool ok, int reason) {
  if (o.async) {
    originate_event(srv, o, ok, reason);
    return;
  }
  // Synchronous: the held session finally gets its response.
  if (Session* s = srv.session(o.session_id)) {
    Message m;
    m.add("Response", ok ? "Success" : "Error");
    if (!o.action_id.empty()) m.add("ActionID", o.action_id);
    m.add("Message", ok ? "Originate successfully queued" : "Originate failed");
    srv.send(*s, m);
    srv.finish_action(o.session_id);
  }
}

void originate_answer(Server& srv, const OriginateReq& o) {
  SimState& st = srv.state();
  // Both halves come up; then ;1 runs the requested destination.
  if (Channel* c2 = st.channel(o.chan2)) set_channel_state(srv, *c2, 6);
  if (Channel* c1 = st.channel(o.chan1)) {
    set_channel_state(srv, *c1, 6);
    if (!o.app.empty()) {
      c1->application = o.app;
      c1->data = o.data;
    } else {
      c1->context = o.context;
      c1->exten = o.exten;
      c1->priority = o.priority;
    }
  }
  st.processed_calls++;
  originate_done(srv, o, true, 4);
  // Wait(N) ends by itself: hang up after N seconds, as the dialplan would.
  if (iequals(o.app, "Wait")) {
    const int secs = std::clamp(std::atoi(o.data.c_str()), 0, 86400);
    const std::string name = o.chan1;
    srv.after(secs * 1000, [&srv, name] { hangup_channel(srv, name, 16); });
  }
}

void action_originate(ActionCtx& ctx) {
  OriginateReq o;
  o.dial = ctx.arg("Channel");
  if (o.dial.empty()) return ctx.error("Channel not specified");
  const auto slash = o.dial.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == o.dial.size())
    return ctx.error("Invalid channel");
  o.action_id = ctx.action_id();
  o.context = ctx.arg("Context");
  o.exten = ctx.arg("Exten");
  o.app = ctx.arg("Application");
  o.data = ctx.arg("Data");
  if (!ctx.arg("Priority").empty()) o.priority = std::atoi(ctx.arg("Priority").c_str());
  if (!ctx.arg("Timeout").empty()) o.timeout_ms = std::atoi(ctx.arg("Timeout").c_str());
  o.timeout_ms = std::clamp(o.timeout_ms, 0, 3'600'000);
  o.async = truthy(ctx.arg("Async"));
  o.session_id = ctx.s.id;
  parse_callerid(ctx.arg("CallerID"), o.cid_name, o.cid_num);
  for (const auto& v : ctx.req.get_all("Variable")) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string kv = v.substr(start, comma - start);
      auto eq = kv.find('=');
      if (eq != std::string::npos) o.vars.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      start = comma + 1;
    }
  }

  Server& srv = ctx.srv;
  const Outcome outcome = outcome_for(o.dial);
  if (o.async) {
    ctx.ack("Originate successfully queued");
  } else {
    ctx.hold();  // Asterisk blocks this session until the call is answered or fails
  }
  if (outcome == Outcome::kFail) {
    srv.after(0, [&srv, o] { originate_done(srv, o, false, 0); });
    return;
  }

  // Create the channel(s): a Local channel is a ;1/;2 pair, anything else one channel.
  SimState& st = ctx.st();
  const bool local = iequals(o.dial.substr(0, slash), "Local");
  Channel c1 = make_channel(st, o.dial);
  c1.context = "default";
  c1.exten = o.dial.substr(slash + 1);
  if (local) {
    // Local/100@default: ;1 starts at 100@default too, ;2 runs it.
    const std::string res = o.dial.substr(slash + 1);
    const auto at = res.find('@');
    c1.exten = res.substr(0, at);
    if (at != std::string::npos) c1.context = res.substr(at + 1);
  }
  c1.cid_num = o.cid_num.empty() ? "<unknown>" : o.cid_num;
  c1.cid_name = o.cid_name.empty() ? "<unknown>" : o.cid_name;
  c1.conn_num = c1.cid_num;
  c1.conn_name = c1.cid_name;
  c1.vars = o.vars;
  o.chan1 = c1.name;
  if (local) {
    Channel c2 = c1;
    c2.name = c1.name + ";2";
    c1.name += ";1";
    c2.uniqueid = st.next_uniqueid();
    c2.state = 4;             // Ring
    c2.application = "Wait";  // the test dialplan behind the transcripts parks ;2 in Wait(600)
    c2.data = "600";
    c1.partner = c2.name;
    c2.partner = c1.name;
    o.chan1 = c1.name;
    o.chan2 = c2.name;
    add_channel(srv, c1);
    add_channel(srv, c2);
  } else {
    add_channel(srv, c1);
  }

  const int delay = ctx.opt().answer_delay_ms;
  switch (outcome) {
    case Outcome::kAnswer:
      srv.after(delay, [&srv, o] { originate_answer(srv, o); });
      break;
    case Outcome::kBusy:
      srv.after(delay, [&srv, o] {
        hangup_channel(srv, o.chan1, 17);
        originate_done(srv, o, false, 5);
      });
      break;
    case Outcome::kNoAnswer:
      srv.after(o.timeout_ms, [&srv, o] {
        hangup_channel(srv, o.chan1, 19);
        originate_done(srv, o, false, 3);
      });
      break;
    case Outcome::kFail:
      break;
  }
}

// ---------------------------------------------------------------- listings

std::string duration(time_t created) {
  const long s = static_cast<long>(std::time(nullptr) - created);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

void action_coreshowchannels(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Channels will follow", true));
  int n = 0;
  for (const auto& c : ctx.st().channels) {
    Message ev;
    ev.add("Event", "CoreShowChannel");
    ctx.add_id(ev);
    add_snapshot(ev, c);
    ev.add("Application", c.application).add("ApplicationData", c.data);
    ev.add("Duration", duration(c.created)).add("BridgeId", "");
    ctx.reply(ev);
    ++n;
  }
  ctx.reply(ctx.list_complete("CoreShowChannelsComplete", n));
}

Message status_event(ActionCtx& ctx, const Channel& c, const std::vector<std::string>& vars) {
  Message ev;
  ev.add("Event", "Status").add("Privilege", "Call");
  const long secs = static_cast<long>(std::time(nullptr) - c.created);
  if (ctx.modern()) {
    add_snapshot(ev, c);
    ev.add("Type", c.type).add("DNID", "");
    ev.add("EffectiveConnectedLineNum", c.conn_num).add("EffectiveConnectedLineName", c.conn_name);
    ev.add("TimeToHangup", 0).add("BridgeID", "");
    ev.add("Application", c.application).add("Data", c.data);
    ev.add("Nativeformats", "(slin)").add("Readformat", "slin").add("Readtrans", "");
    ev.add("Writeformat", "slin").add("Writetrans", "");
    ev.add("Callgroup", 0).add("Pickupgroup", 0).add("Seconds", secs);
  } else {
    // Asterisk 1.4 action_status() field order.
    ev.add("Channel", c.name).add("CallerID", c.cid_num).add("CallerIDNum", c.cid_num);
    ev.add("CallerIDName", c.cid_name).add("Account", "").add("State", state_desc(c.state));
    ev.add("Context", c.context).add("Extension", c.exten).add("Priority", c.priority);
    ev.add("Seconds", secs).add("Uniqueid", c.uniqueid);
  }
  for (const auto& v : vars) ev.add("Variable", v + "=" + var_value(c, v));
  ctx.add_id(ev);
  return ev;
}

void action_status(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel");
  std::vector<std::string> vars;
  const std::string vlist = ctx.arg("Variables");
  for (size_t start = 0; start < vlist.size();) {
    size_t comma = vlist.find(',', start);
    if (comma == std::string::npos) comma = vlist.size();
    if (comma > start) vars.push_back(vlist.substr(start, comma - start));
    start = comma + 1;
  }
  if (!name.empty() && !ctx.st().channel(name)) return ctx.error("No such channel");
  ctx.reply(ctx.response("Success", "Channel status will follow", true));
  int n = 0;
  for (const auto& c : ctx.st().channels) {
    if (!name.empty() && !iequals(c.name, name)) continue;
    ctx.reply(status_event(ctx, c, vars));
    ++n;
  }
  Message done = ctx.list_complete("StatusComplete", n);
  if (ctx.modern()) done.add("Items", n);
  ctx.reply(done);
}

// ---------------------------------------------------------------- control

void action_hangup(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel");
  if (name.empty()) return ctx.error("No channel specified");
  const int cause = ctx.arg("Cause").empty() ? 16 : std::atoi(ctx.arg("Cause").c_str());
  if (!ctx.st().channel(name)) return ctx.error("No such channel");
  hangup_channel(ctx.srv, name, cause);
  ctx.ack("Channel Hungup");
}

void action_redirect(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel"), extra = ctx.arg("ExtraChannel");
  if (name.empty()) return ctx.error("Channel not specified");
  Channel* c = ctx.st().channel(name);
  if (!c) return ctx.error("Channel does not exist: " + name);
  Channel* c2 = extra.empty() ? nullptr : ctx.st().channel(extra);
  if (!extra.empty() && !c2) return ctx.error("ExtraChannel does not exist: " + extra);
  const int prio = ctx.arg("Priority").empty() ? 1 : std::atoi(ctx.arg("Priority").c_str());
  for (Channel* ch : {c, c2}) {
    if (!ch) continue;
    if (!ctx.arg("Context").empty()) ch->context = ctx.arg("Context");
    ch->exten = ctx.arg("Exten");
    ch->priority = prio;
    ch->application.clear();
    ch->data.clear();
  }
  ctx.ack(c2 ? "Dual Redirect successful" : "Redirect successful");
}

// A few dialplan functions Getvar can evaluate.
bool eval_function(const Channel* c, const std::string& expr, std::string& out) {
  if (!c) return false;
  if (expr == "CHANNEL(state)") {
    out = state_desc(c->state);
  } else if (expr == "CHANNEL(name)") {
    out = c->name;
  } else if (expr == "CALLERID(num)") {
    out = c->cid_num;
  } else if (expr == "CALLERID(name)") {
    out = c->cid_name;
  } else if (expr == "UNIQUEID" || expr == "CHANNEL(uniqueid)") {
    out = c->uniqueid;
  } else {
    return false;
  }
  return true;
}

void action_getvar(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel"), var = ctx.arg("Variable");
  if (var.empty()) return ctx.error("No variable specified");
  const Channel* c = nullptr;
  if (!name.empty()) {
    c = ctx.st().channel(name);
    if (!c) return ctx.error("No such channel");
  }
  std::string value;
  if (!eval_function(c, var, value)) {
    if (c) {
      value = var_value(*c, var);
    } else if (auto it = ctx.st().globals.find(var); it != ctx.st().globals.end()) {
      value = it->second;
    }
  }
  Message m = ctx.response("Success");
  m.add("Variable", var).add("Value", value);
  ctx.reply(m);
}

void action_setvar(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel"), var = ctx.arg("Variable");
  if (var.empty()) return ctx.error("No variable specified");
  const std::string value = ctx.arg("Value");
  if (name.empty()) {
    ctx.st().globals[var] = value;  // no Channel: a global variable
    return ctx.ack("Variable Set");
  }
  Channel* c = ctx.st().channel(name);
  if (!c) return ctx.error("No such channel");
  set_var(*c, var, value);
  ctx.ack("Variable Set");
  if (ctx.modern()) {
    Message ev = make_event("VarSet", "dialplan");
    add_snapshot(ev, *c);
    ev.add("Variable", var).add("Value", value);
    ctx.broadcast(ev);
  }
}

void action_absolutetimeout(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel");
  if (name.empty()) return ctx.error("No channel specified");
  Channel* c = ctx.st().channel(name);
  if (!c) return ctx.error("No such channel");
  const int secs = std::clamp(std::atoi(ctx.arg("Timeout").c_str()), 0, 86400 * 7);
  if (c->timeout_timer) ctx.srv.cancel_timer(c->timeout_timer);
  c->timeout_timer = 0;
  if (secs > 0) {
    Server& srv = ctx.srv;
    const std::string chan = c->name;
    c->timeout_timer = srv.after(secs * 1000, [&srv, chan] {
      if (Channel* ch = srv.state().channel(chan)) ch->timeout_timer = 0;
      hangup_channel(srv, chan, 16);
    });
  }
  ctx.ack("Timeout Set");
}

// ---------------------------------------------------------------- recording

Channel* need_channel(ActionCtx& ctx) {
  const std::string name = ctx.arg("Channel");
  if (name.empty()) {
    ctx.error("No channel specified");
    return nullptr;
  }
  Channel* c = ctx.st().channel(name);
  if (!c) ctx.error("No such channel");
  return c;
}

void action_monitor(ActionCtx& ctx) {
  if (Channel* c = need_channel(ctx)) {
    c->monitoring = true;
    ctx.ack("Started monitoring channel");
  }
}
void action_changemonitor(ActionCtx& ctx) {
  if (ctx.arg("File").empty() && ctx.req.has("Channel")) return ctx.error("No filename specified");
  if (need_channel(ctx)) ctx.ack("Changed monitor filename");
}
void action_stopmonitor(ActionCtx& ctx) {
  // res_monitor answers Success even when nothing is being monitored (transcript).
  if (Channel* c = need_channel(ctx)) {
    c->monitoring = false;
    ctx.ack("Stopped monitoring channel");
  }
}
void action_pausemonitor(ActionCtx& ctx) {
  if (need_channel(ctx)) ctx.ack("Paused monitoring of the channel");
}
void action_unpausemonitor(ActionCtx& ctx) {
  if (need_channel(ctx)) ctx.ack("Unpaused monitoring of the channel");
}
void action_mixmonitor(ActionCtx& ctx) {
  if (Channel* c = need_channel(ctx)) {
    c->mixmonitoring = true;
    ctx.reply(ctx.response("Success"));  // app_mixmonitor sends no Message header
  }
}
void action_stopmixmonitor(ActionCtx& ctx) {
  if (Channel* c = need_channel(ctx)) {
    c->mixmonitoring = false;
    ctx.reply(ctx.response("Success"));
  }
}

bool has_monitor(const Options& o) { return !o.modern() || o.res_monitor; }
bool has_pausemonitor(const Options& o) { return o.modern() && o.res_monitor; }

}  // namespace

void register_channel_actions(Registry& r) {
  r.add("Originate", "Originate a call.", "originate,all", action_originate);
  r.add("Status", "List channel status.", "system,call,reporting,all", action_status);
  r.add("CoreShowChannels", "List currently active channels.", "system,reporting,all",
        action_coreshowchannels, modern_only);
  r.add("Hangup", "Hangup channel.", "system,call,all", action_hangup);
  r.add("Redirect", "Redirect (transfer) a call.", "call,all", action_redirect);
  r.add("Getvar", "Gets a channel variable or function value.", "call,reporting,all",
        action_getvar);
  r.add("Setvar", "Sets a channel variable or function value.", "call,all", action_setvar);
  r.add("AbsoluteTimeout", "Set absolute timeout.", "system,call,all", action_absolutetimeout);
  r.add("Monitor", "Monitor a channel.", "call,all", action_monitor, has_monitor);
  r.add("ChangeMonitor", "Change monitoring filename of a channel.", "call,all",
        action_changemonitor, has_monitor);
  r.add("StopMonitor", "Stop monitoring a channel.", "call,all", action_stopmonitor, has_monitor);
  r.add("PauseMonitor", "Pause monitoring of a channel.", "call,all", action_pausemonitor,
        has_pausemonitor);
  r.add("UnpauseMonitor", "Unpause monitoring of a channel.", "call,all", action_unpausemonitor,
        has_pausemonitor);
  r.add("MixMonitor", "Record a call and mix the audio during the recording.", "system,all",
        action_mixmonitor, modern_only);
  r.add("StopMixMonitor",
        "Stop recording a call through MixMonitor, and free the recording's "
        "file handle.",
        "system,all", action_stopmixmonitor, modern_only);
}

}  // namespace sim
