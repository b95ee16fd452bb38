#include "wire/event_classes.hpp"

#include <array>

#include "base/text.hpp"

namespace ampd {

namespace {

// In Asterisk's order (include/asterisk/manager.h, EVENT_FLAG_*).
constexpr std::array<std::string_view, 19> kClassNames = {
    "system", "call", "log",       "verbose",  "command",  "agent",     "user",
    "config", "dtmf", "reporting", "cdr",      "dialplan", "originate", "agi",
    "cc",     "aoc",  "test",      "security", "message"};

std::optional<EventClasses> class_bit(std::string_view name) {
  for (std::size_t i = 0; i < kClassNames.size(); ++i) {
    if (iequals(name, kClassNames[i])) return EventClasses{1} << i;
  }
  return std::nullopt;
}

template <typename Each>
void for_each_name(std::string_view list, Each each) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    each(trim(list.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<EventClasses> parse_event_classes(std::string_view text, std::string& error) {
  text = trim(text);
  if (iequals(text, "on") || iequals(text, "yes") || iequals(text, "true") ||
      iequals(text, "all")) {
    return kAllEventClasses;
  }
  if (text.empty() || iequals(text, "off") || iequals(text, "no") || iequals(text, "false") ||
      iequals(text, "none")) {
    return kNoEventClasses;
  }
  EventClasses classes = kNoEventClasses;
  bool ok = true;
  for_each_name(text, [&](std::string_view name) {
    if (!ok || name.empty()) return;
    if (iequals(name, "all")) {
      classes = kAllEventClasses;
    } else if (const auto bit = class_bit(name)) {
      classes |= *bit;
    } else {
      error = "unknown event class '" + std::string(name) + "'";
      ok = false;
    }
  });
  if (!ok) return std::nullopt;
  return classes;
}

EventClasses event_classes_of(const Message& event) {
  const auto privilege = event.find("Privilege");
  if (!privilege) return kAllEventClasses;
  EventClasses classes = kNoEventClasses;
  for_each_name(*privilege, [&](std::string_view name) {
    if (const auto bit = class_bit(name)) classes |= *bit;
  });
  // A class ampd does not know is no reason to hide the event.
  return classes == kNoEventClasses ? kAllEventClasses : classes;
}

std::string event_class_names(EventClasses classes) {
  if (classes == kAllEventClasses) return "all";
  std::string names;
  for (std::size_t i = 0; i < kClassNames.size(); ++i) {
    if ((classes & (EventClasses{1} << i)) == 0) continue;
    if (!names.empty()) names += ',';
    names += kClassNames[i];
  }
  return names.empty() ? "none" : names;
}

}  // namespace ampd
