#include "net/reactor.hpp"

#include <event2/event.h>
#include <event2/thread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

#include "net/plain_connection.hpp"

namespace ampd {

namespace {

void use_threads_once() {
  static const bool done = [] { return evthread_use_pthreads() == 0; }();
  if (!done) throw std::runtime_error("libevent: cannot enable pthreads support");
}

}  // namespace

Reactor::Reactor() {
  use_threads_once();
  base_ = event_base_new();
  if (base_ == nullptr) throw std::runtime_error("libevent: event_base_new failed");
  wakeup_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeup_fd_ < 0) throw std::runtime_error("eventfd failed");
  wakeup_ = event_new(
      base_, wakeup_fd_, EV_READ | EV_PERSIST,
      [](evutil_socket_t, short, void* self) { static_cast<Reactor*>(self)->run_posted(); }, this);
  event_add(wakeup_, nullptr);
  flush_ = event_new(
      base_, -1, 0,
      [](evutil_socket_t, short, void* self) { static_cast<Reactor*>(self)->flush_all(); }, this);
}

Reactor::~Reactor() {
  // Tasks and signal handlers refer to objects that are gone by now: drop them unrun.
  for (auto* ev : signals_) event_free(ev);
  event_del(wakeup_);
  {
    std::vector<std::function<void()>> dropped;
    std::lock_guard lock(posted_mutex_);
    dropped.swap(posted_);
  }
  // bufferevents freed while callbacks were still deferred are released by the loop's
  // finalizers: give them a last pass, or they would outlive the base (and leak).
  event_base_loop(base_, EVLOOP_NONBLOCK);
  event_free(flush_);
  event_free(wakeup_);
  event_base_free(base_);
  ::close(wakeup_fd_);
}

// Until stop(), even with nothing to watch (an I/O thread before its first client).
void Reactor::run() { event_base_loop(base_, EVLOOP_NO_EXIT_ON_EMPTY); }

void Reactor::stop() { event_base_loopbreak(base_); }

// Posted tasks wake the loop through an eventfd, not event_active: an event made active while
// the loop is running its callbacks runs in the same pass, so a thread posting steadily (the
// main reactor handing events to an I/O thread) kept that thread from ever polling its sockets
// again, and its clients got nothing. Through the eventfd, posted tasks take turns with I/O.
void Reactor::post(std::function<void()> task) {
  bool first = false;
  {
    std::lock_guard lock(posted_mutex_);
    first = posted_.empty();
    posted_.push_back(std::move(task));
  }
  if (!first) return;  // the loop has been woken for the tasks before it
  const std::uint64_t one = 1;
  while (::write(wakeup_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void Reactor::run_posted() {
  // Read before taking the tasks: a task posted after this read wakes the loop again.
  std::uint64_t count = 0;
  while (::read(wakeup_fd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

void Reactor::schedule_flush(PlainConnection* connection) {
  // Activated events run in order within the loop pass: this one after the callback that is
  // adding output now (and after any made active before it), so writes made together are sent
  // together.
  if (to_flush_.empty()) event_active(flush_, EV_WRITE, 0);
  to_flush_.push_back(connection);
}

void Reactor::cancel_flush(PlainConnection* connection) {
  for (auto& queued : to_flush_) {
    if (queued == connection) queued = nullptr;
  }
}

void Reactor::flush_all() {
  // flush() calls no handler, so no connection goes away while this runs.
  for (std::size_t i = 0; i < to_flush_.size(); ++i) {
    if (auto* connection = to_flush_[i]) {
      connection->flush_queued_ = false;
      connection->flush();
    }
  }
  to_flush_.clear();
}

void Reactor::on_signal(int signal_number, std::function<void()> handler) {
  signal_handlers_.push_back(std::make_unique<std::function<void()>>(std::move(handler)));
  auto* ev = evsignal_new(
      base_, signal_number,
      [](evutil_socket_t, short, void* fn) { (*static_cast<std::function<void()>*>(fn))(); },
      signal_handlers_.back().get());
  evsignal_add(ev, nullptr);
  signals_.push_back(ev);
}

}  // namespace ampd
