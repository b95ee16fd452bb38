// A command with neither handler nor async_handler, registered while ignoring the refusal: the
// host must refuse the plugin anyway.
#include <ampd/plugin_abi.h>

namespace {

int load(const ampd_host* host, ampd_plugin* self, char*, size_t) {
  ampd_command_def def{};
  def.struct_size = sizeof def;
  def.name = "FixtureNoHandler";
  def.privilege = AMPD_PRIVILEGE_MONITOR;
  host->register_command(self, &def, nullptr, 0);
  return 0;
}

}  // namespace

extern "C" AMPD_PLUGIN_EXPORT const ampd_plugin_descriptor* ampd_plugin_entry(void) {
  static const ampd_plugin_descriptor d = {
      sizeof d, AMPD_PLUGIN_ABI_VERSION, "nohandler", "1", load, nullptr};
  return &d;
}
