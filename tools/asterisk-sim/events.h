// Event classes (for Events: masks) and builders for events shared by several actions.
// Builders take `modern` because Asterisk 12 renamed and reshaped most events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "message.h"
#include "state.h"

namespace sim {

constexpr uint32_t kAllEvents = 0xffffffffu;

// "on" -> all, "off" -> none, "call,user" -> those classes, a number -> that mask.
uint32_t parse_event_mask(std::string_view spec);
// Class bit of an event, from the first word of its Privilege header (all bits when absent).
uint32_t event_class(const Message& ev);
uint32_t class_bit(std::string_view name);

// "Event: <name>" + "Privilege: <cls>,all" (both dialects send Privilege on events).
Message make_event(std::string_view name, std::string_view cls);

// Modern channel snapshot headers (Channel, ChannelState, ... Linkedid), optionally prefixed
// ("Dest" for AgentCalled's member channel).
void add_snapshot(Message& m, const Channel& c, std::string_view prefix = "");

Message ev_newchannel(bool modern, const Channel& c);
Message ev_newstate(bool modern, const Channel& c);
Message ev_hangup(bool modern, const Channel& c, int cause);
const char* cause_text(int cause);

// Queue member events: modern QueueMember{Added,Removed,Pause,Penalty,Status} carry the full
// member blob; 1.4 sent a few fields and called the pause event QueueMemberPaused.
enum class MemberEvent { kAdded, kRemoved, kPause, kPenalty, kStatus };
Message ev_member(bool modern, MemberEvent kind, const Queue& q, const Member& m);

}  // namespace sim
