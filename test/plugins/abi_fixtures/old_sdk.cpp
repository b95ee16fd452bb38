// A plugin built against the SDK before asynchronous commands: its ampd_command_def ends at
// free_user_data (AMPD_COMMAND_DEF_V1_SIZE). The bytes after it here are not null, so a host
// that read async_handler from an old definition would see two handlers and refuse it.
#include <ampd/plugin_abi.h>

#include <cstddef>

namespace {

// ampd_command_def as the old SDK declared it.
struct old_command_def {
  uint32_t struct_size;
  const char* name;
  int32_t privilege;
  const ampd_arg_def* args;
  uint32_t arg_count;
  const char* summary;
  ampd_handler_fn handler;
  void* user_data;
  void (*free_user_data)(void* user_data);
};
static_assert(sizeof(old_command_def) == AMPD_COMMAND_DEF_V1_SIZE);

struct DefAndGarbage {
  old_command_def def;
  void (*after)(void*, const ampd_request*, ampd_reply*);  // where async_handler is now
};
static_assert(offsetof(DefAndGarbage, after) == offsetof(ampd_command_def, async_handler));

const ampd_host* host_table = nullptr;

void echo(void*, const ampd_request* request, ampd_reply* reply) {
  const char* text = host_table->message_get(host_table->request_fields(request), "Text", 0);
  host_table->reply_add_field(reply, "Echo", text ? text : "");
}

void garbage(void*, const ampd_request*, ampd_reply*) {}

int load(const ampd_host* host, ampd_plugin* self, char* error, size_t size) {
  host_table = host;
  static const ampd_arg_def args[] = {{"Text", 1}};
  DefAndGarbage d{};
  d.def.struct_size = sizeof d.def;
  d.def.name = "FixtureOldEcho";
  d.def.privilege = AMPD_PRIVILEGE_MONITOR;
  d.def.args = args;
  d.def.arg_count = 1;
  d.def.summary = "Echo the Text field, old SDK";
  d.def.handler = echo;
  d.after = garbage;
  return host->register_command(self, reinterpret_cast<const ampd_command_def*>(&d.def), error,
                                size);
}

}  // namespace

extern "C" AMPD_PLUGIN_EXPORT const ampd_plugin_descriptor* ampd_plugin_entry(void) {
  static const ampd_plugin_descriptor d = {sizeof d, AMPD_PLUGIN_ABI_VERSION, "oldsdk", "1", load,
                                           nullptr};
  return &d;
}
