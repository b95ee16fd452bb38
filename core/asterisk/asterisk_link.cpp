#include "asterisk/asterisk_link.hpp"

#include <future>

#include "base/text.hpp"

namespace ampd {

namespace {

// Margin on top of the action's own timeout, which the reactor enforces; this one only guards
// against a reactor that has stopped.
constexpr auto kWaitMargin = std::chrono::seconds(2);

}  // namespace

AsteriskLink::AsteriskLink(Reactor& reactor, const std::vector<AsteriskConfig>& servers,
                           AsteriskEventSink& sink)
    : reactor_(reactor) {
  for (const auto& config : servers) {
    servers_.push_back(std::make_unique<AsteriskServer>(reactor, config, ids_, sink));
  }
}

// The servers fail their waiting actions as they go, and a plugin callback may then ask for
// another: with the list already empty it gets "no server" instead of a half-destroyed one.
AsteriskLink::~AsteriskLink() { auto servers = std::move(servers_); }

void AsteriskLink::start() {
  for (auto& s : servers_) s->start();
}

AsteriskServer* AsteriskLink::find(const std::string& name) const {
  if (servers_.empty()) return nullptr;
  if (name.empty()) return servers_.front().get();
  for (const auto& s : servers_) {
    if (iequals(s->config().name, name)) return s.get();
  }
  return nullptr;
}

AmiResult AsteriskLink::no_server(const std::string& server) const {
  return failed_result(AmiResult::Status::NoServer,
                       servers_.empty() ? "No Asterisk server is configured"
                                        : "No Asterisk server named '" + server + "'");
}

void AsteriskLink::call_async(const CallContext& context, const std::string& server, Message action,
                              std::chrono::milliseconds timeout, AsteriskServer::Done done) {
  auto* target = find(server);
  if (target == nullptr) {
    return reactor_.post(
        [done = std::move(done), r = no_server(server)]() mutable { done(std::move(r)); });
  }
  target->submit(context, std::move(action), timeout, std::move(done));
}

void AsteriskLink::stream(const CallContext& context, const std::string& server, Message action,
                          std::chrono::milliseconds timeout, AsteriskServer::Part part,
                          AsteriskServer::Done done, std::shared_ptr<StreamFlow> flow) {
  auto* target = find(server);
  if (target == nullptr) {
    return reactor_.post(
        [done = std::move(done), r = no_server(server)]() mutable { done(std::move(r)); });
  }
  target->submit(context, std::move(action), timeout, std::move(done), std::move(part),
                 std::move(flow));
}

AmiResult AsteriskLink::call(const CallContext& context, const std::string& server,
                             const Message& action, std::chrono::milliseconds timeout) {
  auto* target = find(server);
  if (target == nullptr) return no_server(server);
  const auto limit =
      timeout.count() > 0 ? timeout : std::chrono::milliseconds(target->config().action_timeout_ms);
  auto promise = std::make_shared<std::promise<AmiResult>>();
  auto future = promise->get_future();
  reactor_.post([target, context, action, limit, promise] {
    target->submit(context, action, limit,
                   [promise](AmiResult r) { promise->set_value(std::move(r)); });
  });
  if (future.wait_for(limit + kWaitMargin) != std::future_status::ready) {
    return failed_result(AmiResult::Status::Timeout, "Timeout waiting for Asterisk");
  }
  return future.get();
}

AsteriskInfo AsteriskLink::info(const std::string& server) const {
  const auto* target = find(server);
  if (target == nullptr) {
    AsteriskInfo none;
    none.name = server;
    return none;
  }
  return target->info();
}

}  // namespace ampd
