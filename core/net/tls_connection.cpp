#include "net/tls_connection.hpp"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <stdexcept>

#include "net/tls_context.hpp"

namespace ampd {

namespace {

// With BEV_OPT_CLOSE_ON_FREE the bufferevent owns the SSL and the socket, also when its
// creation fails after allocation.
bufferevent* accepting_bufferevent(Reactor& reactor, int fd, const TlsContext& tls) {
  SSL* ssl = SSL_new(tls.native());
  if (ssl == nullptr) {
    ::close(fd);
    throw std::runtime_error("openssl: SSL_new failed");
  }
  auto* bev = bufferevent_openssl_socket_new(reactor.base(), fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  if (bev == nullptr) throw std::runtime_error("libevent: bufferevent_openssl_socket_new failed");
  return bev;
}

}  // namespace

TlsConnection::TlsConnection(Reactor& reactor, int fd, std::string peer, const TlsContext& tls)
    : Connection(reactor, accepting_bufferevent(reactor, fd, tls), std::move(peer)) {
  // A client that just closes its socket, without a TLS close_notify, has simply gone: the same
  // "closed by peer" as on a plain connection rather than an error.
  bufferevent_openssl_set_allow_dirty_shutdown(bev_, 1);
  bufferevent_setcb(bev_, &TlsConnection::on_read, &TlsConnection::on_write, &Connection::on_event,
                    this);
  // The bufferevent encrypts and writes all the output, as the socket takes it.
  bufferevent_enable(bev_, EV_READ | EV_WRITE);
}

void TlsConnection::write(std::string_view bytes) {
  if (bev_ == nullptr || bytes.empty()) return;
  bufferevent_write(bev_, bytes.data(), bytes.size());
}

void TlsConnection::write_shared(const SharedBytes& shared) {
  if (bev_ == nullptr || !shared || shared.str().empty()) return;
  // The output buffer holds a reference to the bytes until they are sent: the OpenSSL
  // bufferevent encrypts straight from the output buffer (evbuffer_peek, SSL_write,
  // evbuffer_drain), so referenced bytes stay where they are until SSL_write has taken them,
  // and a retried SSL_write sees the same pointer.
  shared.retain();
  evbuffer_add_reference(
      bufferevent_get_output(bev_), shared.str().data(), shared.str().size(),
      [](const void*, size_t, void* block) {
        SharedBytes::release(static_cast<SharedBytes::Block*>(block));
      },
      shared.block_);
}

std::size_t TlsConnection::pending_output() const {
  return bev_ == nullptr ? 0 : evbuffer_get_length(bufferevent_get_output(bev_));
}

void TlsConnection::set_reading(bool on) {
  on ? bufferevent_enable(bev_, EV_READ) : bufferevent_disable(bev_, EV_READ);
}

void TlsConnection::set_drain_mark(std::size_t low_water) {
  // The bufferevent calls on_write when the output falls to its write low-water mark.
  if (bev_ != nullptr) bufferevent_setwatermark(bev_, EV_WRITE, low_water, 0);
}

void TlsConnection::close_when_flushed() {
  // Nothing queued can reach a peer that never finished its handshake (a silent or plain-text
  // client on the TLS port at its login timeout): close now rather than wait.
  if (!SSL_is_init_finished(bufferevent_openssl_get_ssl(bev_)) || pending_output() == 0) {
    return shut("closed");
  }
  // on_write closes once the bufferevent has sent the rest.
}

void TlsConnection::before_shut() {
  // Say goodbye in TLS terms (close_notify) when the session is up; one non-blocking try.
  SSL* ssl = bufferevent_openssl_get_ssl(bev_);
  if (ssl != nullptr && SSL_is_init_finished(ssl) &&
      (SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) == 0) {
    SSL_shutdown(ssl);
  }
  ERR_clear_error();
}

void TlsConnection::on_read(bufferevent* bev, void* self) {
  auto* conn = static_cast<TlsConnection*>(self);
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

void TlsConnection::on_write(bufferevent*, void* self) {
  auto* conn = static_cast<TlsConnection*>(self);
  // A write callback left over from earlier output must not cut off what was queued since.
  if (conn->closing_ && conn->pending_output() == 0) return conn->shut("closed");
  conn->check_drained();
}

void TlsConnection::handle_event(short what) {
  // The finished handshake is reported as a connect.
  if (what & BEV_EVENT_CONNECTED) {
    if (handler_ != nullptr) handler_->on_connected();
    return;
  }
  const unsigned long tls_error = bufferevent_get_openssl_error(bev_);
  if (!(what & BEV_EVENT_ERROR) || tls_error == 0) return shut(closed_reason(what));
  // A failed handshake (a plain-text client on the TLS port, an old protocol version) or a
  // broken record: the latest OpenSSL reason names it; the rest are dropped.
  const char* text = ERR_reason_error_string(tls_error);
  while (bufferevent_get_openssl_error(bev_) != 0) {
  }
  shut(std::string("TLS error: ") + (text != nullptr ? text : "unknown"));
}

}  // namespace ampd
