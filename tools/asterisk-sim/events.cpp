#include "events.h"

#include <array>
#include <charconv>

namespace sim {
namespace {

// Asterisk's manager permission classes, in bit order (manager.h EVENT_FLAG_*).
constexpr std::array<std::string_view, 19> kClasses = {
    "system", "call", "log",       "verbose",  "command",  "agent",     "user",
    "config", "dtmf", "reporting", "cdr",      "dialplan", "originate", "agi",
    "cc",     "aoc",  "test",      "security", "message"};

}  // namespace

uint32_t class_bit(std::string_view name) {
  for (size_t i = 0; i < kClasses.size(); ++i)
    if (iequals(kClasses[i], name)) return 1u << i;
  return 0;
}

uint32_t parse_event_mask(std::string_view spec) {
  if (spec.empty() || iequals(spec, "off")) return 0;
  if (iequals(spec, "on") || iequals(spec, "all")) return kAllEvents;
  uint32_t num = 0;
  auto r = std::from_chars(spec.data(), spec.data() + spec.size(), num);
  if (r.ec == std::errc() && r.ptr == spec.data() + spec.size()) return num;
  uint32_t mask = 0;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    auto word = spec.substr(start, comma - start);
    while (!word.empty() && word.front() == ' ') word.remove_prefix(1);
    while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
    if (iequals(word, "all")) mask = kAllEvents;
    mask |= class_bit(word);
    start = comma + 1;
  }
  return mask;
}

uint32_t event_class(const Message& ev) {
  std::string priv = ev.get("Privilege");
  auto comma = priv.find(',');
  uint32_t bit = class_bit(std::string_view(priv).substr(0, comma));
  return bit ? bit : kAllEvents;
}

Message make_event(std::string_view name, std::string_view cls) {
  Message m;
  m.add("Event", std::string(name));
  m.add("Privilege", std::string(cls) + ",all");
  return m;
}

void add_snapshot(Message& m, const Channel& c, std::string_view prefix) {
  std::string p(prefix);
  m.add(p + "Channel", c.name);
  m.add(p + "ChannelState", c.state);
  m.add(p + "ChannelStateDesc", state_desc(c.state));
  m.add(p + "CallerIDNum", c.cid_num);
  m.add(p + "CallerIDName", c.cid_name);
  m.add(p + "ConnectedLineNum", c.conn_num);
  m.add(p + "ConnectedLineName", c.conn_name);
  m.add(p + "Language", "en");
  m.add(p + "AccountCode", "");
  m.add(p + "Context", c.context);
  m.add(p + "Exten", c.exten);
  m.add(p + "Priority", c.priority);
  m.add(p + "Uniqueid", c.uniqueid);
  m.add(p + "Linkedid", c.linkedid);
}

// 1.4 channel events (main/channel.c): Newchannel/Newstate carry State + CallerID fields.
Message ev_newchannel(bool modern, const Channel& c) {
  Message m = make_event("Newchannel", "call");
  if (modern) {
    add_snapshot(m, c);
  } else {
    m.add("Channel", c.name);
    m.add("State", state_desc(c.state));
    m.add("CallerIDNum", c.cid_num);
    m.add("CallerIDName", c.cid_name);
    m.add("Uniqueid", c.uniqueid);
  }
  return m;
}

Message ev_newstate(bool modern, const Channel& c) {
  Message m = make_event("Newstate", "call");
  if (modern) {
    add_snapshot(m, c);
  } else {
    m.add("Channel", c.name);
    m.add("State", state_desc(c.state));
    m.add("CallerID", c.cid_num);
    m.add("CallerIDName", c.cid_name);
    m.add("Uniqueid", c.uniqueid);
  }
  return m;
}

const char* cause_text(int cause) {
  switch (cause) {
    case 0:
      return "Unknown";
    case 1:
      return "Unallocated (unassigned) number";
    case 16:
      return "Normal Clearing";
    case 17:
      return "User busy";
    case 18:
      return "No user responding";
    case 19:
      return "User alerting, no answer";
    case 21:
      return "Call Rejected";
    case 34:
      return "Circuit/channel congestion";
    default:
      return "Unknown";
  }
}

Message ev_hangup(bool modern, const Channel& c, int cause) {
  Message m = make_event("Hangup", "call");
  if (modern) {
    add_snapshot(m, c);
  } else {
    m.add("Channel", c.name);
    m.add("Uniqueid", c.uniqueid);
  }
  m.add("Cause", cause);
  m.add("Cause-txt", cause_text(cause));
  return m;
}

Message ev_member(bool modern, MemberEvent kind, const Queue& q, const Member& mem) {
  const char* name = "QueueMemberStatus";
  switch (kind) {
    case MemberEvent::kAdded:
      name = "QueueMemberAdded";
      break;
    case MemberEvent::kRemoved:
      name = "QueueMemberRemoved";
      break;
    case MemberEvent::kPause:
      name = modern ? "QueueMemberPause" : "QueueMemberPaused";
      break;
    case MemberEvent::kPenalty:
      name = "QueueMemberPenalty";
      break;
    case MemberEvent::kStatus:
      name = "QueueMemberStatus";
      break;
  }
  Message m = make_event(name, "agent");
  const char* membership = mem.dynamic ? "dynamic" : "static";
  if (modern) {
    // app_queue queue_member_blob_create() field order.
    m.add("Queue", q.name);
    m.add("MemberName", mem.name);
    m.add("Interface", mem.interface);
    m.add("StateInterface", mem.state_interface);
    m.add("Membership", membership);
    m.add("Penalty", mem.penalty);
    m.add("CallsTaken", mem.calls);
    m.add("LastCall", mem.lastcall);
    m.add("LastPause", mem.lastpause);
    m.add("LoginTime", mem.logintime);
    m.add("InCall", mem.incall ? 1 : 0);
    m.add("Status", mem.status);
    m.add("Paused", mem.paused ? 1 : 0);
    m.add("PausedReason", mem.paused_reason);
    m.add("Ringinuse", mem.ringinuse ? 1 : 0);
    m.add("Wrapuptime", mem.wrapuptime);
    return m;
  }
  // Asterisk 1.4 apps/app_queue.c manager_event() formats.
  m.add("Queue", q.name);
  m.add("Location", mem.interface);
  m.add("MemberName", mem.name);
  if (kind == MemberEvent::kPause) {
    m.add("Paused", mem.paused ? 1 : 0);
  } else if (kind == MemberEvent::kPenalty) {
    m.add("Penalty", mem.penalty);
  } else if (kind != MemberEvent::kRemoved) {
    m.add("Membership", membership);
    m.add("Penalty", mem.penalty);
    m.add("CallsTaken", mem.calls);
    m.add("LastCall", mem.lastcall);
    m.add("Status", mem.status);
    m.add("Paused", mem.paused ? 1 : 0);
  }
  return m;
}

}  // namespace sim
