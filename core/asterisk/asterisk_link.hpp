// All configured Asterisk servers behind the AsteriskGateway interface: worker threads call in
// and wait, asynchronous handlers call in on the reactor; the work itself happens on the reactor
// thread.
#pragma once

#include <memory>
#include <vector>

#include "asterisk/asterisk_gateway.hpp"
#include "asterisk/asterisk_server.hpp"

namespace ampd {

class AsteriskLink : public AsteriskGateway {
 public:
  AsteriskLink(Reactor& reactor, const std::vector<AsteriskConfig>& servers,
               AsteriskEventSink& sink);
  ~AsteriskLink() override;

  void start();
  bool empty() const { return servers_.empty(); }
  std::size_t size() const { return servers_.size(); }

  AmiResult call(const CallContext& context, const std::string& server, const Message& action,
                 std::chrono::milliseconds timeout) override;
  void call_async(const CallContext& context, const std::string& server, Message action,
                  std::chrono::milliseconds timeout, AsteriskServer::Done done) override;
  AsteriskInfo info(const std::string& server) const override;
  // call_async, with the answer streamed through `part` as it arrives (AsteriskServer::submit).
  void stream(const CallContext& context, const std::string& server, Message action,
              std::chrono::milliseconds timeout, AsteriskServer::Part part,
              AsteriskServer::Done done, std::shared_ptr<StreamFlow> flow = nullptr);
  // Every server's events session stops (or resumes) being read: event intake waits while the
  // clients' threads catch up.
  void pause_events(bool paused) {
    for (auto& server : servers_) server->pause_events(paused);
  }

 private:
  AsteriskServer* find(const std::string& name) const;
  AmiResult no_server(const std::string& server) const;

  Reactor& reactor_;
  ActionIds ids_;
  std::vector<std::unique_ptr<AsteriskServer>> servers_;
};

}  // namespace ampd
