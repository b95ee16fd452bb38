// What a client session asks of the rest of ampd, so that clients/ does not depend on the
// server that wires it. Called on the session's shard thread; answers come back later through
// ClientSession::complete and ClientSession::on_login_checked, on that thread.
#pragma once

#include <cstdint>
#include <string>

#include "auth/login.hpp"
#include "wire/message.hpp"

namespace ampd {

class ClientSession;
class IoShard;

class SessionHost {
 public:
  virtual ~SessionHost() = default;

  // The default Asterisk server's banner line ("Asterisk Call Manager/9.0.0") once ampd has
  // seen it; empty before.
  virtual std::string asterisk_banner() const = 0;
  // SIGTERM has begun: new commands are refused.
  virtual bool stopping() const = 0;
  // Checks a login on a worker; false when none can take it now.
  virtual bool check_login_async(ClientSession& session, const Message& request) = 0;
  // Seconds before this peer may try to log in again (0: now), and a failure to count.
  // The login throttle; `known` tells whether the username exists.
  virtual long login_blocked_for(const std::string& peer, const std::string& user, bool known) = 0;
  virtual void login_failed(const std::string& peer, const std::string& user, bool known) = 0;
  virtual void login_succeeded(const std::string& peer, const std::string& user) = 0;
  // Runs a command of the table on the main reactor; its answer reaches the session through
  // complete().
  virtual void run_command(IoShard& shard, const Identity& who, std::uint64_t id,
                           const Message& request) = 0;
  // Asterisk servers are configured, so an action no command knows is passed through to one.
  virtual bool passes_through() const = 0;
  // Passes an Asterisk action ampd has no command for through to Asterisk, on the main
  // reactor; its answer comes back a message at a time through ClientSession::relay, and ends
  // with ClientSession::relayed.
  virtual void pass_through(IoShard& shard, const Identity& who, std::uint64_t id,
                            const Message& request) = 0;
  // The session's connection is gone: it is destroyed once its callback has returned.
  virtual void session_closed(std::uint64_t id, const std::string& reason) = 0;
};

}  // namespace ampd
