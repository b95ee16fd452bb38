// The host functions added after ABI version 1's first table: a plugin's own settings
// ([plugin.NAME] of ampd.ini), its subscriptions to Asterisk events and link states, the state
// it keeps across its reloads, the daemon's counters and atomic file writes.
#include <Poco/Logger.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/atomic_file.hpp"
#include "base/text.hpp"
#include "commands/plugin_host.hpp"

namespace ampd {

namespace {

PluginState& plugin(ampd_plugin* p) { return *reinterpret_cast<PluginState*>(p); }
const char* str(const char* s) { return s ? s : ""; }

// The value as the plugin will read it, or nullopt (with why) if it is not of `type`.
std::optional<std::string> normalized(std::int32_t type, const std::string& value,
                                      std::string& why) {
  switch (type) {
    case AMPD_SETTING_STRING:
      return value;
    case AMPD_SETTING_INTEGER: {
      errno = 0;
      char* end = nullptr;
      const auto number = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno == ERANGE) {
        why = "'" + value + "' is not an integer";
        return std::nullopt;
      }
      return std::to_string(number);
    }
    case AMPD_SETTING_BOOLEAN: {
      bool on = false;
      if (!parse_bool(value, on)) {
        why = "'" + value + "' is not yes/no, true/false, on/off or 1/0";
        return std::nullopt;
      }
      return on ? "1" : "0";
    }
    default:
      why = "unknown setting type " + std::to_string(type);
      return std::nullopt;
  }
}

int declare_setting(ampd_plugin* self, const ampd_setting_def* def, char* error, std::size_t size) {
  auto& p = plugin(self);
  std::string why;
  if (!p.loading) {
    why = "settings can be declared only while the plugin loads";
  } else if (def == nullptr || def->struct_size < sizeof(ampd_setting_def)) {
    why = "setting definition too small";
  } else if (def->name == nullptr || *def->name == '\0') {
    why = "setting without a name";
  } else {
    const auto key = to_lower(def->name);
    const auto configured = p.configured.find(key);
    const bool from_file = configured != p.configured.end();
    const std::string value = from_file ? configured->second : str(def->default_value);
    if (auto checked = normalized(def->type, value, why)) {
      p.settings[key] = std::move(*checked);
      return 0;
    }
    why = "[plugin." + p.name + "] " + def->name + ": " + why +
          (from_file ? "" : " (the plugin's own default)");
  }
  if (p.registration_error.empty()) p.registration_error = why;
  copy_error(why, error, size);
  return 1;
}

const char* setting_value(ampd_plugin* self, const char* name) {
  const auto& settings = plugin(self).settings;
  const auto it = settings.find(to_lower(str(name)));
  return it == settings.end() ? nullptr : it->second.c_str();
}

int subscribe_events(ampd_plugin* self, const char* event, ampd_event_fn fn, void* user_data,
                     void (*free_user_data)(void*), char* error, std::size_t size) {
  auto& p = plugin(self);
  std::string why;
  if (!p.loading) {
    why = "events can be subscribed to only while the plugin loads";
  } else if (fn == nullptr) {
    why = "event subscription without a function";
  } else {
    p.subscriptions.push_back({to_lower(str(event)), fn, user_data, free_user_data});
    return 0;
  }
  if (p.registration_error.empty()) p.registration_error = why;
  copy_error(why, error, size);
  return 1;
}

void keep_state(ampd_plugin* self, const void* data, std::size_t size) {
  auto& p = plugin(self);
  if (!p.kept) return;
  (*p.kept)[p.name] =
      data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

const void* kept_state(ampd_plugin* self, std::size_t* size) {
  auto& p = plugin(self);
  if (size) *size = 0;
  if (!p.loading || !p.kept) return nullptr;
  const auto it = p.kept->find(p.name);
  if (it == p.kept->end()) return nullptr;
  if (size) *size = it->second.size();
  return it->second.data();
}

// Fails the subscription while not loading, as subscribe_events does.
bool refuse_outside_load(PluginState& p, const char* what, char* error, std::size_t size) {
  if (p.loading) return false;
  const std::string why = std::string(what) + " can be subscribed to only while the plugin loads";
  if (p.registration_error.empty()) p.registration_error = why;
  copy_error(why, error, size);
  return true;
}

void notify(const PluginState& plugin, const LinkSubscription& s, const std::string& server,
            LinkState state, bool changed) {
  try {
    s.fn(s.user_data, server.c_str(), state.up ? 1 : 0, state.since_ms, changed ? 1 : 0);
  } catch (...) {  // a C++ plugin letting an exception out through the C boundary
    Poco::Logger::get("ampd.plugin." + plugin.name).error("link handler threw an exception");
  }
}

int subscribe_links(ampd_plugin* self, ampd_link_fn fn, void* user_data,
                    void (*free_user_data)(void*), char* error, std::size_t size) {
  auto& p = plugin(self);
  if (refuse_outside_load(p, "links", error, size)) return 1;
  if (fn == nullptr) {
    copy_error("link subscription without a function", error, size);
    return 1;
  }
  p.link_subscriptions.push_back({fn, user_data, free_user_data});
  if (p.facts && p.facts->links) {
    for (const auto& [server, state] : p.facts->links()) {
      notify(p, p.link_subscriptions.back(), server, state, false);
    }
  }
  return 0;
}

void server_counters(ampd_plugin* self, ampd_server_counters* out) {
  if (out == nullptr) return;
  const auto& facts = plugin(self).facts;
  const ServerCounters c = facts && facts->counters ? facts->counters() : ServerCounters{};
  ampd_server_counters full{};
  full.struct_size = out->struct_size;
  full.started_ms = c.started_ms;
  full.clients_logged_in = c.clients_logged_in;
  full.actions_run = c.actions_run;
  full.events_delivered = c.events_delivered;
  std::memcpy(out, &full, std::min<std::size_t>(out->struct_size, sizeof full));
}

int write_file(ampd_plugin*, const char* path, const void* data, std::size_t size,
               std::uint32_t mode, char* error, std::size_t error_size) {
  std::string why;
  const std::string content = data ? std::string(static_cast<const char*>(data), size) : "";
  if (path != nullptr && *path != '\0' && write_file_atomically(path, content, why, mode)) return 0;
  copy_error(path == nullptr || *path == '\0' ? "no file name" : why, error, error_size);
  return 1;
}

std::size_t remove_interrupted(ampd_plugin* self, const char* path) {
  if (path == nullptr || *path == '\0') return 0;
  const auto removed = remove_interrupted_writes(path);
  for (const auto& left : removed) {
    Poco::Logger::get("ampd.plugin." + plugin(self).name)
        .warning("removed %s, left by a write that was interrupted", left);
  }
  return removed.size();
}

}  // namespace

void add_extension_functions(ampd_host& table) {
  table.declare_setting = &declare_setting;
  table.setting_value = &setting_value;
  table.subscribe_events = &subscribe_events;
  table.keep_state = &keep_state;
  table.kept_state = &kept_state;
  table.subscribe_links = &subscribe_links;
  table.server_counters = &server_counters;
  table.write_file = &write_file;
  table.remove_interrupted_writes = &remove_interrupted;
}

void deliver_event(const PluginState& plugin, const std::string& server, const Message& event) {
  if (plugin.subscriptions.empty()) return;
  const auto name = event.get("Event");
  const auto* handle = reinterpret_cast<const ampd_message*>(&event);
  for (const auto& s : plugin.subscriptions) {
    if (!s.event.empty() && !iequals(s.event, name)) continue;
    try {
      s.fn(s.user_data, server.c_str(), handle);
    } catch (...) {  // a C++ plugin letting an exception out through the C boundary
      Poco::Logger::get("ampd.plugin." + plugin.name)
          .error("event handler for %s threw an exception", name);
    }
  }
}

void deliver_link_state(const PluginState& plugin, const std::string& server, LinkState state) {
  for (const auto& s : plugin.link_subscriptions) notify(plugin, s, server, state, true);
}

void drop_subscriptions(PluginState& plugin) {
  for (auto& s : plugin.subscriptions) {
    if (s.free_user_data) s.free_user_data(s.user_data);
  }
  plugin.subscriptions.clear();
  for (auto& s : plugin.link_subscriptions) {
    if (s.free_user_data) s.free_user_data(s.user_data);
  }
  plugin.link_subscriptions.clear();
}

}  // namespace ampd
