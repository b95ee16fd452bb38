// PBX operations shared by several actions: they change the state and emit the
// events real Asterisk emits for the change, in the configured dialect.
#pragma once

#include <string>

#include "server.h"
#include "state.h"

namespace sim {

// New channel (not yet announced). `tech_resource` like "PJSIP/100"; a unique suffix is added.
Channel make_channel(SimState& st, const std::string& tech_resource);
// Adds the channel to the state and emits Newchannel.
Channel& add_channel(Server& srv, Channel c);
// Sets the state and emits Newstate.
void set_channel_state(Server& srv, Channel& c, int state);
// Hangs up a channel (and the other half of a Local pair), emitting Hangup events.
// Returns false when there is no such channel.
bool hangup_channel(Server& srv, const std::string& name, int cause);

// Pauses/unpauses `iface` in `queue` (all queues when empty). Returns members changed.
int pause_member(Server& srv, const std::string& queue, const std::string& iface, bool paused,
                 const std::string& reason);

void agent_login(Server& srv, Agent& a);
void agent_logoff(Server& srv, Agent& a);
// Channel snapshot of a logged-in agent (for Agents / AgentLogin events).
Channel agent_channel(const Agent& a);

}  // namespace sim
