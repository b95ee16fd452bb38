// A TCP connection on a reactor's loop, plain or TLS, accepted or outbound: reads hand bytes to
// its handler; writes are queued and sent after the callback that made them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "output_queue.hpp"
#include "reactor.hpp"
#include "shared_bytes.hpp"

struct bufferevent;

namespace ampd {

class TlsContext;

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void on_data(std::string_view bytes) = 0;
  // The peer closed, an error happened, or close_after_flush() finished. Called once; the
  // handler may destroy the Connection only after returning (defer it through Reactor::post).
  virtual void on_closed(const std::string& reason) = 0;
  // Outbound connections only.
  virtual void on_connected() {}
  // The output armed by Connection::notify_when_drained() has fallen to its low-water mark.
  virtual void on_drained() {}
};

class Connection {
 public:
  // Takes ownership of an accepted socket.
  Connection(Reactor& reactor, int fd, std::string peer);
  // Takes ownership of an accepted socket whose peer speaks TLS: the server handshake runs
  // first, then the connection behaves like the plain one (a failed handshake is on_closed).
  Connection(Reactor& reactor, int fd, std::string peer, const TlsContext& tls);
  // Starts a non-blocking connect to a numeric IPv4/IPv6 address.
  static std::unique_ptr<Connection> connect(Reactor& reactor, const std::string& host, int port,
                                             std::string& error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_handler(ConnectionHandler* handler);
  void write(std::string_view bytes);
  // Adds bytes owned by `shared` to the output without copying them.
  void write_shared(const SharedBytes& shared);
  std::size_t pending_output() const;
  // Calls the handler's on_drained() once, from its own loop pass, when pending_output() is at
  // most `low_water` (at once, in the next pass, if it already is). Backpressure resumes on it.
  void notify_when_drained(std::size_t low_water);
  // Plain connections: whether the peer took at least kFastReader bytes within the last 100 to
  // 200 ms. Such a client that is still behind shows the events come faster than clients take
  // them (event intake then waits); a slower one is left to its output cap.
  static constexpr std::size_t kFastReader = 256 * 1024;
  bool reading_fast() const;
  // While paused, nothing is read: the peer's writes wait in the kernel and then in its own
  // buffers (backpressure). Remembered across a connect still in progress.
  void pause_reading(bool paused);
  // Stops reading, flushes what is queued, then closes and reports on_closed.
  void close_after_flush();
  // Closes at once, dropping unsent output, without calling the handler.
  void close();
  bool closed() const { return bev_ == nullptr; }
  const std::string& peer() const { return peer_; }
  Reactor& reactor() const { return *reactor_; }

 private:
  friend class Reactor;
  Connection(Reactor& reactor, bufferevent* bev, std::string peer);
  void output_added();
  // Writes what the socket takes now; leaves the rest for when it is writable (write interest
  // on): the bufferevent's for TLS, our own event for plain sockets.
  void flush();
  void want_write(bool on);
  static void on_writable(int fd, short, void* self);
  // Plain sockets are read by our own event, straight into the reactor's buffer: the
  // bufferevent's reading costs an ioctl(FIONREAD) per read, an evbuffer copy and an extra loop
  // pass (deferred callback). TLS connections read through the bufferevent (on_read).
  bool start_reading(int fd);  // false if libevent refused
  void stop_reading();
  static void on_readable(int fd, short, void* self);
  static void on_read(bufferevent*, void* self);
  static void on_write(bufferevent*, void* self);
  static void on_event(bufferevent*, short what, void* self);
  void shut(const std::string& reason);
  // Called whenever output leaves: fires the drain notification when it is due.
  void check_drained();
  static void on_drain_due(int, short, void* self);

  Reactor* reactor_ = nullptr;
  bufferevent* bev_ = nullptr;
  event* reader_ = nullptr;   // plain connections: our read event
  event* writer_ = nullptr;   // plain connections: our write event, while the socket is full
  event* drained_ = nullptr;  // activated when armed output has drained (see notify_when_drained)
  std::size_t drain_low_water_ = 0;
  bool drain_armed_ = false;
  OutputQueue output_;  // plain connections' output (TLS: the bufferevent's)
  void count_sent(std::size_t before);
  std::int64_t window_start_ms_ = 0;  // the current 100 ms window of bytes sent
  std::size_t sent_in_window_ = 0;
  std::size_t sent_in_last_window_ = 0;
  bool connecting_ = false;  // outbound, until the connect completes
  std::string peer_;
  ConnectionHandler* handler_ = nullptr;
  bool closing_ = false;
  bool tls_ = false;
  bool read_paused_ = false;
  bool writing_ = false;       // write interest on: the bufferevent writes the backlog
  bool flush_queued_ = false;  // in the reactor's list for the end of this callback
};

}  // namespace ampd
