#include "commands/plugin_loader.hpp"

#include <Poco/Logger.h>
#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "base/text.hpp"

namespace ampd {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("ampd.plugins"); }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

// The descriptor's fixed prefix (struct_size, abi_version) is the same in every ABI version.
std::string check_descriptor(const ampd_plugin_descriptor* d) {
  if (d == nullptr) return std::string(AMPD_PLUGIN_ENTRY_SYMBOL) + " returned no descriptor";
  if (d->struct_size < 2 * sizeof(std::uint32_t)) return "descriptor too small";
  if (d->abi_version != AMPD_PLUGIN_ABI_VERSION) {
    return "built for plugin ABI version " + std::to_string(d->abi_version) +
           ", this ampd speaks version " + std::to_string(AMPD_PLUGIN_ABI_VERSION);
  }
  if (d->struct_size < sizeof(ampd_plugin_descriptor)) {
    return "descriptor is " + std::to_string(d->struct_size) + " bytes, expected at least " +
           std::to_string(sizeof(ampd_plugin_descriptor));
  }
  if (d->name == nullptr || *d->name == '\0') return "descriptor has no plugin name";
  if (d->load == nullptr) return "descriptor has no load function";
  return {};
}

// A key of [plugin.NAME] that the plugin did not declare: a typo the operator must hear of.
std::string undeclared_setting(const PluginState& p) {
  for (const auto& [key, value] : p.configured) {
    if (p.settings.contains(key)) continue;
    std::vector<std::string> declared;
    for (const auto& [name, v] : p.settings) declared.push_back(name);
    return "[plugin." + p.name + "] " + key + ": no such setting (it has: " + join(declared) + ")";
  }
  return {};
}

}  // namespace

void PluginLoader::deliver_event(const std::string& server, const Message& event) const {
  for (const auto& o : open_) ampd::deliver_event(*o.state, server, event);
}

void PluginLoader::deliver_link_state(const std::string& server, LinkState state) const {
  for (const auto& o : open_) ampd::deliver_link_state(*o.state, server, state);
}

bool PluginLoader::load_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".so" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    logger().error("cannot read plugin directory %s: %s", dir, ec.message());
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f.string());
  return true;
}

bool PluginLoader::load_file(const std::string& path) {
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return refuse(path, std::string("cannot open: ") + (why ? why : "unknown dlopen error"));
  }
  auto entry = reinterpret_cast<ampd_plugin_entry_fn>(dlsym(handle, AMPD_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    return refuse(path, std::string("no entry point ") + AMPD_PLUGIN_ENTRY_SYMBOL, handle);
  }
  const ampd_plugin_descriptor* d = entry();
  if (const auto why = check_descriptor(d); !why.empty()) return refuse(path, why, handle);
  for (const auto& o : open_) {
    if (o.info.name == d->name) {
      return refuse(path, "plugin " + o.info.name + " is already loaded from " + o.info.file,
                    handle);
    }
  }

  auto state = std::make_unique<PluginState>();
  state->name = d->name;
  state->file = path;
  state->registry = &registry_;
  if (const auto it = sections_.find(to_lower(state->name)); it != sections_.end()) {
    state->configured = it->second;
  }
  state->kept = kept_;
  state->facts = facts_;
  state->loading = true;
  char error[512] = "";
  int rc = 1;
  try {
    rc = d->load(plugin_host_table(), to_handle(*state), error, sizeof error);
  } catch (...) {  // a C++ plugin letting an exception out through the C boundary
    std::snprintf(error, sizeof error, "load threw an exception");
  }
  state->loading = false;
  kept_->erase(state->name);  // read once, by this load
  std::string why;
  if (rc != 0) {
    why = std::string("load failed: ") + (error[0] ? error : "no reason given");
  } else if (!state->registration_error.empty() || !(why = undeclared_setting(*state)).empty()) {
    if (why.empty()) why = state->registration_error;
    if (d->unload) d->unload();  // it loaded, so let it release what it holds
  }
  if (!why.empty()) {
    drop_commands(state->name);  // a refused plugin keeps nothing
    drop_subscriptions(*state);
    return refuse(path, why, handle, state->name);
  }

  LoadedPlugin info{path, d->name, d->version ? d->version : "", state->commands};
  logger().information("loaded plugin %s %s from %s: %s", info.name, info.version, path,
                       join(info.commands));
  open_.push_back({std::move(info), handle, d, std::move(state)});
  return true;
}

void PluginLoader::unload_all() {
  while (!open_.empty()) {
    auto& o = open_.back();
    if (o.descriptor->unload) o.descriptor->unload();
    drop_commands(o.info.name);
    drop_subscriptions(*o.state);
    dlclose(o.handle);
    open_.pop_back();
  }
}

void PluginLoader::retire() {
  for (auto& o : open_) {
    drop_commands(o.info.name);
    drop_subscriptions(*o.state);
  }
}

std::vector<LoadedPlugin> PluginLoader::loaded() const {
  std::vector<LoadedPlugin> out;
  for (const auto& o : open_) out.push_back(o.info);
  return out;
}

bool PluginLoader::refuse(const std::string& file, const std::string& reason, void* handle,
                          const std::string& name) {
  logger().error("refused plugin %s: %s", file, reason);
  refused_.push_back({file, reason, name});
  if (handle) dlclose(handle);
  return false;
}

// User data belongs to the plugin's code, so it is freed before the plugin is closed.
void PluginLoader::drop_commands(const std::string& plugin) {
  for (auto& c : registry_.remove_plugin(plugin)) {
    if (c.free_user_data) c.free_user_data(c.user_data);
  }
}

}  // namespace ampd
