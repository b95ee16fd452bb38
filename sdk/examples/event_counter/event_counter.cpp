// A complete plugin that uses settings and events: it counts the Asterisk events it is told to
// watch, per server, and answers EventCount with the figures. Its section of ampd.ini:
//
//   [plugin.eventcounter]
//   events = QueueCallerJoin, QueueCallerLeave   ; the events to count; empty: every event
//   max_kinds = 100                              ; distinct (server, event) pairs kept
//   count_ours = no          ; also count events that answer an action (they carry an ActionID)
//   keep_counts = no         ; carry the counts over a reload (SIGHUP) instead of starting again
//
// On SIGHUP the plugin is loaded again with the new settings; with keep_counts its unload()
// keeps the counts (keep_state) and the next load() takes them back (kept_state).
#include <ampd/sdk.hpp>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace {

using namespace ampd::sdk;

struct Counts {
  std::mutex mutex;  // events arrive on the reactor, EventCount runs on a worker
  std::map<std::pair<std::string, std::string>, long long> by_kind;  // (server, event)
  long long not_kept = 0;                                            // events past max_kinds
  std::size_t max_kinds = 100;
  bool count_ours = false;
  bool keep = false;
};

Counts& counts() {
  static Counts instance;
  return instance;
}

// On the reactor: only a map update under a short lock, never anything slow.
void count(const Event& event) {
  auto& c = counts();
  if (!c.count_ours && event.fields.has("ActionID")) return;
  std::lock_guard lock(c.mutex);
  const auto key = std::make_pair(std::string(event.server), event.name());
  if (auto it = c.by_kind.find(key); it != c.by_kind.end()) {
    ++it->second;
  } else if (c.by_kind.size() < c.max_kinds) {
    c.by_kind.emplace(key, 1);
  } else {
    ++c.not_kept;
  }
}

void event_count(const Request& request, Reply& reply) {
  const auto only = request.get("Event");
  auto& c = counts();
  std::lock_guard lock(c.mutex);
  reply.list();
  for (const auto& [kind, n] : c.by_kind) {
    if (!only.empty() && !iequals(only, kind.second)) continue;
    reply.record("EventCount")
        .add("Server", kind.first)
        .add("Event", kind.second)
        .add("Count", std::to_string(n));
  }
  reply.add("NotKept", std::to_string(c.not_kept));
}

// "server\tevent\tcount" lines: the state kept across a reload.
std::string saved(const Counts& c) {
  std::string out;
  for (const auto& [kind, n] : c.by_kind) {
    out += kind.first + "\t" + kind.second + "\t" + std::to_string(n) + "\n";
  }
  return out;
}

void restore(Counts& c, const std::string& state) {
  for (const auto& line : split(state, '\n')) {
    const auto parts = split(line, '\t');
    if (parts.size() == 3 && c.by_kind.size() < c.max_kinds) {
      c.by_kind[{parts[0], parts[1]}] = std::stoll(parts[2]);
    }
  }
}

void unload() {
  auto& c = counts();
  std::lock_guard lock(c.mutex);
  if (c.keep) keep_state(saved(c));
}

void load(Registrar& r) {
  const auto events = split(r.setting("events", "", "comma-separated event names; empty: all"));
  const auto max_kinds = r.setting_int("max_kinds", 100, "distinct (server, event) pairs kept");
  if (max_kinds < 1) throw std::runtime_error("[plugin.eventcounter] max_kinds: must be >= 1");
  auto& c = counts();
  {
    std::lock_guard lock(c.mutex);
    c.by_kind.clear();
    c.not_kept = 0;
    c.max_kinds = static_cast<std::size_t>(max_kinds);
    c.count_ours = r.setting_bool("count_ours", false, "count events that carry an ActionID");
    c.keep = r.setting_bool("keep_counts", false, "carry the counts over a reload");
    if (const auto kept = r.kept_state(); kept && c.keep) restore(c, *kept);
  }
  if (events.empty()) {
    r.on_event("", count);
  } else {
    std::set<std::string> names;  // once each, however often the list names it
    for (const auto& name : events) {
      if (names.insert(to_lower(name)).second) r.on_event(name, count);
    }
  }
  r.command("EventCount", Privilege::Monitor, {optional("Event")}, event_count,
            "Asterisk events counted since the plugin loaded, per server");
}

}  // namespace

AMPD_PLUGIN_WITH_UNLOAD("eventcounter", "1.0", load, unload)
