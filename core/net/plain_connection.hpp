// A connection on a plain socket: ampd reads it with its own event straight into the reactor's
// buffer, and writes its own output queue after each callback (the bufferevent only connects).
#pragma once

#include "net/connection.hpp"
#include "net/output_queue.hpp"

namespace ampd {

class PlainConnection final : public Connection {
 public:
  // `bev` is a socket bufferevent, connected or connecting.
  PlainConnection(Reactor& reactor, bufferevent* bev, std::string peer, bool connecting);
  ~PlainConnection() override;

  void write(std::string_view bytes) override;
  void write_shared(const SharedBytes& shared) override;
  std::size_t pending_output() const override;
  bool reading_fast() const override;

 private:
  friend class Reactor;
  void set_reading(bool on) override;
  void close_when_flushed() override;
  void before_shut() override;
  void handle_event(short what) override;

  void output_added();
  // Writes what the socket takes now; leaves the rest for when it is writable (write interest
  // on, through our own event).
  void flush();
  void want_write(bool on);
  static void on_writable(int fd, short, void* self);
  // Our own read event: the bufferevent's reading costs an ioctl(FIONREAD) per read, an
  // evbuffer copy and an extra loop pass (deferred callback).
  bool start_reading(int fd);  // false if libevent refused
  void stop_reading();
  static void on_readable(int fd, short, void* self);
  void count_sent(std::size_t before);

  event* reader_ = nullptr;
  event* writer_ = nullptr;  // while the socket is full
  OutputQueue output_;
  std::int64_t window_start_ms_ = 0;  // the current 100 ms window of bytes sent
  std::size_t sent_in_window_ = 0;
  std::size_t sent_in_last_window_ = 0;
  bool connecting_ = false;    // outbound, until the connect completes
  bool writing_ = false;       // write interest on: a backlog waits for the socket
  bool flush_queued_ = false;  // in the reactor's list for the end of this callback
};

}  // namespace ampd
