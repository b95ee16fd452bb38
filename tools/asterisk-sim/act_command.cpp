// The Command action: modern (14+) "Output:" headers, or 1.4's "Response: Follows" block.
#include <vector>

#include "actions.h"
#include "cli.h"

namespace sim {
namespace {

void action_command(ActionCtx& ctx) {
  const std::string cmd = ctx.arg("Command");
  std::vector<std::string> lines;
  const bool ok = run_cli(ctx.st(), ctx.opt(), cmd, lines);
  if (ctx.modern()) {
    // A failed CLI command answers Error but still "Command output follows" (transcripts).
    Message m = ctx.response(ok ? "Success" : "Error", "Command output follows");
    for (const auto& l : lines) m.add("Output", l);
    ctx.reply(m);
    return;
  }
  // Asterisk 1.4 action_command(): the raw CLI text (LF line ends, may hold blank lines)
  // between the headers and "--END COMMAND--".
  std::string out = "Response: Follows\r\nPrivilege: Command\r\n";
  const std::string id = ctx.action_id();
  if (!id.empty()) out += "ActionID: " + id + "\r\n";
  for (const auto& l : lines) out += l + "\n";
  out += "--END COMMAND--\r\n\r\n";
  ctx.srv.send_raw(ctx.s, out);
}

}  // namespace

void register_command_action(Registry& r) {
  r.add("Command", "Execute Asterisk CLI Command.", "command,all", action_command);
}

}  // namespace sim
