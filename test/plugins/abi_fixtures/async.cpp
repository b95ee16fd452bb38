// An asynchronous command built with the SDK: what the loader must accept and run.
#include <ampd/sdk.hpp>

namespace {

using namespace ampd::sdk;

void load(Registrar& r) {
  r.async_command(
      "FixtureAsyncEcho", Privilege::Monitor, {required("Text")},
      [](AsyncRequest call) {
        call.ami(AmiAction("Ping"), [](AsyncRequest call, AmiResult result) {
          call.reply().add("Echo", call.request().get("Text"));
          call.reply().add("Ping", result.response().get("Ping"));
        });
      },
      "Echo the Text field after asking Asterisk");
}

}  // namespace

AMPD_PLUGIN("async", "1", load)
