// The libevent event loop: runs callbacks, signals and tasks posted from other threads. With
// Timer, Connection and Listener it is the only code that includes event2/.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

struct event_base;
struct event;

namespace ampd {

class PlainConnection;

class Reactor {
 public:
  Reactor();
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Runs until stop(); on the calling thread.
  void run();
  // Thread-safe.
  void stop();
  // Thread-safe: runs `task` on the reactor thread soon.
  void post(std::function<void()> task);
  // Runs `handler` on the reactor thread when `signal_number` arrives.
  void on_signal(int signal_number, std::function<void()> handler);

  event_base* base() const { return base_; }

 private:
  friend class PlainConnection;
  void run_posted();
  // Output added to a connection is written once, after the callback that added it, rather
  // than when the socket next reports writable: one send per connection per loop pass, no
  // write interest toggled in epoll, and no extra loop pass before an answer leaves.
  void schedule_flush(PlainConnection* connection);
  void cancel_flush(PlainConnection* connection);
  void flush_all();

  // Plain connections read into this, one at a time; their handlers copy what they keep. One
  // read per readiness report is the unit of intake, so its size balances reading Asterisk's
  // events against writing them to clients in each loop pass: with 32 or 64 KiB ampd took in
  // events faster than it could write them and dropped them (1-client fan-out fell from 0.46 to
  // 0.13 of direct, ampd-bench --scenario fanout); 8 KiB (libevent reads 4) drops none.
  static constexpr std::size_t kReadBufferSize = 8 * 1024;
  std::unique_ptr<char[]> read_buffer_ = std::make_unique<char[]>(kReadBufferSize);
  event_base* base_ = nullptr;
  int wakeup_fd_ = -1;  // readable while posted tasks wait
  event* wakeup_ = nullptr;
  event* flush_ = nullptr;
  std::vector<PlainConnection*> to_flush_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::vector<event*> signals_;
  std::vector<std::unique_ptr<std::function<void()>>> signal_handlers_;
};

}  // namespace ampd
