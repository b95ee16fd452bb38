// The daemon's side of the plugin ABI: the ampd_host function table, and the state behind the
// opaque handles it gives plugins.
#pragma once

#include <ampd/plugin_abi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asterisk/asterisk_gateway.hpp"
#include "auth/login.hpp"
#include "commands/command_registry.hpp"
#include "wire/message.hpp"
#include "wire/reply.hpp"

namespace ampd {

// A plugin's subscription to Asterisk events.
struct EventSubscription {
  std::string event;  // lowercase; empty: every event
  ampd_event_fn fn = nullptr;
  void* user_data = nullptr;
  void (*free_user_data)(void*) = nullptr;
};

// A plugin's subscription to the Asterisk links' state.
struct LinkSubscription {
  ampd_link_fn fn = nullptr;
  void* user_data = nullptr;
  void (*free_user_data)(void*) = nullptr;
};

struct ServerCounters {
  std::int64_t started_ms = 0;
  std::uint64_t clients_logged_in = 0;
  std::uint64_t actions_run = 0;
  std::uint64_t events_delivered = 0;
};
struct LinkState {
  bool up = false;
  std::int64_t since_ms = 0;
};
using LinkStates = std::map<std::string, LinkState>;  // by server name

// What plugins may learn about the daemon itself; set by the server, shared by every plugin.
struct HostFacts {
  std::function<ServerCounters()> counters;  // any thread
  std::function<LinkStates()> links;         // reactor thread
};

// What an ampd_plugin* points at: one plugin as the host sees it.
struct PluginState {
  std::string name;
  std::string file;
  CommandRegistry* registry = nullptr;
  bool loading = false;               // register_command is allowed only while true
  std::string registration_error;     // the first refused registration, if any
  std::vector<std::string> commands;  // canonical names it registered
  // [plugin.NAME] as configured (lowercase key -> value), and the keys load() declared with
  // their values (the configured one, else the default).
  std::map<std::string, std::string> configured;
  std::map<std::string, std::string> settings;
  std::vector<EventSubscription> subscriptions;
  std::vector<LinkSubscription> link_subscriptions;
  std::shared_ptr<const HostFacts> facts;  // may be null (tests, --check-config)
  // What plugins keep across their reloads, by plugin name; shared by every loader.
  std::shared_ptr<std::map<std::string, std::string>> kept;
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
// Fills the table's settings and event functions (plugin_extensions.cpp).
void add_extension_functions(ampd_host& table);
// Gives `event` from `server` to each of the plugin's subscriptions that wants it. Reactor.
void deliver_event(const PluginState& plugin, const std::string& server, const Message& event);
// Tells each of the plugin's link subscriptions that `server`'s link changed. Reactor.
void deliver_link_state(const PluginState& plugin, const std::string& server, LinkState state);
// The plugin's subscriptions are dropped, their user data freed (before it is closed).
void drop_subscriptions(PluginState& plugin);
void copy_error(const std::string& text, char* error, std::size_t size);

inline ampd_plugin* to_handle(PluginState& state) { return reinterpret_cast<ampd_plugin*>(&state); }

// Runs the command's handler into `reply` (reply.action already set). Never throws: a handler
// that throws or crashes out through the C boundary gives an error reply.
void run_handler(const HandlerCall& call, Reply& reply);

// What an asynchronous command needs beyond its Command: copies, since it outlives the request.
struct AsyncCall {
  Identity who;
  Message fields;
  std::string server;
  CallContext context;
};

// Starts the command's async_handler on the reactor thread. Returns the reply if the handler
// finished it at once; otherwise `done` gets it later, on the reactor thread, when the plugin
// finishes it (usually from an Asterisk answer).
std::optional<Reply> start_async_handler(const Command& command, AsyncCall call,
                                         AsteriskGateway& gateway, std::function<void(Reply)> done);

}  // namespace ampd
