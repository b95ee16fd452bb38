#include "net/plain_connection.hpp"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "net/socket_address.hpp"

namespace ampd {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PlainConnection::PlainConnection(Reactor& reactor, bufferevent* bev, std::string peer,
                                 bool connecting)
    : Connection(reactor, bev, std::move(peer)), connecting_(connecting) {
  if (bev_ == nullptr) throw std::runtime_error("libevent: bufferevent_socket_new failed");
  // Writing is ours (flush) until the socket is full; the bufferevent writes nothing. A new
  // bufferevent starts with writing enabled: left so, each write would add and then drop write
  // interest (two epoll_ctl calls).
  bufferevent_disable(bev_, EV_WRITE);
  if (const int fd = bufferevent_getfd(bev_); fd >= 0 && !start_reading(fd)) {
    throw std::runtime_error("libevent: cannot watch a socket for reading");
  }
}

PlainConnection::~PlainConnection() {
  if (flush_queued_) reactor_->cancel_flush(this);
  before_shut();  // our events go before the base class closes the socket
}

bool PlainConnection::start_reading(int fd) {
  if (reader_ != nullptr) return true;
  reader_ =
      event_new(reactor_->base(), fd, EV_READ | EV_PERSIST, &PlainConnection::on_readable, this);
  if (reader_ != nullptr && (read_paused_ || event_add(reader_, nullptr) == 0)) return true;
  stop_reading();
  return false;
}

void PlainConnection::set_reading(bool on) {
  if (reader_ != nullptr && (on ? event_add(reader_, nullptr) : event_del(reader_)) != 0) {
    shut("cannot watch the socket for reading");
  }
}

void PlainConnection::stop_reading() {
  if (reader_ == nullptr) return;
  event_free(reader_);
  reader_ = nullptr;
}

void PlainConnection::on_readable(int fd, short, void* self) {
  auto* conn = static_cast<PlainConnection*>(self);
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

void PlainConnection::write(std::string_view bytes) {
  if (bev_ == nullptr || bytes.empty()) return;
  output_.append(bytes);
  output_added();
}

void PlainConnection::output_added() {
  if (writing_ || flush_queued_ || closing_) return;
  flush_queued_ = true;
  reactor_->schedule_flush(this);
}

void PlainConnection::want_write(bool on) {
  if (writing_ == on || bev_ == nullptr) return;
  writing_ = on;
  if (connecting_) return;  // the connect's completion starts the writing
  const int fd = bufferevent_getfd(bev_);
  if (writer_ == nullptr && on) {
    writer_ =
        event_new(reactor_->base(), fd, EV_WRITE | EV_PERSIST, &PlainConnection::on_writable, this);
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
void PlainConnection::on_writable(int fd, short, void* self) {
  auto* conn = static_cast<PlainConnection*>(self);
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

void PlainConnection::flush() {
  if (bev_ == nullptr || writing_ || closing_ || connecting_) return;
  // An error is left to the writable report (epoll reports a broken socket as writable):
  // flush() runs for many connections at once and must not close one under them.
  const auto before = output_.size();
  const auto result = output_.send_to(bufferevent_getfd(bev_), SIZE_MAX);
  count_sent(before);
  check_drained();
  if (result != OutputQueue::Sent::All) want_write(true);
}

void PlainConnection::count_sent(std::size_t before) {
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

bool PlainConnection::reading_fast() const {
  if (bev_ == nullptr) return false;
  const auto age = now_ms() - window_start_ms_;
  if (age >= 200) return false;
  return sent_in_window_ + (age < 100 ? sent_in_last_window_ : 0) >= kFastReader;
}

void PlainConnection::write_shared(const SharedBytes& shared) {
  if (bev_ == nullptr || !shared || shared.str().empty()) return;
  output_.append_shared(shared);
  // Events go out when the socket is writable: under fan-out that batches all the events read
  // from Asterisk meanwhile into one write per client (measured: writing each batch at once
  // cost a third of the 1,000-client rate), and a client that does not read meets its cap at
  // the usual point.
  if (!closing_) want_write(true);
}

std::size_t PlainConnection::pending_output() const { return bev_ == nullptr ? 0 : output_.size(); }

void PlainConnection::close_when_flushed() {
  stop_reading();
  if (pending_output() == 0) return shut("closed");
  want_write(true);  // drained by on_writable
}

void PlainConnection::before_shut() {
  stop_reading();
  if (writer_ != nullptr) {
    event_free(writer_);
    writer_ = nullptr;
  }
  output_.clear();
}

void PlainConnection::handle_event(short what) {
  if (!(what & BEV_EVENT_CONNECTED)) return shut(closed_reason(what));
  // bufferevent_socket_connect turned write interest on to see the connect complete; the
  // writing is ours from now on, starting with what was written while connecting.
  connecting_ = false;
  writing_ = false;
  const int fd = bufferevent_getfd(bev_);
  set_nodelay(fd);
  bufferevent_disable(bev_, EV_WRITE);
  if (!start_reading(fd)) return shut("cannot watch the socket for reading");
  flush();  // what was written while connecting
  if (handler_ != nullptr) handler_->on_connected();
}

}  // namespace ampd
