#include "net/timer.hpp"

#include <event2/event.h>

namespace ampd {

Timer::Timer(Reactor& reactor, std::function<void()> callback) : callback_(std::move(callback)) {
  event_ = event_new(reactor.base(), -1, 0, &Timer::fire, this);
}

Timer::~Timer() { event_free(event_); }

void Timer::start(unsigned milliseconds, bool repeat) {
  event_del(event_);
  event_assign(event_, event_get_base(event_), -1, repeat ? EV_PERSIST : 0, &Timer::fire, this);
  timeval tv{static_cast<time_t>(milliseconds / 1000),
             static_cast<suseconds_t>((milliseconds % 1000) * 1000)};
  event_add(event_, &tv);
}

void Timer::cancel() { event_del(event_); }

void Timer::fire(int, short, void* self) { static_cast<Timer*>(self)->callback_(); }

}  // namespace ampd
