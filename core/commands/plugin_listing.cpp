#include "commands/plugin_listing.hpp"

#include <Poco/Logger.h>

#include "commands/command_registry.hpp"
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

}  // namespace

int list_plugins(const std::string& dir, std::ostream& out) {
  CommandRegistry registry;
  PluginLoader loader(registry);
  // The listing says everything the loader would log; don't say it twice.
  auto& log = Poco::Logger::get("ampd.plugins");
  const int level = log.getLevel();
  log.setLevel(Poco::Message::PRIO_FATAL);
  const bool readable = loader.load_directory(dir);
  log.setLevel(level);
  out << "Plugins in " << dir << (readable ? ":" : ": cannot read the directory") << "\n";
  for (const auto& p : loader.loaded()) {
    out << p.name << " " << p.version << " (" << p.file << ")\n";
    for (const auto& name : p.commands) {
      const Command* c = registry.find(name);
      out << "  " << c->name << "  " << client_type_name(c->privilege);
      if (!c->args.empty()) out << "  " << describe_args(*c);
      if (!c->summary.empty()) out << "  -- " << c->summary;
      out << "\n";
    }
  }
  for (const auto& r : loader.refused()) out << "refused " << r.file << ": " << r.reason << "\n";
  return readable && loader.refused().empty() ? 0 : 1;
}

}  // namespace ampd
