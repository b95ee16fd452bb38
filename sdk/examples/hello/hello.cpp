// The smallest useful ampd plugin: one command answered locally, one that asks Asterisk.
#include <ampd/sdk.hpp>

namespace {

using namespace ampd::sdk;

void hello(const Request& request, Reply& reply) {
  reply.message("Hello, " + request.get("Name", request.user()) + "!");
}

// Asks Asterisk for a Ping and reports how long the round trip took.
void hello_ping(const Request& request, Reply& reply) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = request.call(AmiAction("Ping"), std::chrono::seconds(5));
  if (!result.success()) return reply.error(result.error());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  reply.add("Ping", result.response().get("Ping", "Pong"));
  reply.add("RoundTripMs",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

void load(Registrar& r) {
  r.command("Hello", Privilege::Monitor, {optional("Name")}, hello, "Answer a greeting");
  r.command("HelloPing", Privilege::Monitor, {}, hello_ping, "Ping Asterisk through the plugin");
}

}  // namespace

AMPD_PLUGIN("hello", "1.0", load)
