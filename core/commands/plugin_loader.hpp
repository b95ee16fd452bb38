// Loads command plugins (*.so) and keeps them open until shutdown. A plugin that cannot be used
// is refused with one log line naming the file and the reason; the daemon carries on.
#pragma once

#include <ampd/plugin_abi.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands/command_registry.hpp"
#include "commands/plugin_host.hpp"

namespace ampd {

struct LoadedPlugin {
  std::string file;
  std::string name;
  std::string version;
  std::vector<std::string> commands;
};

struct RefusedPlugin {
  std::string file;
  std::string reason;
  std::string name;  // the plugin's own name, when it got as far as saying it
};

class PluginLoader {
 public:
  explicit PluginLoader(CommandRegistry& registry) : registry_(registry) {}
  ~PluginLoader() { unload_all(); }
  PluginLoader(const PluginLoader&) = delete;
  PluginLoader& operator=(const PluginLoader&) = delete;

  // Loads every *.so in `dir`, in name order, so which of two plugins wins a command name does
  // not depend on the file system. False if the directory cannot be read.
  bool load_directory(const std::string& dir);
  // False (logged and listed in refused()) when the plugin is refused.
  bool load_file(const std::string& path);
  // Runs each plugin's unload(), drops its commands and closes it, newest first. Call only
  // when no handler can run any more (the worker pool has stopped).
  void unload_all();

  // [plugin.NAME] sections by lowercase plugin name (lowercase keys), for the plugins loaded
  // from now on.
  using Sections = std::map<std::string, std::map<std::string, std::string>>;
  void set_sections(Sections sections) { sections_ = std::move(sections); }
  // Where the plugins keep state across reloads: the previous loader's store, on a swap.
  using KeptState = std::map<std::string, std::string>;
  const std::shared_ptr<KeptState>& kept_state() const { return kept_; }
  void share_kept_state(std::shared_ptr<KeptState> kept) { kept_ = std::move(kept); }
  // What the daemon tells plugins about itself, for the plugins loaded from now on.
  void set_facts(std::shared_ptr<const HostFacts> facts) { facts_ = std::move(facts); }
  // Gives an Asterisk event to every plugin subscribed to it. Reactor thread.
  void deliver_event(const std::string& server, const Message& event) const;
  // Tells every plugin subscribed to links that `server`'s link changed. Reactor thread.
  void deliver_link_state(const std::string& server, LinkState state) const;

  // Takes every plugin's commands and subscriptions out (so that others can be loaded) but
  // keeps the plugins open, for callbacks still pending in them; closed when destroyed.
  void retire();

  std::vector<LoadedPlugin> loaded() const;
  const std::vector<RefusedPlugin>& refused() const { return refused_; }

 private:
  struct Open {
    LoadedPlugin info;
    void* handle = nullptr;
    const ampd_plugin_descriptor* descriptor = nullptr;
    std::unique_ptr<PluginState> state;
  };

  bool refuse(const std::string& file, const std::string& reason, void* handle = nullptr,
              const std::string& name = {});
  void drop_commands(const std::string& plugin);

  CommandRegistry& registry_;
  Sections sections_;
  std::shared_ptr<const HostFacts> facts_;
  std::shared_ptr<KeptState> kept_ = std::make_shared<KeptState>();
  std::vector<Open> open_;
  std::vector<RefusedPlugin> refused_;
};

}  // namespace ampd
