// The boundary between command handlers and the Asterisk link (on the reactor). Worker-thread
// handlers call it and block; asynchronous handlers, on the reactor, hand it a callback. The
// link never blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "asterisk/ami_result.hpp"
#include "wire/message.hpp"

namespace ampd {

struct AsteriskInfo {
  std::string name;  // the [asterisk.NAME] section
  bool connected = false;
  std::string ami_version;       // from the banner, e.g. "9.0.0" or "1.0"
  std::string asterisk_version;  // from CoreSettings / core show version, e.g. "20.20.1"
  int major = 0;                 // Asterisk major version (1 for 1.4), 0 if unknown
};

// Who an action is for, so that events answering it later (OriginateResponse of an async
// Originate) reach that client with its own ActionID.
struct CallContext {
  std::uint64_t session_id = 0;
  std::string client_action_id;
};

class AsteriskGateway {
 public:
  virtual ~AsteriskGateway() = default;
  // Sends `action` (its Action header and fields; any ActionID is replaced by ampd's own) to the
  // named server ("" = the default) and waits for the complete answer. Thread-safe; must not be
  // called on the reactor thread. `timeout` 0 means the server's configured action timeout.
  virtual AmiResult call(const CallContext& context, const std::string& server,
                         const Message& action, std::chrono::milliseconds timeout) = 0;
  // The same without waiting, from the reactor thread only: `done` runs exactly once on the
  // reactor thread, always after call_async has returned.
  virtual void call_async(const CallContext& context, const std::string& server, Message action,
                          std::chrono::milliseconds timeout,
                          std::function<void(AmiResult)> done) = 0;
  // A snapshot of what is known about the named server ("" = default).
  virtual AsteriskInfo info(const std::string& server) const = 0;
};

}  // namespace ampd
