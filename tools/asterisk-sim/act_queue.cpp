// Queue and agent actions: QueueStatus, QueueSummary, QueueAdd, QueueRemove, QueuePause,
// QueuePenalty, Agents, AgentLogoff, AgentCallbackLogin (1.4 only).
#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "actions.h"
#include "events.h"
#include "pbx_ops.h"

namespace sim {
namespace {

bool truthy(const std::string& v) {
  return iequals(v, "true") || iequals(v, "yes") || iequals(v, "on") || v == "1" ||
         iequals(v, "y") || iequals(v, "t");
}

Message queue_params(ActionCtx& ctx, const Queue& q) {
  Message ev;
  ev.add("Event", "QueueParams").add("Queue", q.name).add("Max", q.max);
  if (ctx.modern()) ev.add("Strategy", q.strategy);
  ev.add("Calls", static_cast<long long>(q.callers.size())).add("Holdtime", q.holdtime);
  if (ctx.modern()) ev.add("TalkTime", q.talktime);
  ev.add("Completed", q.completed).add("Abandoned", q.abandoned);
  ev.add("ServiceLevel", q.servicelevel).add("ServicelevelPerf", "0.0");
  if (ctx.modern()) ev.add("ServicelevelPerf2", "0.0");
  ev.add("Weight", q.weight);
  ctx.add_id(ev);
  return ev;
}

Message queue_member(ActionCtx& ctx, const Queue& q, const Member& m) {
  Message ev;
  ev.add("Event", "QueueMember").add("Queue", q.name).add("Name", m.name);
  ev.add("Location", m.interface);
  if (ctx.modern()) ev.add("StateInterface", m.state_interface);
  ev.add("Membership", m.dynamic ? "dynamic" : "static").add("Penalty", m.penalty);
  ev.add("CallsTaken", m.calls).add("LastCall", m.lastcall);
  if (ctx.modern()) {
    ev.add("LastPause", m.lastpause).add("LoginTime", m.logintime);
    ev.add("InCall", m.incall ? 1 : 0);
  }
  ev.add("Status", m.status).add("Paused", m.paused ? 1 : 0);
  if (ctx.modern()) ev.add("PausedReason", m.paused_reason).add("Wrapuptime", m.wrapuptime);
  ctx.add_id(ev);
  return ev;
}

Message queue_entry(ActionCtx& ctx, const Queue& q, const QueueCaller& c, int pos) {
  const long wait = static_cast<long>(std::time(nullptr) - c.joined);
  Message ev;
  ev.add("Event", "QueueEntry").add("Queue", q.name).add("Position", pos);
  ev.add("Channel", c.channel);
  if (ctx.modern()) {
    ev.add("Uniqueid", c.uniqueid).add("CallerIDNum", c.cid_num).add("CallerIDName", c.cid_name);
    ev.add("ConnectedLineNum", c.cid_num).add("ConnectedLineName", c.cid_name);
    ev.add("Wait", wait).add("Priority", 0);
  } else {
    ev.add("CallerID", c.cid_num).add("CallerIDName", c.cid_name).add("Wait", wait);
  }
  ctx.add_id(ev);
  return ev;
}

void action_queuestatus(ActionCtx& ctx) {
  const std::string queue = ctx.arg("Queue"), member = ctx.arg("Member");
  ctx.reply(ctx.response("Success", "Queue status will follow", true));
  int items = 0;
  for (const auto& q : ctx.st().queues) {
    if (!queue.empty() && q.name != queue) continue;
    ctx.reply(queue_params(ctx, q));
    ++items;
    for (const auto& m : q.members) {
      if (!member.empty() && m.interface != member && m.name != member) continue;
      ctx.reply(queue_member(ctx, q, m));
      ++items;
    }
    int pos = 1;
    for (const auto& c : q.callers) {
      ctx.reply(queue_entry(ctx, q, c, pos++));
      ++items;
    }
  }
  ctx.reply(ctx.list_complete("QueueStatusComplete", items));
}

void action_queuesummary(ActionCtx& ctx) {
  const std::string queue = ctx.arg("Queue");
  const time_t now = std::time(nullptr);
  ctx.reply(ctx.response("Success", "Queue summary will follow", true));
  int items = 0;
  for (const auto& q : ctx.st().queues) {
    if (!queue.empty() && q.name != queue) continue;
    int logged_in = 0, available = 0;
    for (const auto& m : q.members) {
      if (m.status == kDevUnavailable || m.status == kDevInvalid) continue;
      ++logged_in;
      if (!m.paused && (m.status == kDevNotInUse || m.status == kDevUnknown)) ++available;
    }
    long longest = 0;
    for (const auto& c : q.callers) longest = std::max(longest, static_cast<long>(now - c.joined));
    Message ev;
    ev.add("Event", "QueueSummary").add("Queue", q.name).add("LoggedIn", logged_in);
    ev.add("Available", available).add("Callers", static_cast<long long>(q.callers.size()));
    ev.add("HoldTime", q.holdtime).add("TalkTime", q.talktime).add("LongestHoldTime", longest);
    ctx.add_id(ev);
    ctx.reply(ev);
    ++items;
  }
  ctx.reply(ctx.list_complete("QueueSummaryComplete", items));
}

void action_queueadd(ActionCtx& ctx) {
  const std::string queue = ctx.arg("Queue"), iface = ctx.arg("Interface");
  if (queue.empty()) return ctx.error("'Queue' not specified.");
  if (iface.empty()) return ctx.error("'Interface' not specified.");
  Queue* q = ctx.st().queue(queue);
  if (!q) return ctx.error("Unable to add interface to queue: No such queue");
  if (q->member(iface)) return ctx.error("Unable to add interface: Already there");
  Member m;
  m.interface = iface;
  m.name = ctx.arg("MemberName").empty() ? iface : ctx.arg("MemberName");
  m.state_interface = ctx.arg("StateInterface").empty() ? iface : ctx.arg("StateInterface");
  m.dynamic = true;
  m.penalty = std::atoi(ctx.arg("Penalty").c_str());
  m.paused = truthy(ctx.arg("Paused"));
  m.paused_reason = m.paused ? ctx.arg("Reason") : "";
  m.logintime = std::time(nullptr);
  if (m.paused) m.lastpause = m.logintime;
  q->members.push_back(m);
  ctx.ack("Added interface to queue");
  ctx.broadcast(ev_member(ctx.modern(), MemberEvent::kAdded, *q, q->members.back()));
}

void action_queueremove(ActionCtx& ctx) {
  const std::string queue = ctx.arg("Queue"), iface = ctx.arg("Interface");
  if (queue.empty() || iface.empty()) return ctx.error("Need 'Queue' and 'Interface' parameters.");
  Queue* q = ctx.st().queue(queue);
  if (!q) return ctx.error("Unable to remove interface from queue: No such queue");
  for (auto it = q->members.begin(); it != q->members.end(); ++it) {
    if (it->interface != iface) continue;
    if (!it->dynamic) return ctx.error("Member not dynamic");  // app_queue RES_NOT_DYNAMIC
    Member gone = *it;
    q->members.erase(it);
    ctx.ack("Removed interface from queue");
    ctx.broadcast(ev_member(ctx.modern(), MemberEvent::kRemoved, *q, gone));
    return;
  }
  ctx.error("Unable to remove interface: Not there");
}

void action_queuepause(ActionCtx& ctx) {
  const std::string iface = ctx.arg("Interface"), paused_s = ctx.arg("Paused");
  if (iface.empty() || paused_s.empty())
    return ctx.error("Need 'Interface' and 'Paused' parameters.");
  const bool paused = truthy(paused_s);
  // Respond first, then the QueueMemberPause events: Asterisk flushes events after the action.
  if (pause_member(ctx.srv, ctx.arg("Queue"), iface, paused, ctx.arg("Reason")) == 0)
    return ctx.error("Interface not found");
  ctx.ack(paused ? "Interface paused successfully" : "Interface unpaused successfully");
}

void action_queuepenalty(ActionCtx& ctx) {
  const std::string iface = ctx.arg("Interface"), pen = ctx.arg("Penalty");
  if (iface.empty() || pen.empty()) return ctx.error("Need 'Interface' and 'Penalty' parameters.");
  const std::string queue = ctx.arg("Queue");
  int n = 0;
  for (auto& q : ctx.st().queues) {
    if (!queue.empty() && q.name != queue) continue;
    if (Member* m = q.member(iface)) {
      m->penalty = std::atoi(pen.c_str());
      ctx.broadcast(ev_member(ctx.modern(), MemberEvent::kPenalty, q, *m));
      ++n;
    }
  }
  if (n == 0) return ctx.error("Invalid interface, queuename or penalty");
  ctx.ack("Interface penalty set successfully");
}

void action_agents(ActionCtx& ctx) {
  ctx.reply(ctx.response("Success", "Agents will follow", true));
  const time_t now = std::time(nullptr);
  int items = 0;
  for (const auto& a : ctx.st().agents) {
    Message ev;
    ev.add("Event", "Agents").add("Agent", a.id).add("Name", a.name);
    bool oncall = false;
    for (const auto& c : ctx.st().channels)
      if (c.name.find("Agent/" + a.id) != std::string::npos) oncall = true;
    ev.add("Status", !a.logged_in ? "AGENT_LOGGEDOFF" : oncall ? "AGENT_ONCALL" : "AGENT_IDLE");
    if (ctx.modern()) {
      // app_agent_pool appends the logged-in channel's snapshot and the login time.
      if (a.logged_in) {
        add_snapshot(ev, agent_channel(a));
        ev.add("LoggedInTime", static_cast<long long>(a.login_time));
      }
    } else {
      // 1.4 chan_agent: LoggedInChan/LoggedInTime/TalkingTo always present.
      ev.add("LoggedInChan", a.logged_in ? a.channel : "n/a");
      ev.add("LoggedInTime", a.logged_in ? static_cast<long long>(now - a.login_time) : 0);
      ev.add("TalkingTo", "n/a");
    }
    ctx.add_id(ev);
    ctx.reply(ev);
    ++items;
  }
  ctx.reply(ctx.list_complete("AgentsComplete", items));
}

void action_agentlogoff(ActionCtx& ctx) {
  const std::string id = ctx.arg("Agent");
  if (id.empty()) return ctx.error("No agent specified");
  Agent* a = ctx.st().agent(id);
  if (!a) return ctx.error("No such agent");
  if (!a->logged_in) return ctx.error("Agent is not logged in");
  ctx.ack("Agent logged out");
  agent_logoff(ctx.srv, *a);
}

// 1.4 chan_agent AgentCallbackLogin: the agent is called back at Exten@Context.
void action_agentcallbacklogin(ActionCtx& ctx) {
  const std::string id = ctx.arg("Agent"), exten = ctx.arg("Exten");
  if (id.empty()) return ctx.error("No agent specified");
  if (exten.empty()) return ctx.error("No extension specified");
  Agent* a = ctx.st().agent(id);
  if (!a) return ctx.error("No such agent");
  if (a->logged_in) return ctx.error("Agent already logged in");
  std::string context = ctx.arg("Context").empty() ? "default" : ctx.arg("Context");
  a->logged_in = true;
  a->login_time = std::time(nullptr);
  a->channel = exten + "@" + context;
  a->uniqueid = ctx.st().next_uniqueid();
  ctx.ack("Agent logged in");
  Message ev = make_event("Agentcallbacklogin", "agent");
  ev.add("Agent", a->id).add("Loginchan", a->channel).add("Uniqueid", a->uniqueid);
  ctx.broadcast(ev);
}

}  // namespace

void register_queue_actions(Registry& r) {
  r.add("QueueStatus", "Show queue status.", "<none>", action_queuestatus);
  r.add("QueueSummary", "Show queue summary.", "<none>", action_queuesummary, modern_only);
  r.add("QueueAdd", "Add interface to queue.", "agent,all", action_queueadd);
  r.add("QueueRemove", "Remove interface from queue.", "agent,all", action_queueremove);
  r.add("QueuePause", "Makes a queue member temporarily unavailable.", "agent,all",
        action_queuepause);
  r.add("QueuePenalty", "Set the penalty for a queue member.", "agent,all", action_queuepenalty,
        modern_only);
  r.add("Agents", "Lists agents and their status.", "agent,all", action_agents);
  r.add("AgentLogoff", "Sets an agent as no longer logged in.", "agent,all", action_agentlogoff);
  r.add("AgentCallbackLogin", "Sets an agent as logged in by callback", "agent,all",
        action_agentcallbacklogin, old_only);
}

}  // namespace sim
