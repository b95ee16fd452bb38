#include "state.h"

#include <algorithm>
#include <cstdio>

#include "message.h"

namespace sim {

Member* Queue::member(const std::string& key) {
  for (auto& m : members)
    if (m.interface == key || m.name == key) return &m;
  return nullptr;
}

const char* state_desc(int state) {
  switch (state) {
    case 0:
      return "Down";
    case 1:
      return "Rsrvd";
    case 2:
      return "OffHook";
    case 3:
      return "Dialing";
    case 4:
      return "Ring";
    case 5:
      return "Ringing";
    case 6:
      return "Up";
    case 7:
      return "Busy";
    default:
      return "Unknown";
  }
}

const char* extension_state_text(int s) {
  switch (s) {
    case 0:
      return "Idle";
    case 1:
      return "InUse";
    case 2:
      return "Busy";
    case 4:
      return "Unavailable";
    case 8:
      return "Ringing";
    case 9:
      return "InUse&Ringing";
    case 16:
      return "Hold";
    case 17:
      return "InUse&Hold";
    default:
      return "Unknown";
  }
}

// Seed data follows the configuration the transcripts were captured with:
// queues support/sales with static Local members, agents 1001/1002, peer1,
// mailbox 1234@default with one new message, hints 100 and 101, TESTGLOBAL.
void SimState::seed() {
  startup = reload = std::time(nullptr);

  Queue support;
  support.name = "support";
  Member m100;
  m100.name = m100.interface = m100.state_interface = "Local/100@agents";
  m100.logintime = startup;
  support.members.push_back(m100);
  queues.push_back(support);

  Queue sales;
  sales.name = "sales";
  Member m101;
  m101.name = m101.interface = m101.state_interface = "Local/101@agents";
  m101.logintime = startup;
  sales.members.push_back(m101);
  queues.push_back(sales);

  agents.push_back({"1001", "Agent One", false, "", "", 0});
  agents.push_back({"1002", "Agent Two", false, "", "", 0});

  sip_peers.push_back({"peer1", "(Unspecified)", "default"});
  pjsip_endpoints.push_back({"100", "", "default"});
  pjsip_endpoints.push_back({"101", "", "default"});

  mailboxes["1234@default"] = {0, 1, 0, "Example Mailbox"};

  hints.push_back({"100", "default", "SIP/peer1", 4});
  hints.push_back({"101", "default", "Custom:lamp101", 0});

  globals["TESTGLOBAL"] = "hello";
  db["/cidname/5551000"] = "AMI Test";
  db["/DND/100"] = "YES";
}

Queue* SimState::queue(const std::string& name) {
  for (auto& q : queues)
    if (q.name == name) return &q;
  return nullptr;
}

Agent* SimState::agent(const std::string& id) {
  for (auto& a : agents)
    if (a.id == id) return &a;
  return nullptr;
}

// Channel names match case-insensitively, as ast_channel_get_by_name does.
Channel* SimState::channel(const std::string& name) {
  for (auto& c : channels)
    if (iequals(c.name, name)) return &c;
  return nullptr;
}

const Hint* SimState::hint(const std::string& exten, const std::string& context) const {
  for (const auto& h : hints)
    if (h.exten == exten && h.context == context) return &h;
  return nullptr;
}

void SimState::remove_channel(const std::string& name) {
  channels.erase(std::remove_if(channels.begin(), channels.end(),
                                [&](const Channel& c) { return c.name == name; }),
                 channels.end());
}

// Asterisk uniqueids are "<creation epoch>.<global counter>".
std::string SimState::next_uniqueid() {
  return std::to_string(static_cast<long long>(std::time(nullptr))) + "." +
         std::to_string(uniqueid_seq++);
}

std::string SimState::next_local_suffix() {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", local_seq++);
  return buf;
}

}  // namespace sim
