// Small helpers the channel handlers share for reading Asterisk's answers.
#pragma once

#include <ampd/sdk.hpp>
#include <string>
#include <string_view>

namespace channel {

// Asterisk answers an action it does not have (a module not loaded, or removed in this
// version) with "Invalid/unknown command: X. Use Action: ListCommands ...".
inline bool is_unknown_action(const ampd::sdk::AmiResult& result) {
  if (!result.ok() || result.success()) return false;
  const std::string error = result.error();
  constexpr std::string_view prefix = "invalid/unknown command";
  return error.size() >= prefix.size() &&
         ampd::sdk::iequals(std::string_view(error).substr(0, prefix.size()), prefix);
}

// AMI's own headers, which say nothing about the record itself.
inline bool is_envelope(std::string_view name) {
  using ampd::sdk::iequals;
  return iequals(name, "Event") || iequals(name, "ActionID") || iequals(name, "Privilege") ||
         iequals(name, "Response") || iequals(name, "EventList") || iequals(name, "Message");
}

// Sends `action` and answers with Asterisk's Message (or `fallback` when it gives none), or
// with Asterisk's error. Asynchronous: these commands only forward.
inline void run_simple(const ampd::sdk::AsyncRequest& call, const ampd::sdk::AmiAction& action,
                       const std::string& fallback = {}) {
  call.ami(action, [fallback](ampd::sdk::AsyncRequest call, ampd::sdk::AmiResult result) {
    if (!result.success()) return call.reply().error(result.error());
    call.reply().message(result.response().get("Message", fallback));
  });
}

}  // namespace channel
