// The libevent reactor: the one place that includes event2/. Everything above it sees
// Reactor (loop, timers, signals, cross-thread posts), Listener and Connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "output_queue.hpp"
#include "shared_bytes.hpp"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;
struct sockaddr;

namespace ampd {

class TlsContext;
class Connection;

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
  friend class Connection;
  void run_posted();
  // Output added to a connection is written once, after the callback that added it, rather
  // than when the socket next reports writable: one send per connection per loop pass, no
  // write interest toggled in epoll, and no extra loop pass before an answer leaves.
  void schedule_flush(Connection* connection);
  void cancel_flush(Connection* connection);
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
  std::vector<Connection*> to_flush_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::vector<event*> signals_;
  std::vector<std::unique_ptr<std::function<void()>>> signal_handlers_;
};

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

class Listener {
 public:
  using AcceptHandler = std::function<void(int fd, std::string peer)>;
  // `address` is "host:port" ("[::1]:5040" for IPv6). Throws std::runtime_error on failure.
  Listener(Reactor& reactor, const std::string& address, AcceptHandler on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }
  void pause();

 private:
  static void on_accept(evconnlistener*, int fd, ::sockaddr* addr, int len, void* self);
  evconnlistener* listener_ = nullptr;
  AcceptHandler handler_;
  int port_ = 0;
};

}  // namespace ampd
