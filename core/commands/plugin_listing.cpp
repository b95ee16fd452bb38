#include "commands/plugin_listing.hpp"

#include <Poco/Logger.h>

#include <algorithm>

#include "base/text.hpp"
#include "commands/command_registry.hpp"
#include "commands/core_commands.hpp"
#include "commands/plugin_loader.hpp"

namespace ampd {

namespace {

// "Channel, [Timeout]": optional arguments in brackets, as usage lines do.
std::string describe_args(const Command& c) {
  std::string out;
  for (const auto& a : c.args) {
    if (!out.empty()) out += ", ";
    out += a.required ? a.name : "[" + a.name + "]";
  }
  return out;
}

void print_command(const Command& c, std::ostream& out) {
  out << "  " << c.name << "  " << (c.before_login ? "anyone" : client_type_name(c.privilege));
  if (!c.args.empty()) out << "  " << describe_args(c);
  if (!c.summary.empty()) out << "  -- " << c.summary;
  out << "\n";
}

}  // namespace

std::vector<std::string> unclaimed_sections(const PluginLoader& loader,
                                            const PluginLoader::Sections& sections) {
  std::vector<std::string> out;
  const auto loaded = loader.loaded();
  const auto& refused = loader.refused();
  for (const auto& section : sections) {
    const auto& name = section.first;  // a lambda may not capture a structured binding (clang)
    const bool claimed =
        std::any_of(loaded.begin(), loaded.end(),
                    [&](const LoadedPlugin& p) { return iequals(p.name, name); }) ||
        std::any_of(refused.begin(), refused.end(),
                    [&](const RefusedPlugin& p) { return iequals(p.name, name); });
    if (!claimed) out.push_back("[plugin." + name + "]");
  }
  return out;
}

std::vector<std::string> check_plugins(const std::string& dir,
                                       const PluginLoader::Sections& sections) {
  CommandRegistry registry;
  add_core_commands(registry);
  PluginLoader loader(registry);
  loader.set_sections(sections);
  auto& log = Poco::Logger::get("ampd.plugins");
  const int level = log.getLevel();
  log.setLevel(Poco::Message::PRIO_FATAL);  // the problems are returned, not logged
  const bool readable = loader.load_directory(dir);
  log.setLevel(level);
  std::vector<std::string> problems;
  // The daemon runs without plugins too; only settings for them make a missing directory wrong.
  if (!readable && !sections.empty()) {
    problems.push_back("plugin directory " + dir + ": cannot be read");
  }
  if (!readable) return problems;
  for (const auto& r : loader.refused()) problems.push_back(r.file + ": refused: " + r.reason);
  for (const auto& s : unclaimed_sections(loader, sections)) {
    problems.push_back(s + ": no plugin of that name in " + dir);
  }
  return problems;
}

int list_plugins(const std::string& dir, std::ostream& out) {
  CommandRegistry registry;
  add_core_commands(registry);  // so a plugin that takes a core name is refused, as at startup
  PluginLoader loader(registry);
  // The listing says everything the loader would log; don't say it twice.
  auto& log = Poco::Logger::get("ampd.plugins");
  const int level = log.getLevel();
  log.setLevel(Poco::Message::PRIO_FATAL);
  const bool readable = loader.load_directory(dir);
  log.setLevel(level);
  out << kCorePlugin << " (built into ampd)\n";
  for (const auto* c : registry.commands()) {
    if (c->plugin == kCorePlugin) print_command(*c, out);
  }
  out << "Plugins in " << dir << (readable ? ":" : ": cannot read the directory") << "\n";
  for (const auto& p : loader.loaded()) {
    out << p.name << " " << p.version << " (" << p.file << ")\n";
    for (const auto& name : p.commands) print_command(*registry.find(name), out);
  }
  for (const auto& r : loader.refused()) out << "refused " << r.file << ": " << r.reason << "\n";
  return readable && loader.refused().empty() ? 0 : 1;
}

}  // namespace ampd
