// A TCP connection on a reactor's loop, plain or TLS, accepted or outbound: reads hand bytes to
// its handler; writes are queued and sent after the callback that made them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/shared_bytes.hpp"
#include "net/reactor.hpp"

struct bufferevent;
struct event;

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

// A connection's common part: the bufferevent, the handler, closing and the drain notice. Plain
// sockets (PlainConnection) and TLS (TlsConnection) differ in how they read and write.
class Connection {
 public:
  // Takes ownership of an accepted socket.
  static std::unique_ptr<Connection> accept(Reactor& reactor, int fd, std::string peer);
  // Takes ownership of an accepted socket whose peer speaks TLS: the server handshake runs
  // first, then the connection behaves like the plain one (a failed handshake is on_closed).
  static std::unique_ptr<Connection> accept_tls(Reactor& reactor, int fd, std::string peer,
                                                const TlsContext& tls);
  // Starts a non-blocking connect to a numeric IPv4/IPv6 address.
  static std::unique_ptr<Connection> connect(Reactor& reactor, const std::string& host, int port,
                                             std::string& error);
  virtual ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_handler(ConnectionHandler* handler) { handler_ = handler; }
  virtual void write(std::string_view bytes) = 0;
  // Adds bytes owned by `shared` to the output without copying them.
  virtual void write_shared(const SharedBytes& shared) = 0;
  virtual std::size_t pending_output() const = 0;
  // Calls the handler's on_drained() once, from its own loop pass, when pending_output() is at
  // most `low_water` (at once, in the next pass, if it already is). Backpressure resumes on it.
  void notify_when_drained(std::size_t low_water);
  // Plain connections: whether the peer took at least kFastReader bytes within the last 100 to
  // 200 ms. Such a client that is still behind shows the events come faster than clients take
  // them (event intake then waits); a slower one is left to its output cap.
  static constexpr std::size_t kFastReader = 256 * 1024;
  virtual bool reading_fast() const { return false; }
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

 protected:
  Connection(Reactor& reactor, bufferevent* bev, std::string peer);
  virtual void set_reading(bool on) = 0;
  // After close_after_flush() has stopped the reading: closes now, or once the output is sent.
  virtual void close_when_flushed() = 0;
  // TLS: where the bufferevent reports the output drained (0 when nothing is armed).
  virtual void set_drain_mark(std::size_t) {}
  // Last words before the socket closes (TLS: close_notify), and the implementation's events.
  virtual void before_shut() {}
  void shut(const std::string& reason);
  // Called whenever output leaves: fires the drain notification when it is due.
  void check_drained();
  // Why the bufferevent ended the connection, for on_closed.
  static std::string closed_reason(short what);
  static void on_event(bufferevent*, short what, void* self);
  virtual void handle_event(short what) = 0;

  Reactor* reactor_ = nullptr;
  bufferevent* bev_ = nullptr;
  ConnectionHandler* handler_ = nullptr;
  bool closing_ = false;
  bool read_paused_ = false;

 private:
  static void on_drain_due(int, short, void* self);
  std::string peer_;
  event* drained_ = nullptr;  // activated when armed output has drained
  std::size_t drain_low_water_ = 0;
  bool drain_armed_ = false;
};

}  // namespace ampd
