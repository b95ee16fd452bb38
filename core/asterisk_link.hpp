// All configured Asterisk servers behind the AsteriskGateway interface: worker threads call in
// and wait; the work itself happens on the reactor thread.
#pragma once

#include <memory>
#include <vector>

#include "asterisk_gateway.hpp"
#include "asterisk_server.hpp"

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
  AsteriskInfo info(const std::string& server) const override;

  // Reactor thread: the same as call(), without waiting.
  void submit(const CallContext& context, const std::string& server, Message action,
              std::chrono::milliseconds timeout, AsteriskServer::Done done);

 private:
  AsteriskServer* find(const std::string& name) const;

  Reactor& reactor_;
  ActionIds ids_;
  std::vector<std::unique_ptr<AsteriskServer>> servers_;
};

}  // namespace ampd
