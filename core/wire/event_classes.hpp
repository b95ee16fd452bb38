// Asterisk's event classes (manager.conf's read= and the Events action's EventMask): each event
// carries its classes in its Privilege header ("call,all"), and a client sees an event when
// one of them is in both what it may read and what it asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/message.hpp"

namespace ampd {

using EventClasses = std::uint32_t;

inline constexpr EventClasses kNoEventClasses = 0;
inline constexpr EventClasses kAllEventClasses = 0xFFFFFFFFu;

// "on" (yes, true, all) is every class, "off" (no, false, none) none, else a comma-separated
// list of class names (system, call, log, verbose, command, agent, user, config, dtmf,
// reporting, cdr, dialplan, originate, agi, cc, aoc, test, security, message, all), any case.
// Nothing when a name is unknown; `error` then says which.
std::optional<EventClasses> parse_event_classes(std::string_view text, std::string& error);

// The classes named in an event's Privilege header ("all" there is only a marker). An event
// without one (ampd's own: EventsDropped, Shutdown) is in every class.
EventClasses event_classes_of(const Message& event);

// The names of `classes`, comma-separated, as Asterisk lists them ("call,agent"); "all"/"none"
// for the two ends.
std::string event_class_names(EventClasses classes);

}  // namespace ampd
