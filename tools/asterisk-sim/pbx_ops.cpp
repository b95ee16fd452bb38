#include "pbx_ops.h"

#include <ctime>

#include "events.h"

namespace sim {

Channel make_channel(SimState& st, const std::string& tech_resource) {
  Channel c;
  auto slash = tech_resource.find('/');
  c.type = slash == std::string::npos ? tech_resource : tech_resource.substr(0, slash);
  c.name = tech_resource + "-" + st.next_local_suffix();
  c.uniqueid = c.linkedid = st.next_uniqueid();
  c.created = std::time(nullptr);
  return c;
}

Channel& add_channel(Server& srv, Channel c) {
  SimState& st = srv.state();
  st.channels.push_back(std::move(c));
  Channel& added = st.channels.back();
  srv.broadcast(ev_newchannel(srv.opt().modern(), added));
  return added;
}

void set_channel_state(Server& srv, Channel& c, int state) {
  c.state = state;
  srv.broadcast(ev_newstate(srv.opt().modern(), c));
}

bool hangup_channel(Server& srv, const std::string& name, int cause) {
  SimState& st = srv.state();
  Channel* c = st.channel(name);
  if (!c) return false;
  const std::string real_name = c->name, partner = c->partner;
  if (c->timeout_timer) srv.cancel_timer(c->timeout_timer);
  srv.broadcast(ev_hangup(srv.opt().modern(), *c, cause));
  st.remove_channel(real_name);
  // Hanging up one half of a Local channel takes the other half down too.
  if (!partner.empty()) hangup_channel(srv, partner, cause);
  return true;
}

int pause_member(Server& srv, const std::string& queue, const std::string& iface, bool paused,
                 const std::string& reason) {
  int n = 0;
  for (auto& q : srv.state().queues) {
    if (!queue.empty() && q.name != queue) continue;
    Member* m = q.member(iface);
    if (!m) continue;
    m->paused = paused;
    m->paused_reason = paused ? reason : "";
    if (paused) m->lastpause = std::time(nullptr);
    srv.broadcast(ev_member(srv.opt().modern(), MemberEvent::kPause, q, *m));
    ++n;
  }
  return n;
}

Channel agent_channel(const Agent& a) {
  Channel c;
  c.name = a.channel;
  c.type = "PJSIP";
  c.state = 6;
  c.cid_num = a.id;
  c.cid_name = a.name;
  c.context = "agents";
  c.exten = "login";
  c.priority = 2;
  c.uniqueid = c.linkedid = a.uniqueid;
  c.application = "AgentLogin";
  c.data = a.id;
  return c;
}

void agent_login(Server& srv, Agent& a) {
  SimState& st = srv.state();
  a.logged_in = true;
  a.login_time = std::time(nullptr);
  a.channel = (srv.opt().modern() ? "PJSIP/" : "SIP/") + a.id + "-" + st.next_local_suffix();
  a.uniqueid = st.next_uniqueid();
  if (srv.opt().modern()) {
    // app_agent_pool: AgentLogin = channel snapshot + Agent.
    Message ev = make_event("AgentLogin", "agent");
    add_snapshot(ev, agent_channel(a));
    ev.add("Agent", a.id);
    srv.broadcast(ev);
  } else {
    // 1.4 chan_agent: "Agentlogin" with Agent, Channel, Uniqueid.
    Message ev = make_event("Agentlogin", "agent");
    ev.add("Agent", a.id).add("Channel", a.channel).add("Uniqueid", a.uniqueid);
    srv.broadcast(ev);
  }
}

void agent_logoff(Server& srv, Agent& a) {
  const long logintime = static_cast<long>(std::time(nullptr) - a.login_time);
  if (srv.opt().modern()) {
    Message ev = make_event("AgentLogoff", "agent");
    add_snapshot(ev, agent_channel(a));
    ev.add("Agent", a.id).add("Logintime", logintime);
    srv.broadcast(ev);
  } else {
    Message ev = make_event("Agentlogoff", "agent");
    ev.add("Agent", a.id).add("Logintime", logintime).add("Uniqueid", a.uniqueid);
    srv.broadcast(ev);
  }
  a.logged_in = false;
  a.channel.clear();
  a.uniqueid.clear();
  a.login_time = 0;
}

}  // namespace sim
