#include "client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace bench {

namespace {

constexpr std::size_t kReaderBuffer = 256 * 1024;  // few syscalls for the event readers
constexpr std::size_t kSmallBuffer = 16 * 1024;    // 10,000 idle clients stay cheap
constexpr std::size_t kMaxSamples = 8;

std::int64_t clock_us(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

std::string excerpt(std::string_view message) {
  std::string out(message.substr(0, 160));
  for (auto& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

void Measure::error(const std::string& text) {
  ++errors;
  if (samples.size() < kMaxSamples) samples.push_back(text);
}

Client::Client(Loop& loop, Measure& measure, const ClientSetup& setup, int index)
    : loop_(loop), measure_(measure), setup_(setup), index_(index) {}

Client::~Client() { close(); }

void Client::close() {
  if (fd_ >= 0) {
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  if (state_ != State::Failed) state_ = State::Closed;
}

void Client::fail(const std::string& why) {
  if (state_ == State::Failed || state_ == State::Closed) return;
  ++measure_.failed;
  if (measure_.samples.size() < kMaxSamples) {
    measure_.samples.push_back("client " + std::to_string(index_) + ": " + why);
  }
  close();
  state_ = State::Failed;
}

void Client::start() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return fail(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(setup_.port));
  in_.resize(setup_.role == Role::Reader ? kReaderBuffer : kSmallBuffer);
  state_ = State::Connecting;
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    return fail(std::string("connect: ") + std::strerror(errno));
  }
  interest_ = EPOLLOUT;
  loop_.add(fd_, interest_, this);
}

void Client::want(std::uint32_t events) {
  if (fd_ >= 0 && events != interest_) {
    interest_ = events;
    loop_.modify(fd_, events, this);
  }
}

void Client::on_io(std::uint32_t events) {
  if (fd_ < 0) return;
  if (state_ == State::Connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(std::string("connect: ") + std::strerror(err));
    state_ = State::Banner;
    want(EPOLLIN);
    return;
  }
  if (events & EPOLLOUT) flush();
  if (fd_ >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) read_input();
}

void Client::send(std::string_view bytes) {
  out_.append(bytes);
  flush();
}

void Client::flush() {
  while (!out_.empty() && fd_ >= 0) {
    const auto n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return fail(std::string("send: ") + std::strerror(errno));
    }
    out_.erase(0, static_cast<std::size_t>(n));
  }
  if (fd_ < 0 || state_ == State::Failed) return;
  const bool stalled = state_ == State::Ready && setup_.role == Role::Stalled;
  const std::uint32_t reading = stalled ? 0u : static_cast<std::uint32_t>(EPOLLIN);
  want(reading | (out_.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT)));
}

void Client::read_input() {
  if (in_begin_ > 0 && in_end_ == in_.size()) {
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  if (in_end_ == in_.size()) in_.resize(in_.size() * 2);  // one message bigger than the buffer
  const auto n = ::recv(fd_, in_.data() + in_end_, in_.size() - in_end_, 0);
  if (n == 0) return fail("connection closed by the server");
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return fail(std::string("recv: ") + std::strerror(errno));
  }
  in_end_ += static_cast<std::size_t>(n);
  if (setup_.role == Role::Reader) measure_.wall_us = clock_us(CLOCK_REALTIME);
  while (fd_ >= 0 && in_begin_ < in_end_) {
    const std::string_view pending(in_.data() + in_begin_, in_end_ - in_begin_);
    if (state_ == State::Banner) {
      // The banner is one line, not a blank-line-terminated message.
      const auto eol = pending.find('\n');
      if (eol == std::string_view::npos) break;
      if (!pending.starts_with("Asterisk Call Manager/")) {
        return fail("unexpected banner: " + excerpt(pending.substr(0, eol)));
      }
      in_begin_ += eol + 1;
      state_ = State::LoggingIn;
      const bool events = setup_.role == Role::Idle;
      send(setup_.via_ampd ? ampd_login(setup_.wire, events) : direct_login(events));
      continue;
    }
    const auto len = frame_length(setup_.wire, pending);
    if (len == 0) break;
    in_begin_ += len;
    on_message(pending.substr(0, len));
  }
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
}

void Client::on_message(std::string_view message) {
  if (is_event(setup_.wire, message)) return on_event(message);
  if (message.find_first_not_of("\r\n") == std::string_view::npos) return;  // blank line
  if (state_ == State::LoggingIn) return on_login_answer(message);
  if (setup_.role == Role::RoundTrip) return on_answer(message);
  if (events_answer_pending_) {
    events_answer_pending_ = false;
    std::string_view response;
    const auto key = setup_.wire == Wire::Xml ? "response" : "Response";
    if (find_field(setup_.wire, message, key, response) && response == "Success") return;
  }
  measure_.error("unexpected message: " + excerpt(message));
}

void Client::enable_events() {
  if (state_ != State::Ready) return;
  events_answer_pending_ = true;
  send(events_on_request(setup_.wire));
}

void Client::on_login_answer(std::string_view message) {
  std::string_view response;
  const auto key = setup_.wire == Wire::Xml ? "response" : "Response";
  if (!find_field(setup_.wire, message, key, response) || response != "Success") {
    return fail("login refused: " + excerpt(message));
  }
  state_ = State::Ready;
  ++measure_.logged_in;
  if (setup_.role == Role::Stalled) want(0);
  if (setup_.role == Role::RoundTrip) send_action();
}

void Client::on_event(std::string_view message) {
  if (setup_.role == Role::RoundTrip) return;
  const bool xml = setup_.wire == Wire::Xml;
  std::string_view value;
  std::uint64_t sequence = 0;
  if (!find_field(setup_.wire, message, xml ? "sequencenumber" : "SequenceNumber", value) ||
      !parse_u64(value, sequence)) {
    // Not a load event: only ampd's notice of dropped events matters.
    std::string_view name, count;
    std::uint64_t n = 0;
    if (find_field(setup_.wire, message, xml ? "name" : "Event", name) && name == "EventsDropped" &&
        find_field(setup_.wire, message, xml ? "count" : "Count", count) && parse_u64(count, n)) {
      announced_drops_ += n;
    }
    return;
  }
  if (measure_.measuring) {
    ++window_events;
    if (find_field(setup_.wire, message, xml ? "timestamp" : "Timestamp", value)) {
      const auto sent = parse_timestamp_us(value);
      if (sent > 0) measure_.latency.add(measure_.wall_us - sent);
    }
  }
  if (seen_sequence_) {
    const auto expected = last_sequence_ + 1;
    if (sequence < expected) {
      measure_.error("client " + std::to_string(index_) + ": event " + std::to_string(sequence) +
                     " after " + std::to_string(last_sequence_) + " (reordered or repeated)");
    } else if (sequence > expected) {
      const auto gap = sequence - expected;
      if (gap > announced_drops_) {
        measure_.error("client " + std::to_string(index_) + ": " + std::to_string(gap) +
                       " events missing before " + std::to_string(sequence) + ", " +
                       std::to_string(announced_drops_) + " announced by EventsDropped");
      }
      dropped += gap;
    }
  }
  announced_drops_ = 0;
  seen_sequence_ = true;
  last_sequence_ = sequence;
}

void Client::on_answer(std::string_view message) {
  const bool xml = setup_.wire == Wire::Xml;
  std::string_view id, response;
  const bool has_id = find_field(setup_.wire, message, "ActionID", id) ||
                      (xml && find_field(setup_.wire, message, "actionid", id));
  if (!has_id || id != expected_id_) {
    measure_.error("client " + std::to_string(index_) + ": expected ActionID " + expected_id_ +
                   ", got " + (has_id ? std::string(id) : "none") + ": " + excerpt(message));
  } else if (!find_field(setup_.wire, message, xml ? "response" : "Response", response) ||
             response != "Success") {
    measure_.error("client " + std::to_string(index_) + ": error answer: " + excerpt(message));
  } else if (measure_.measuring) {
    ++window_actions;
    measure_.latency.add(clock_us(CLOCK_MONOTONIC) - sent_at_us_);
  }
  send_action();
}

void Client::send_action() {
  expected_id_ = "c" + std::to_string(index_) + "-" + std::to_string(++actions_sent_);
  sent_at_us_ = clock_us(CLOCK_MONOTONIC);
  send(action_request(setup_.wire, setup_.action, expected_id_));
}

}  // namespace bench
