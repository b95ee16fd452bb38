// One Asterisk event on its way to many clients: rendered at most once per output variant
// (format x isFlash), and the same bytes shared by every client's output buffer.
#pragma once

#include <array>
#include <atomic>
#include <mutex>

#include "base/shared_bytes.hpp"
#include "wire/event_classes.hpp"
#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

class RenderedEvent {
 public:
  explicit RenderedEvent(const Message& event) : event_(event), classes_(event_classes_of(event)) {}
  const Message& event() const { return event_; }
  // From its Privilege header, read once for every client.
  EventClasses classes() const { return classes_; }
  // Thread-safe: the I/O threads' shards share one event.
  const SharedBytes& bytes(WireFormat format, bool nul_terminated);

 private:
  const Message& event_;
  EventClasses classes_;
  std::array<SharedBytes, 6> variants_;  // [format * 2 + nul_terminated], made lazily
  std::array<std::atomic<bool>, 6> ready_{};
  std::mutex render_mutex_;
};

// An event handed to several I/O threads: owns its message, since the Asterisk link reuses
// its own.
struct SharedEvent {
  explicit SharedEvent(const Message& event) : message(event), rendered(message) {}
  Message message;
  RenderedEvent rendered;
};

// Whether an agent client may see an event: only events about its own agent id or interface.
bool event_concerns_agent(const Message& event, const std::string& agent_id,
                          const std::vector<std::string>& interfaces);

}  // namespace ampd
