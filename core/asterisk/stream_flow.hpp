// Flow control for answers streamed from the Asterisk link to a client on another thread.
#pragma once

#include <atomic>
#include <memory>

#include "asterisk/ami_connection.hpp"
#include "net/reactor.hpp"

namespace ampd {

// Flow control of a streamed answer that crosses threads: the consumer holds each part until it
// has written it; past a mark the Asterisk session carrying the answer stops being read, and
// the consumer's release at the low mark resumes it (on the reactor). So a long list passed
// through to a client on another thread is never queued whole between the threads.
class StreamFlow : public std::enable_shared_from_this<StreamFlow> {
 public:
  static constexpr int kHighMark = 512, kLowMark = 128;
  explicit StreamFlow(Reactor& reactor) : reactor_(reactor) {}
  // Reactor thread: one more part handed over; true when reading must pause.
  bool hold();
  // Any thread: a part written (or dropped with its session).
  void release();
  // Reactor thread: reading `connection` is paused until release() reaches the low mark.
  void pause(AmiConnection& connection);
  // Reactor thread: the answer is over; resumes reading if paused.
  void end();

 private:
  void resume();
  Reactor& reactor_;
  std::atomic<int> held_{0};
  std::atomic<bool> paused_{false};
  AmiConnection* paused_connection_ = nullptr;  // reactor thread only
};

}  // namespace ampd
