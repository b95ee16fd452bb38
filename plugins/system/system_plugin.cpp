#include "system_plugin.hpp"

#include <optional>
#include <string>

#include "status_commands.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Privilege;
using ampd::sdk::ServerInfo;

namespace {

// Asterisk's reason for a failed Command: modern Asterisk answers Error with the CLI's complaint
// in the Output lines and only "Command output follows" as the Message.
std::string command_error(const AmiResult& result) {
  if (result.ok()) {
    for (const auto& line : result.output()) {
      if (!line.empty()) return line;
    }
  }
  return result.error();
}

// The version from the CLI's banner: Asterisk 1.4, or a version that has not said yet.
void version_from_cli(const AsyncRequest& call, std::optional<ServerInfo> server) {
  const auto show = AmiAction("Command").add("Command", "core show version");
  call.ami(show, [server](AsyncRequest call, AmiResult shown) {
    const auto output = shown.output();
    const auto version =
        output.empty() ? std::string() : ampd::sdk::cli_banner_version(output.front());
    auto& reply = call.reply();
    if (!shown.success() || version.empty()) {
      return reply.error(shown.success() ? "Cannot read the Asterisk version"
                                         : command_error(shown));
    }
    reply.add("AsteriskVersion", version);
    reply.add("AMIversion", server ? server->ami_version : "");
  });
}

void server_version(AsyncRequest call) {
  auto server = call.request().server();
  // 1.4 has no CoreSettings; an unknown version tries CoreSettings first.
  if (server && server->major == 1) return version_from_cli(call, std::move(server));
  call.ami(AmiAction("CoreSettings"), [server](AsyncRequest call, AmiResult settings) {
    auto& reply = call.reply();
    if (settings.success()) {
      reply.add("AsteriskVersion", settings.response().get("AsteriskVersion"));
      reply.add("AMIversion", settings.response().get("AMIversion"));
      return;
    }
    if (!settings.ok() || (server && server->major != 0)) return reply.error(settings.error());
    version_from_cli(call, server);
  });
}

void command(AsyncRequest call) {
  const auto action = AmiAction("Command").add("Command", call.request().get("Command"));
  call.ami(action, [](AsyncRequest call, AmiResult result) {
    if (!result.success()) call.reply().error(command_error(result));
    for (const auto& line : result.output()) call.reply().add("Output", line);
  });
}

}  // namespace

void load_system_plugin(ampd::sdk::Registrar& r) {
  r.async_command("ServerVersion", Privilege::Monitor, {}, server_version,
                  "Retrieve the Asterisk server version");
  r.async_command("Command", Privilege::Administrator, {ampd::sdk::required("Command")}, command,
                  "Execute an Asterisk CLI command; its output comes back as Output fields");
  load_status_commands(r);
}
