// A command with both a worker handler and an async one: the host must refuse it.
#include <ampd/plugin_abi.h>

namespace {

void handler(void*, const ampd_request*, ampd_reply*) {}

int load(const ampd_host* host, ampd_plugin* self, char* error, size_t size) {
  ampd_command_def def{};
  def.struct_size = sizeof def;
  def.name = "FixtureTwoHandlers";
  def.privilege = AMPD_PRIVILEGE_MONITOR;
  def.handler = handler;
  def.async_handler = handler;
  return host->register_command(self, &def, error, size);
}

}  // namespace

extern "C" AMPD_PLUGIN_EXPORT const ampd_plugin_descriptor* ampd_plugin_entry(void) {
  static const ampd_plugin_descriptor d = {
      sizeof d, AMPD_PLUGIN_ABI_VERSION, "twohandlers", "1", load, nullptr};
  return &d;
}
