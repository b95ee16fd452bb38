// What one Asterisk action produced: its response, the events of its list (if it is a list
// action), or why it failed (timeout, link down, Asterisk's own error).
#pragma once

#include <string>
#include <vector>

#include "wire/message.hpp"

namespace ampd {

struct AmiResult {
  enum class Status {
    Ok,       // Asterisk answered (possibly Response: Error; see `response`)
    Timeout,  // no complete answer within the action's timeout
    Down,     // the link to that Asterisk is down, or went down while waiting
    Busy,     // too many actions waiting for that Asterisk
    NoServer  // no Asterisk server of that name is configured
  };

  Status status = Status::Ok;
  std::string error;                // for every status but Ok: a message fit for the client
  Message response;                 // the Response message, client ActionID not included
  std::vector<Message> events;      // list items, in order, without the final ...Complete event
  Message complete;                 // the ...Complete event of a list, if any
  std::vector<std::string> output;  // Command output lines (both Asterisk generations)

  bool ok() const { return status == Status::Ok; }
  // Asterisk answered Response: Success (or Follows/Goodbye/Pong-like non-errors).
  bool success() const;
};

// A round trip that failed before Asterisk answered, and why.
inline AmiResult failed_result(AmiResult::Status status, std::string error) {
  AmiResult result;
  result.status = status;
  result.error = std::move(error);
  return result;
}

}  // namespace ampd
