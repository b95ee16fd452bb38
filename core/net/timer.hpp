// A timer on a reactor's loop.
#pragma once

#include <functional>

#include "net/reactor.hpp"

namespace ampd {

// A one-shot or repeating timer; cancelled when destroyed.
class Timer {
 public:
  Timer(Reactor& reactor, std::function<void()> callback);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  void start(unsigned milliseconds, bool repeat = false);
  void cancel();

 private:
  static void fire(int, short, void* self);
  event* event_ = nullptr;
  std::function<void()> callback_;
};

}  // namespace ampd
