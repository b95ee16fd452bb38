// The smallest useful ampd plugin: one command answered locally, and one that asks Asterisk in
// both kinds, blocking and asynchronous.
#include <ampd/sdk.hpp>

namespace {

using namespace ampd::sdk;

void hello(const Request& request, Reply& reply) {
  reply.message("Hello, " + request.get("Name", request.user()) + "!");
}

// Asks Asterisk for a Ping and reports how long the round trip took. It blocks a worker thread
// while Asterisk answers: the kind to choose when a handler also does slow work of its own
// (files, a database, several dependent steps written top to bottom).
void hello_ping(const Request& request, Reply& reply) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = request.call(AmiAction("Ping"), std::chrono::seconds(5));
  if (!result.success()) return reply.error(result.error());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  reply.add("Ping", result.response().get("Ping", "Pong"));
  reply.add("RoundTripMs",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

// The same without blocking: it runs on ampd's I/O thread and holds no worker while Asterisk
// thinks, so it is the cheaper kind for a command that only forwards to Asterisk. It must never
// block; the reply goes out when the last copy of `call` is gone (here: after `then`).
void hello_ping_async(AsyncRequest call) {
  const auto start = std::chrono::steady_clock::now();
  call.ami(
      AmiAction("Ping"),
      [start](AsyncRequest call, AmiResult result) {
        if (!result.success()) return call.reply().error(result.error());
        const auto elapsed = std::chrono::steady_clock::now() - start;
        call.reply().add("Ping", result.response().get("Ping", "Pong"));
        call.reply().add(
            "RoundTripMs",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
      },
      std::chrono::seconds(5));
}

void load(Registrar& r) {
  r.command("Hello", Privilege::Monitor, {optional("Name")}, hello, "Answer a greeting");
  r.command("HelloPing", Privilege::Monitor, {}, hello_ping, "Ping Asterisk through the plugin");
  r.async_command("HelloPingAsync", Privilege::Monitor, {}, hello_ping_async,
                  "Ping Asterisk through the plugin, without a worker thread");
}

}  // namespace

AMPD_PLUGIN("hello", "1.0", load)
