#include "net/connection.hpp"

#include <event2/bufferevent.h>
#include <event2/event.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "net/plain_connection.hpp"
#include "net/socket_address.hpp"
#include "net/tls_connection.hpp"

namespace ampd {

std::unique_ptr<Connection> Connection::accept(Reactor& reactor, int fd, std::string peer) {
  auto* bev =
      bufferevent_socket_new(reactor.base(), fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  auto conn = std::make_unique<PlainConnection>(reactor, bev, std::move(peer), false);
  set_nodelay(fd);
  return conn;
}

std::unique_ptr<Connection> Connection::accept_tls(Reactor& reactor, int fd, std::string peer,
                                                   const TlsContext& tls) {
  auto conn = std::make_unique<TlsConnection>(reactor, fd, std::move(peer), tls);
  set_nodelay(fd);
  return conn;
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
  auto conn = std::make_unique<PlainConnection>(reactor, bev, address, true);
  if (bufferevent_socket_connect(bev, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    error = "connect to " + address + " failed: " + std::strerror(errno);
    return nullptr;
  }
  return conn;
}

Connection::Connection(Reactor& reactor, bufferevent* bev, std::string peer)
    : reactor_(&reactor), bev_(bev), peer_(std::move(peer)) {
  if (bev_ != nullptr) bufferevent_setcb(bev_, nullptr, nullptr, &Connection::on_event, this);
}

Connection::~Connection() {
  if (drained_ != nullptr) event_free(drained_);
  if (bev_ != nullptr) bufferevent_free(bev_);
}

void Connection::pause_reading(bool paused) {
  if (paused == read_paused_ || bev_ == nullptr || closing_) return;
  read_paused_ = paused;
  set_reading(!paused);
}

void Connection::notify_when_drained(std::size_t low_water) {
  if (bev_ == nullptr) return;
  if (drained_ == nullptr) {
    drained_ = event_new(reactor_->base(), -1, 0, &Connection::on_drain_due, this);
    if (drained_ == nullptr) return shut("cannot watch the output drain");
  }
  drain_low_water_ = low_water;
  drain_armed_ = true;
  set_drain_mark(low_water);
  check_drained();
}

void Connection::check_drained() {
  if (!drain_armed_ || bev_ == nullptr || pending_output() > drain_low_water_) return;
  drain_armed_ = false;
  set_drain_mark(0);
  // Through an event of its own: flush() runs for many connections at once and calls no
  // handler, and the handler may write or close from on_drained().
  event_active(drained_, EV_WRITE, 0);
}

void Connection::on_drain_due(int, short, void* self) {
  auto* conn = static_cast<Connection*>(self);
  if (conn->bev_ != nullptr && conn->handler_ != nullptr) conn->handler_->on_drained();
}

void Connection::close_after_flush() {
  if (bev_ == nullptr || closing_) return;
  closing_ = true;
  drain_armed_ = false;  // nothing is read any more
  set_drain_mark(0);     // and TLS must report the output empty
  bufferevent_disable(bev_, EV_READ);
  close_when_flushed();
}

void Connection::close() {
  handler_ = nullptr;
  shut("closed");
}

void Connection::shut(const std::string& reason) {
  if (bev_ == nullptr) return;
  before_shut();  // before the bufferevent closes the socket
  bufferevent_free(bev_);
  bev_ = nullptr;
  if (handler_ != nullptr) handler_->on_closed(reason);
}

std::string Connection::closed_reason(short what) {
  if (what & BEV_EVENT_ERROR) {
    const int err = EVUTIL_SOCKET_ERROR();
    return std::string("connection error: ") + evutil_socket_error_to_string(err);
  }
  if (what & BEV_EVENT_TIMEOUT) return "timeout";
  return "connection closed by peer";
}

void Connection::on_event(bufferevent*, short what, void* self) {
  static_cast<Connection*>(self)->handle_event(what);
}

}  // namespace ampd
