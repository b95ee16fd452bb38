// Simulator-only actions (real Asterisk has none of them), for scripting tests:
//   SimQueueCall  a caller enters a queue and is answered, abandons, or keeps waiting
//   SimAgent      agent login/logoff/pause/unpause with the matching events
//   SimSleep      holds the sending session, then answers (for timeout tests)
//   SimEvent      emits one arbitrary event
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "actions.h"
#include "events.h"
#include "pbx_ops.h"

namespace sim {
namespace {

int ms_arg(ActionCtx& ctx, const char* name, int def) {
  const std::string v = ctx.arg(name);
  return std::clamp(v.empty() ? def : std::atoi(v.c_str()), 0, 3'600'000);
}

// ---------------------------------------------------------------- SimQueueCall

struct QueueCall {
  std::string queue, caller, member_iface, member_chan;
  std::string cid_num, cid_name;
  int wait_ms = 0, ring_ms = 0, talk_ms = 0;
  int position = 0;
};

Member* call_member(Server& srv, const QueueCall& qc) {
  Queue* q = srv.state().queue(qc.queue);
  return q ? q->member(qc.member_iface) : nullptr;
}

// Modern queue caller events carry the caller's channel snapshot first (app_queue 12+).
Message caller_event(Server& srv, const char* modern_name, const char* old_name,
                     const char* old_class, const Channel& c) {
  const bool modern = srv.opt().modern();
  Message ev = make_event(modern ? modern_name : old_name, modern ? "agent" : old_class);
  if (modern) add_snapshot(ev, c);
  return ev;
}

// Remove the caller from the queue's waiting list and emit QueueCallerLeave / Leave.
void leave_queue(Server& srv, const QueueCall& qc, const Channel& c) {
  Queue* q = srv.state().queue(qc.queue);
  if (!q) return;
  int pos = 0;
  for (size_t i = 0; i < q->callers.size(); ++i)
    if (q->callers[i].channel == c.name) pos = static_cast<int>(i) + 1;
  std::erase_if(q->callers, [&](const QueueCaller& x) { return x.channel == c.name; });
  Message ev = caller_event(srv, "QueueCallerLeave", "Leave", "call", c);
  if (srv.opt().modern()) {
    ev.add("Queue", q->name).add("Count", static_cast<long long>(q->callers.size()));
    ev.add("Position", pos);
  } else {
    ev.add("Channel", c.name).add("Queue", q->name);
    ev.add("Count", static_cast<long long>(q->callers.size())).add("Uniqueid", c.uniqueid);
  }
  srv.broadcast(ev);
}

// Agent{Called,Connect,Complete}: modern = caller snapshot + Dest snapshot + fields.
Message agent_event(Server& srv, const char* name, const QueueCall& qc, const Channel& caller,
                    const Channel* dest, const Member& m) {
  Message ev = make_event(name, "agent");
  if (srv.opt().modern()) {
    add_snapshot(ev, caller);
    if (dest) add_snapshot(ev, *dest, "Dest");
    ev.add("Queue", qc.queue).add("Interface", m.interface).add("MemberName", m.name);
  }
  return ev;
}

void member_status(Server& srv, const QueueCall& qc, Member& m, bool incall) {
  m.incall = incall;
  m.status = incall ? kDevInUse : kDevNotInUse;
  if (Queue* q = srv.state().queue(qc.queue))
    srv.broadcast(ev_member(srv.opt().modern(), MemberEvent::kStatus, *q, m));
}

void queue_call_complete(Server& srv, std::shared_ptr<QueueCall> qc) {
  SimState& st = srv.state();
  Channel* caller = st.channel(qc->caller);
  Channel* dest = st.channel(qc->member_chan);
  Member* m = call_member(srv, *qc);
  const long hold = (qc->wait_ms + qc->ring_ms + 500) / 1000;
  const long talk = (qc->talk_ms + 500) / 1000;
  if (caller && m) {
    Message ev = agent_event(srv, "AgentComplete", *qc, *caller, dest, *m);
    if (srv.opt().modern()) {
      ev.add("HoldTime", hold).add("TalkTime", talk).add("Reason", "caller");
    } else {
      // Asterisk 1.4 app_queue AgentComplete.
      ev.add("Queue", qc->queue).add("Uniqueid", caller->uniqueid).add("Channel", caller->name);
      ev.add("Member", m->interface).add("MemberName", m->name).add("HoldTime", hold);
      ev.add("TalkTime", talk).add("Reason", "caller");
    }
    srv.broadcast(ev);
    m->calls++;
    m->lastcall = std::time(nullptr);
    member_status(srv, *qc, *m, false);
  }
  if (Queue* q = st.queue(qc->queue)) {
    // app_queue keeps running averages: (old * 3 + new) / 4.
    q->holdtime = static_cast<int>((q->holdtime * 3 + hold) / 4);
    q->talktime = static_cast<int>((q->talktime * 3 + talk) / 4);
    q->completed++;
  }
  hangup_channel(srv, qc->caller, 16);
  hangup_channel(srv, qc->member_chan, 16);
}

void queue_call_connect(Server& srv, std::shared_ptr<QueueCall> qc) {
  SimState& st = srv.state();
  Channel* caller = st.channel(qc->caller);
  Member* m = call_member(srv, *qc);
  if (!caller || !m) return;  // caller hung up or member removed meanwhile
  if (Channel* dest = st.channel(qc->member_chan)) set_channel_state(srv, *dest, 6);
  caller = st.channel(qc->caller);
  leave_queue(srv, *qc, *caller);
  caller = st.channel(qc->caller);
  const Channel* dest = st.channel(qc->member_chan);
  const long hold = (qc->wait_ms + qc->ring_ms + 500) / 1000;
  const long ring = (qc->ring_ms + 500) / 1000;
  Message ev = agent_event(srv, "AgentConnect", *qc, *caller, dest, *m);
  if (srv.opt().modern()) {
    ev.add("HoldTime", hold).add("RingTime", ring);
  } else {
    // Asterisk 1.4 app_queue AgentConnect.
    ev.add("Queue", qc->queue).add("Uniqueid", caller->uniqueid).add("Channel", caller->name);
    ev.add("Member", m->interface).add("MemberName", m->name).add("Holdtime", hold);
    ev.add("BridgedChannel", dest ? dest->uniqueid : "").add("Ringtime", ring);
  }
  srv.broadcast(ev);
  member_status(srv, *qc, *m, true);
  srv.after(qc->talk_ms, [&srv, qc] { queue_call_complete(srv, qc); });
}

void queue_call_ring(Server& srv, std::shared_ptr<QueueCall> qc) {
  SimState& st = srv.state();
  Member* m = call_member(srv, *qc);
  if (!st.channel(qc->caller) || !m) return;
  // The member's channel starts ringing.
  std::string iface = m->interface;
  Channel mc = make_channel(st, iface);
  if (iequals(iface.substr(0, 6), "Local/")) mc.name += ";1";
  const auto slash = iface.find('/'), at = iface.find('@');
  mc.exten = iface.substr(slash + 1, at == std::string::npos ? std::string::npos : at - slash - 1);
  if (at != std::string::npos) mc.context = iface.substr(at + 1);
  mc.state = 5;  // Ringing
  const Channel* caller = st.channel(qc->caller);
  mc.conn_num = caller->cid_num;
  mc.conn_name = caller->cid_name;
  mc.linkedid = caller->linkedid;
  qc->member_chan = mc.name;
  add_channel(srv, mc);
  caller = st.channel(qc->caller);
  const Channel* dest = st.channel(qc->member_chan);
  Message ev = agent_event(srv, "AgentCalled", *qc, *caller, dest, *m);
  if (!srv.opt().modern()) {
    // Asterisk 1.4 app_queue AgentCalled.
    ev.add("AgentCalled", m->interface).add("AgentName", m->name);
    ev.add("ChannelCalling", caller->name).add("CallerID", caller->cid_num);
    ev.add("CallerIDName", caller->cid_name).add("Context", caller->context);
    ev.add("Extension", caller->exten).add("Priority", caller->priority);
  }
  srv.broadcast(ev);
  srv.after(qc->ring_ms, [&srv, qc] { queue_call_connect(srv, qc); });
}

void queue_call_abandon(Server& srv, std::shared_ptr<QueueCall> qc) {
  SimState& st = srv.state();
  Channel* caller = st.channel(qc->caller);
  Queue* q = st.queue(qc->queue);
  if (!caller || !q) return;
  int pos = 0;
  for (size_t i = 0; i < q->callers.size(); ++i)
    if (q->callers[i].channel == caller->name) pos = static_cast<int>(i) + 1;
  const long hold = (qc->wait_ms + 500) / 1000;
  Message ev = caller_event(srv, "QueueCallerAbandon", "QueueCallerAbandon", "agent", *caller);
  if (!srv.opt().modern()) ev.add("Queue", q->name).add("Uniqueid", caller->uniqueid);
  if (srv.opt().modern()) ev.add("Queue", q->name);
  ev.add("Position", pos).add("OriginalPosition", qc->position).add("HoldTime", hold);
  srv.broadcast(ev);
  q->abandoned++;
  leave_queue(srv, *qc, *caller);
  hangup_channel(srv, qc->caller, 16);
}

void action_simqueuecall(ActionCtx& ctx) {
  SimState& st = ctx.st();
  Queue* q = st.queue(ctx.arg("Queue"));
  if (!q) return ctx.error("No such queue");
  const std::string outcome = ctx.arg("Outcome").empty() ? "answer" : ctx.arg("Outcome");
  if (!iequals(outcome, "answer") && !iequals(outcome, "abandon") && !iequals(outcome, "none"))
    return ctx.error("Outcome must be answer, abandon or none");

  auto qc = std::make_shared<QueueCall>();
  qc->queue = q->name;
  qc->cid_num = ctx.arg("CallerIDNum").empty() ? "5552000" : ctx.arg("CallerIDNum");
  qc->cid_name = ctx.arg("CallerIDName").empty() ? "Queue Caller" : ctx.arg("CallerIDName");
  qc->wait_ms = ms_arg(ctx, "WaitMs", 100);
  qc->ring_ms = ms_arg(ctx, "RingMs", 0);
  qc->talk_ms = ms_arg(ctx, "TalkMs", 200);

  if (iequals(outcome, "answer")) {
    // Which member answers: Interface, or Agent (id, name or Agent/<id>), else the first free one.
    const std::string want =
        !ctx.arg("Interface").empty() ? ctx.arg("Interface") : ctx.arg("Agent");
    const Member* m = nullptr;
    for (const auto& mem : q->members) {
      const bool match = want.empty() ? (!mem.paused && !mem.incall)
                                      : (mem.interface == want || mem.name == want ||
                                         mem.interface == "Agent/" + want);
      if (match) {
        m = &mem;
        break;
      }
    }
    if (!m) return ctx.error("No available member");
    qc->member_iface = m->interface;
  }

  // The caller's channel appears and joins the queue.
  Channel c = make_channel(st, (ctx.modern() ? "PJSIP/" : "SIP/") + qc->cid_num);
  c.state = 6;
  c.cid_num = c.conn_num = qc->cid_num;
  c.cid_name = c.conn_name = qc->cid_name;
  c.context = "queues";
  c.exten = q->name;
  c.priority = 2;
  c.application = "Queue";
  c.data = q->name;
  qc->caller = c.name;
  const std::string uniqueid = c.uniqueid;

  Message resp = ctx.response("Success", "Queue call simulated");
  resp.add("Channel", c.name).add("Uniqueid", uniqueid);
  ctx.reply(resp);

  Server& srv = ctx.srv;
  add_channel(srv, c);
  q->callers.push_back({c.name, uniqueid, qc->cid_num, qc->cid_name, std::time(nullptr)});
  qc->position = static_cast<int>(q->callers.size());
  const Channel* added = st.channel(qc->caller);
  Message join = caller_event(srv, "QueueCallerJoin", "Join", "call", *added);
  if (ctx.modern()) {
    join.add("Queue", q->name).add("Position", qc->position);
    join.add("Count", static_cast<long long>(q->callers.size()));
  } else {
    // Asterisk 1.4 app_queue Join.
    join.add("Channel", added->name).add("CallerID", qc->cid_num);
    join.add("CallerIDName", qc->cid_name).add("Queue", q->name).add("Position", qc->position);
    join.add("Count", static_cast<long long>(q->callers.size())).add("Uniqueid", uniqueid);
  }
  srv.broadcast(join);

  if (iequals(outcome, "answer")) {
    srv.after(qc->wait_ms, [&srv, qc] { queue_call_ring(srv, qc); });
  } else if (iequals(outcome, "abandon")) {
    srv.after(qc->wait_ms, [&srv, qc] { queue_call_abandon(srv, qc); });
  }
}

// ---------------------------------------------------------------- SimAgent

void action_simagent(ActionCtx& ctx) {
  Agent* a = ctx.st().agent(ctx.arg("Agent"));
  if (!a) return ctx.error("No such agent");
  const std::string what = ctx.arg("Do");
  if (iequals(what, "login")) {
    if (a->logged_in) return ctx.error("Agent already logged in");
    ctx.ack("Agent logged in");
    agent_login(ctx.srv, *a);
  } else if (iequals(what, "logoff")) {
    if (!a->logged_in) return ctx.error("Agent is not logged in");
    ctx.ack("Agent logged off");
    agent_logoff(ctx.srv, *a);
  } else if (iequals(what, "pause") || iequals(what, "unpause")) {
    const bool pause = iequals(what, "pause");
    // The agent's queue membership: Interface, else a member named after the agent.
    std::string iface = ctx.arg("Interface");
    if (iface.empty()) {
      for (const auto& q : ctx.st().queues)
        for (const auto& m : q.members)
          if (iface.empty() &&
              (m.interface == "Agent/" + a->id || m.name == a->id || m.name == a->name))
            iface = m.interface;
    }
    if (iface.empty() ||
        pause_member(ctx.srv, ctx.arg("Queue"), iface, pause, ctx.arg("Reason")) == 0)
      return ctx.error("Agent is not a queue member");
    ctx.ack(pause ? "Agent paused" : "Agent unpaused");
  } else {
    ctx.error("Do must be login, logoff, pause or unpause");
  }
}

// ---------------------------------------------------------------- SimSleep, SimEvent

void action_simsleep(ActionCtx& ctx) {
  const int ms = ms_arg(ctx, "Milliseconds", 1000);
  const uint64_t sid = ctx.hold();
  Message resp = ctx.response("Success", "Slept");
  Server& srv = ctx.srv;
  srv.after(ms, [&srv, sid, resp] {
    if (Session* s = srv.session(sid)) {
      srv.send(*s, resp);
      srv.finish_action(sid);
    }
  });
}

void action_simevent(ActionCtx& ctx) {
  const std::string name = ctx.arg("SimEventName");
  if (name.empty()) return ctx.error("SimEventName not specified");
  Message ev;
  ev.add("Event", name);
  for (const auto& [k, v] : ctx.req.headers())
    if (!iequals(k, "Action") && !iequals(k, "SimEventName")) ev.add(k, v);
  ctx.ack("Event sent");
  ctx.broadcast(ev);
}

}  // namespace

void register_sim_actions(Registry& r) {
  r.add("SimQueueCall", "Simulator: a caller enters a queue.", "<none>", action_simqueuecall);
  r.add("SimAgent", "Simulator: agent login/logoff/pause/unpause.", "<none>", action_simagent);
  r.add("SimSleep", "Simulator: hold this session, then answer.", "<none>", action_simsleep);
  r.add("SimEvent", "Simulator: emit one arbitrary event.", "<none>", action_simevent);
}

}  // namespace sim
