// The daemon's side of the plugin ABI: the ampd_host function table, and the state behind the
// opaque handles it gives plugins.
#pragma once

#include <ampd/plugin_abi.h>

#include <string>
#include <vector>

#include "asterisk_gateway.hpp"
#include "command_registry.hpp"
#include "login.hpp"
#include "message.hpp"
#include "reply.hpp"

namespace ampd {

// What an ampd_plugin* points at: one plugin as the host sees it.
struct PluginState {
  std::string name;
  std::string file;
  CommandRegistry* registry = nullptr;
  bool loading = false;               // register_command is allowed only while true
  std::string registration_error;     // the first refused registration, if any
  std::vector<std::string> commands;  // canonical names it registered
};

// One command to run: everything a handler may ask the host about.
struct HandlerCall {
  const Command& command;
  const Message& fields;
  const Identity& who;
  std::string server;  // "" = the default Asterisk server
  CallContext context;
  AsteriskGateway& gateway;
};

const ampd_host* plugin_host_table();

inline ampd_plugin* to_handle(PluginState& state) { return reinterpret_cast<ampd_plugin*>(&state); }

// Runs the command's handler into `reply` (reply.action already set). Never throws: a handler
// that throws or crashes out through the C boundary gives an error reply.
void run_handler(const HandlerCall& call, Reply& reply);

}  // namespace ampd
