// A minimal level-triggered epoll loop driving every benchmark client from one thread.
#pragma once

#include <cstdint>

namespace bench {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void on_io(std::uint32_t events) = 0;
};

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void add(int fd, std::uint32_t events, IoHandler* handler);
  void modify(int fd, std::uint32_t events, IoHandler* handler);
  void remove(int fd);
  // Waits up to `timeout_ms` and dispatches what is ready.
  void poll(int timeout_ms);

 private:
  int epoll_fd_ = -1;
};

}  // namespace bench
