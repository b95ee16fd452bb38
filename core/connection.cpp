#include "connection.hpp"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "socket_address.hpp"
#include "tls_context.hpp"

namespace ampd {

namespace {

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

Connection::Connection(Reactor& reactor, int fd, std::string peer)
    : Connection(reactor,
                 bufferevent_socket_new(reactor.base(), fd,
                                        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS),
                 std::move(peer)) {
  set_nodelay(fd);
}

Connection::Connection(Reactor& reactor, int fd, std::string peer, const TlsContext& tls)
    : reactor_(&reactor), peer_(std::move(peer)), tls_(true), writing_(true) {
  SSL* ssl = SSL_new(tls.native());
  if (ssl == nullptr) {
    ::close(fd);
    throw std::runtime_error("openssl: SSL_new failed");
  }
  // With BEV_OPT_CLOSE_ON_FREE the bufferevent owns the SSL and the socket from here on, also
  // when its creation fails after allocation.
  bev_ = bufferevent_openssl_socket_new(reactor.base(), fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  if (bev_ == nullptr) throw std::runtime_error("libevent: bufferevent_openssl_socket_new failed");
  // A client that just closes its socket, without a TLS close_notify, has simply gone: the same
  // "closed by peer" as on a plain connection rather than an error.
  bufferevent_openssl_set_allow_dirty_shutdown(bev_, 1);
  set_nodelay(fd);
  bufferevent_setcb(bev_, &Connection::on_read, &Connection::on_write, &Connection::on_event, this);
  bufferevent_enable(bev_, EV_READ | EV_WRITE);
}

Connection::Connection(Reactor& reactor, bufferevent* bev, std::string peer)
    : reactor_(&reactor), bev_(bev), peer_(std::move(peer)) {
  if (bev_ == nullptr) throw std::runtime_error("libevent: bufferevent_socket_new failed");
  bufferevent_setcb(bev_, &Connection::on_read, &Connection::on_write, &Connection::on_event, this);
  // Writing is ours (flush) until the socket is full; the bufferevent writes only a backlog.
  // A new bufferevent starts with writing enabled: left so, each write would add and then
  // drop write interest (two epoll_ctl calls).
  bufferevent_disable(bev_, EV_WRITE);
  if (const int fd = bufferevent_getfd(bev_); fd >= 0 && !start_reading(fd)) {
    throw std::runtime_error("libevent: cannot watch a socket for reading");
  }
}

bool Connection::start_reading(int fd) {
  if (reader_ != nullptr) return true;
  reader_ = event_new(reactor_->base_, fd, EV_READ | EV_PERSIST, &Connection::on_readable, this);
  if (reader_ != nullptr && (read_paused_ || event_add(reader_, nullptr) == 0)) return true;
  stop_reading();
  return false;
}

void Connection::pause_reading(bool paused) {
  if (paused == read_paused_ || bev_ == nullptr || closing_) return;
  read_paused_ = paused;
  if (tls_) {
    paused ? bufferevent_disable(bev_, EV_READ) : bufferevent_enable(bev_, EV_READ);
  } else if (reader_ != nullptr &&
             (paused ? event_del(reader_) : event_add(reader_, nullptr)) != 0) {
    shut("cannot watch the socket for reading");
  }
}

void Connection::stop_reading() {
  if (reader_ == nullptr) return;
  event_free(reader_);
  reader_ = nullptr;
}

void Connection::on_readable(int fd, short, void* self) {
  auto* conn = static_cast<Connection*>(self);
  char* buffer = conn->reactor_->read_buffer_.get();
  // One read per readiness report: epoll is level-triggered, so a busy client cannot starve
  // the others and the rest comes on the next pass.
  const auto n = ::recv(fd, buffer, Reactor::kReadBufferSize, 0);
  if (n > 0) {
    if (conn->handler_ != nullptr) {
      conn->handler_->on_data({buffer, static_cast<std::size_t>(n)});
    }
    return;
  }
  if (n == 0) return conn->shut("connection closed by peer");
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
  conn->shut(std::string("connection error: ") + std::strerror(errno));
}

std::unique_ptr<Connection> Connection::connect(Reactor& reactor, const std::string& host, int port,
                                                std::string& error) {
  // Names would need a blocking resolver; "localhost" is the one name worth accepting.
  const auto numeric = host == "localhost" ? std::string("127.0.0.1") : host;
  const auto address = (numeric.find(':') != std::string::npos ? "[" + numeric + "]" : numeric) +
                       ":" + std::to_string(port);
  sockaddr_storage ss;
  int len = 0;
  if (!parse_socket_address(address, ss, len, error)) return nullptr;
  auto* bev =
      bufferevent_socket_new(reactor.base(), -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  std::unique_ptr<Connection> conn(new Connection(reactor, bev, address));
  conn->connecting_ = true;
  if (bufferevent_socket_connect(bev, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    error = "connect to " + address + " failed: " + std::strerror(errno);
    return nullptr;
  }
  return conn;
}

Connection::~Connection() {
  if (flush_queued_) reactor_->cancel_flush(this);
  stop_reading();
  if (writer_ != nullptr) event_free(writer_);
  if (drained_ != nullptr) event_free(drained_);
  if (bev_ != nullptr) bufferevent_free(bev_);
}

void Connection::set_handler(ConnectionHandler* handler) { handler_ = handler; }

void Connection::write(std::string_view bytes) {
  if (bev_ == nullptr || bytes.empty()) return;
  if (tls_) {
    bufferevent_write(bev_, bytes.data(), bytes.size());
  } else {
    output_.append(bytes);
  }
  output_added();
}

void Connection::output_added() {
  if (writing_ || flush_queued_ || closing_) return;
  flush_queued_ = true;
  reactor_->schedule_flush(this);
}

void Connection::want_write(bool on) {
  if (writing_ == on || bev_ == nullptr) return;
  writing_ = on;
  if (tls_) {
    on ? bufferevent_enable(bev_, EV_WRITE) : bufferevent_disable(bev_, EV_WRITE);
    return;
  }
  if (connecting_) return;  // the connect's completion starts the writing
  const int fd = bufferevent_getfd(bev_);
  if (writer_ == nullptr && on) {
    writer_ = event_new(reactor_->base_, fd, EV_WRITE | EV_PERSIST, &Connection::on_writable, this);
  }
  if (writer_ == nullptr) {
    // libevent refused: nothing would ever send the rest. End the socket, which our reader
    // then reports as closed.
    if (on) ::shutdown(fd, SHUT_RDWR);
    return;
  }
  if ((on ? event_add(writer_, nullptr) : event_del(writer_)) != 0 && on) {
    ::shutdown(fd, SHUT_RDWR);
  }
}

// One writable report: as much as the socket takes, up to a share that keeps one busy client
// from holding up the others.
void Connection::on_writable(int fd, short, void* self) {
  auto* conn = static_cast<Connection*>(self);
  constexpr std::size_t kShare = 256 * 1024;
  const auto before = conn->output_.size();
  const auto result = conn->output_.send_to(fd, kShare);
  const int error = errno;  // before anything else can change it
  conn->count_sent(before);
  if (result == OutputQueue::Sent::Error) {
    return conn->shut(std::string("connection error: ") + std::strerror(error));
  }
  conn->check_drained();
  if (result == OutputQueue::Sent::Full) return;
  if (conn->closing_) return conn->shut("closed");
  conn->want_write(false);  // the backlog is gone: back to writing after each callback
}

void Connection::flush() {
  // TLS connections keep writing_ on: the bufferevent encrypts and writes all their output.
  if (bev_ == nullptr || writing_ || closing_ || connecting_) return;
  // An error is left to the writable report (epoll reports a broken socket as writable):
  // flush() runs for many connections at once and must not close one under them.
  const auto before = output_.size();
  const auto result = output_.send_to(bufferevent_getfd(bev_), SIZE_MAX);
  count_sent(before);
  check_drained();
  if (result != OutputQueue::Sent::All) want_write(true);
}

void Connection::notify_when_drained(std::size_t low_water) {
  if (bev_ == nullptr) return;
  if (drained_ == nullptr) {
    drained_ = event_new(reactor_->base_, -1, 0, &Connection::on_drain_due, this);
    if (drained_ == nullptr) return shut("cannot watch the output drain");
  }
  drain_low_water_ = low_water;
  drain_armed_ = true;
  // The bufferevent reports a TLS connection's output falling to its write low-water mark.
  if (tls_) bufferevent_setwatermark(bev_, EV_WRITE, low_water, 0);
  check_drained();
}

void Connection::check_drained() {
  if (!drain_armed_ || bev_ == nullptr || pending_output() > drain_low_water_) return;
  drain_armed_ = false;
  if (tls_) bufferevent_setwatermark(bev_, EV_WRITE, 0, 0);
  // Through an event of its own: flush() runs for many connections at once and calls no
  // handler, and the handler may write or close from on_drained().
  event_active(drained_, EV_WRITE, 0);
}

void Connection::on_drain_due(int, short, void* self) {
  auto* conn = static_cast<Connection*>(self);
  if (conn->bev_ != nullptr && conn->handler_ != nullptr) conn->handler_->on_drained();
}

namespace {
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Connection::count_sent(std::size_t before) {
  const auto sent = before - output_.size();
  if (sent == 0) return;
  const auto now = now_ms();
  if (now - window_start_ms_ >= 100) {
    sent_in_last_window_ = now - window_start_ms_ >= 200 ? 0 : sent_in_window_;
    sent_in_window_ = 0;
    window_start_ms_ = now;
  }
  sent_in_window_ += sent;
}

bool Connection::reading_fast() const {
  if (tls_ || bev_ == nullptr) return false;
  const auto age = now_ms() - window_start_ms_;
  if (age >= 200) return false;
  return sent_in_window_ + (age < 100 ? sent_in_last_window_ : 0) >= kFastReader;
}

void Connection::write_shared(const SharedBytes& shared) {
  if (bev_ == nullptr || !shared || shared.str().empty()) return;
  if (!tls_) {
    output_.append_shared(shared);
    // Events go out when the socket is writable: under fan-out that batches all the events
    // read from Asterisk meanwhile into one write per client (measured: writing each batch at
    // once cost a third of the 1,000-client rate), and a client that does not read meets its
    // cap at the usual point.
    if (!closing_) want_write(true);
    return;
  }
  // The output buffer holds a reference to the bytes until they are sent. TLS connections too:
  // the OpenSSL bufferevent encrypts straight from the output buffer (evbuffer_peek, SSL_write,
  // evbuffer_drain), so referenced bytes stay where they are until SSL_write has taken them,
  // and a retried SSL_write sees the same pointer.
  shared.retain();
  evbuffer_add_reference(
      bufferevent_get_output(bev_), shared.str().data(), shared.str().size(),
      [](const void*, size_t, void* block) {
        SharedBytes::release(static_cast<SharedBytes::Block*>(block));
      },
      shared.block_);
  // Events go out when the socket is writable, as before: under fan-out that batches all the
  // events read from Asterisk meanwhile into one write per client (measured: writing each
  // batch at once cost a third of the 1,000-client rate), and a client that does not read
  // meets its cap at the usual point.
  if (!tls_ && !closing_) want_write(true);
}

std::size_t Connection::pending_output() const {
  if (bev_ == nullptr) return 0;
  return tls_ ? evbuffer_get_length(bufferevent_get_output(bev_)) : output_.size();
}

void Connection::close_after_flush() {
  if (bev_ == nullptr || closing_) return;
  closing_ = true;
  // Nothing queued can reach a TLS peer that never finished its handshake (a silent or
  // plain-text client on the TLS port at its login timeout): close now rather than wait.
  if (tls_ && !SSL_is_init_finished(bufferevent_openssl_get_ssl(bev_))) {
    shut("closed");
    return;
  }
  bufferevent_disable(bev_, EV_READ);
  stop_reading();
  drain_armed_ = false;  // nothing is read any more; and TLS must report the output empty
  if (tls_) bufferevent_setwatermark(bev_, EV_WRITE, 0, 0);
  if (pending_output() == 0) return shut("closed");
  want_write(true);  // drained by on_writable (TLS: the bufferevent, then on_write)
}

void Connection::close() {
  handler_ = nullptr;
  shut("closed");
}

void Connection::shut(const std::string& reason) {
  if (bev_ == nullptr) return;
  if (tls_) {
    // Say goodbye in TLS terms (close_notify) when the session is up; one non-blocking try.
    SSL* ssl = bufferevent_openssl_get_ssl(bev_);
    if (ssl != nullptr && SSL_is_init_finished(ssl) &&
        (SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) == 0) {
      SSL_shutdown(ssl);
    }
    ERR_clear_error();
  }
  stop_reading();  // before the bufferevent closes the socket
  if (writer_ != nullptr) {
    event_free(writer_);
    writer_ = nullptr;
  }
  output_.clear();
  bufferevent_free(bev_);
  bev_ = nullptr;
  if (handler_ != nullptr) handler_->on_closed(reason);
}

void Connection::on_read(bufferevent* bev, void* self) {
  auto* conn = static_cast<Connection*>(self);
  auto* input = bufferevent_get_input(bev);
  // Hand each contiguous chunk to the handler, then drain: no extra copy here.
  while (conn->bev_ != nullptr && evbuffer_get_length(input) > 0) {
    evbuffer_iovec vec;
    if (evbuffer_peek(input, -1, nullptr, &vec, 1) < 1) break;
    if (conn->handler_ != nullptr) {
      conn->handler_->on_data({static_cast<const char*>(vec.iov_base), vec.iov_len});
    }
    if (conn->bev_ == nullptr) break;  // the handler closed the connection
    evbuffer_drain(input, vec.iov_len);
  }
}

void Connection::on_write(bufferevent*, void* self) {
  auto* conn = static_cast<Connection*>(self);
  if (!conn->tls_) return;  // plain connections write through on_writable
  // A write callback left over from earlier output must not cut off what was queued since.
  if (conn->closing_ && conn->pending_output() == 0) return conn->shut("closed");
  conn->check_drained();
}

void Connection::on_event(bufferevent*, short what, void* self) {
  auto* conn = static_cast<Connection*>(self);
  if (what & BEV_EVENT_CONNECTED) {
    set_nodelay(bufferevent_getfd(conn->bev_));
    // bufferevent_socket_connect turned write interest on to see the connect complete; the
    // writing is ours from now on, starting with what was written while connecting.
    // (A TLS connection reports its finished handshake the same way: nothing to change.)
    if (!conn->tls_) {
      conn->connecting_ = false;
      conn->writing_ = false;
      bufferevent_disable(conn->bev_, EV_WRITE);
      if (!conn->start_reading(bufferevent_getfd(conn->bev_))) {
        return conn->shut("cannot watch the socket for reading");
      }
      conn->flush();  // what was written while connecting
    }
    if (conn->handler_ != nullptr) conn->handler_->on_connected();
    return;
  }
  std::string reason = "connection closed by peer";
  const unsigned long tls_error = conn->tls_ ? bufferevent_get_openssl_error(conn->bev_) : 0;
  if ((what & BEV_EVENT_ERROR) && tls_error != 0) {
    // A failed handshake (a plain-text client on the TLS port, an old protocol version) or a
    // broken record: the latest OpenSSL reason names it; the rest are dropped.
    const char* text = ERR_reason_error_string(tls_error);
    reason = std::string("TLS error: ") + (text != nullptr ? text : "unknown");
    while (bufferevent_get_openssl_error(conn->bev_) != 0) {
    }
  } else if (what & BEV_EVENT_ERROR) {
    const int err = EVUTIL_SOCKET_ERROR();
    reason = std::string("connection error: ") + evutil_socket_error_to_string(err);
  } else if (what & BEV_EVENT_TIMEOUT) {
    reason = "timeout";
  }
  conn->shut(reason);
}

}  // namespace ampd
