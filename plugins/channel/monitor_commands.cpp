#include "monitor_commands.hpp"

#include <string>

#include "ami_helpers.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::iequals;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace channel {
namespace {

const char* const kNoChangeMonitor =
    "ChangeMonitor is not available: this Asterisk has no Monitor (res_monitor is not loaded; "
    "Asterisk 21 removed it) and MixMonitor cannot change the file of a running recording; use "
    "StopMonitor then Monitor with the new File";

// res_monitor was removed in Asterisk 21: there the Monitor actions are not even tried. Older
// or unknown versions try them and fall back when Asterisk says it does not know them.
bool monitor_removed(const Request& request) {
  const auto server = request.server();
  return server && server->major >= 21;
}

bool parse_flag(const std::string& text, bool& out) {
  for (const char* yes : {"true", "yes", "on", "1"}) {
    if (iequals(text, yes)) return out = true, true;
  }
  for (const char* no : {"false", "no", "off", "0"}) {
    if (iequals(text, no)) return out = false, true;
  }
  return false;
}

// MixMonitor takes one file name with the format as its extension. Monitor's default base name
// is the channel's name with '/' made '-'.
std::string mixmonitor_file(const Request& request) {
  std::string base = request.get("File");
  if (base.empty()) {
    base = request.get("Channel");
    for (auto& c : base) {
      if (c == '/') c = '-';
    }
  }
  if (!request.get("Format").empty()) return base + "." + request.get("Format");
  const auto slash = base.rfind('/');
  const auto dot = base.rfind('.');
  const bool has_extension =
      dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return has_extension ? base : base + ".wav";
}

// Monitor without Mix writes <file>-in and <file>-out; MixMonitor's r() and t() options write
// the same two files beside the mixed one.
std::string mixmonitor_options(const std::string& file, bool separate_legs) {
  if (!separate_legs) return {};
  const auto dot = file.rfind('.');
  const std::string base = file.substr(0, dot), extension = file.substr(dot);
  return "r(" + base + "-in" + extension + ")t(" + base + "-out" + extension + ")";
}

void start_mixmonitor(const Request& request, Reply& reply, bool separate_legs) {
  const std::string file = mixmonitor_file(request);
  AmiAction action("MixMonitor");
  action.add("Channel", request.get("Channel"));
  action.add("File", file);
  const std::string options = mixmonitor_options(file, separate_legs);
  if (!options.empty()) action.add("Options", options);
  const auto result = request.call(action);
  if (!result.success()) return reply.error(result.error());
  reply.message("Started monitoring channel with MixMonitor");
  reply.add("Recorder", "MixMonitor");
  reply.add("File", file);
}

}  // namespace

void monitor(const Request& request, Reply& reply) {
  bool combine = false;
  if (request.has("Combine") && !parse_flag(request.get("Combine"), combine)) {
    return reply.error("Monitor: Combine must be true or false, not '" + request.get("Combine") +
                       "'");
  }
  const bool separate_legs = request.has("Combine") && !combine;
  if (monitor_removed(request)) return start_mixmonitor(request, reply, separate_legs);

  AmiAction action("Monitor");
  action.add("Channel", request.get("Channel"));
  if (!request.get("File").empty()) action.add("File", request.get("File"));
  if (!request.get("Format").empty()) action.add("Format", request.get("Format"));
  if (request.has("Combine")) action.add("Mix", combine ? "true" : "false");
  const auto result = request.call(action);
  if (is_unknown_action(result)) return start_mixmonitor(request, reply, separate_legs);
  if (!result.success()) return reply.error(result.error());
  reply.message(result.response().get("Message", "Started monitoring channel"));
  reply.add("Recorder", "Monitor");
}

void change_monitor(const Request& request, Reply& reply) {
  if (monitor_removed(request)) return reply.error(kNoChangeMonitor);
  const auto result = request.call(AmiAction("ChangeMonitor")
                                       .add("Channel", request.get("Channel"))
                                       .add("File", request.get("File")));
  if (is_unknown_action(result)) return reply.error(kNoChangeMonitor);
  if (!result.success()) return reply.error(result.error());
  reply.message(result.response().get("Message", "Changed monitor filename"));
  reply.add("Recorder", "Monitor");
}

void stop_monitor(const Request& request, Reply& reply) {
  const std::string channel = request.get("Channel");
  if (!monitor_removed(request)) {
    const auto result = request.call(AmiAction("StopMonitor").add("Channel", channel));
    if (!is_unknown_action(result)) {
      if (!result.success()) return reply.error(result.error());
      reply.message(result.response().get("Message", "Stopped monitoring channel"));
      reply.add("Recorder", "Monitor");
      return;
    }
  }
  const auto result = request.call(AmiAction("StopMixMonitor").add("Channel", channel));
  if (!result.success()) return reply.error(result.error());
  reply.message("Stopped monitoring channel with StopMixMonitor");
  reply.add("Recorder", "MixMonitor");
}

}  // namespace channel
