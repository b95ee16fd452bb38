#include "server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

#include "actions.h"
#include "events.h"

namespace sim {
namespace {

// Self-pipe: the signal handler only writes a byte; poll() wakes up on it.
int g_signal_pipe[2] = {-1, -1};

void on_signal(int) {
  const char c = 's';
  [[maybe_unused]] ssize_t r = write(g_signal_pipe[1], &c, 1);
}

bool set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

constexpr size_t kMaxInbox = 256;         // stop reading a client that floods actions
constexpr size_t kReadChunk = 64 * 1024;  // per session per loop iteration
constexpr size_t kWriteBudget = 4 << 20;  // per session per loop iteration
constexpr int kMaxAcceptsPerLoop = 64;
constexpr int kMaxActionsPerLoop = 64;

}  // namespace

Server::Server(const Options& opt, SimState& state) : opt_(opt), state_(state) {}

Server::~Server() {
  for (auto& [id, s] : sessions_)
    if (s->fd >= 0) close(s->fd);
  if (listen_fd_ >= 0) close(listen_fd_);
}

void Server::install_signal_handlers() {
  if (pipe(g_signal_pipe) == 0) {
    set_nonblocking(g_signal_pipe[0]);
    set_nonblocking(g_signal_pipe[1]);
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a vanished client must not kill the simulator
}

bool Server::start(std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(opt_.port);
  int rc = getaddrinfo(opt_.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    error = std::string("cannot resolve ") + opt_.host + ": " + gai_strerror(rc);
    return false;
  }
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0 && set_nonblocking(fd)) {
      listen_fd_ = fd;
      break;
    }
    error = std::string("cannot listen on ") + opt_.host + ":" + port + ": " + strerror(errno);
    close(fd);
  }
  freeaddrinfo(res);
  if (listen_fd_ < 0) return false;

  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  // First stdout line, flushed: tests started with --port 0 read the port from it.
  std::printf("LISTENING %u\n", static_cast<unsigned>(port_));
  std::fflush(stdout);
  return true;
}

// ---------------------------------------------------------------- output

void Server::append(Session& s, std::string_view bytes, bool is_event) {
  if (s.fd < 0 || s.dead) return;
  // While an action runs, its session's events wait so the response goes first
  // (Asterisk runs process_events() only between actions).
  std::string& buf = (is_event && s.in_action) ? s.held : s.out;
  buf.append(bytes);
  if (s.pending_out() + s.held.size() > opt_.max_output_bytes) {
    if (opt_.verbose)
      std::fprintf(stderr, "sim: dropping %s: output cap exceeded\n", s.peer.c_str());
    s.dead = true;  // a slow client must not grow memory without bound
  }
}

void Server::send(Session& s, const Message& m) {
  std::string bytes;
  m.serialize_to(bytes);
  append(s, bytes, false);
}

void Server::send_raw(Session& s, std::string_view bytes) { append(s, bytes, false); }

void Server::broadcast(const Message& ev) { broadcast_raw(event_class(ev), ev.serialize()); }

void Server::broadcast_raw(uint32_t event_class, std::string_view bytes) {
  for (auto& [id, s] : sessions_)
    if (s->authenticated && (s->event_mask & event_class)) append(*s, bytes, true);
}

// ---------------------------------------------------------------- timers

uint64_t Server::after(int ms, std::function<void()> fn) {
  const uint64_t id = next_timer_id_++;
  const auto when = Clock::now() + std::chrono::milliseconds(std::max(ms, 0));
  timers_[id] = Timer{when, std::move(fn)};
  timer_order_.emplace(when, id);
  return id;
}

void Server::cancel_timer(uint64_t id) { timers_.erase(id); }

void Server::run_timers() {
  const auto now = Clock::now();
  // Bounded: only timers due now; timers added by callbacks for "now" run next loop.
  std::vector<uint64_t> due;
  for (auto it = timer_order_.begin(); it != timer_order_.end() && it->first <= now;) {
    due.push_back(it->second);
    it = timer_order_.erase(it);
  }
  for (uint64_t id : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled
    auto fn = std::move(it->second.fn);
    timers_.erase(it);
    fn();
  }
}

// ---------------------------------------------------------------- sessions

Session* Server::session(uint64_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Server::finish_action(uint64_t session_id) {
  Session* s = session(session_id);
  if (!s) return;
  s->in_action = false;
  s->held_action = false;
  s->out += s->held;
  s->held.clear();
}

void Server::run_script(std::deque<RequestParser::Item> items) {
  auto s = std::make_unique<Session>();
  s->id = next_session_id_++;
  s->peer = "script";
  s->authenticated = true;
  s->username = "script";
  s->inbox = std::move(items);
  sessions_[s->id] = std::move(s);
}

void Server::accept_clients() {
  for (int i = 0; i < kMaxAcceptsPerLoop; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN or a transient error: try again next loop
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto s = std::make_unique<Session>();
    s->id = next_session_id_++;
    s->fd = fd;
    s->connected = std::time(nullptr);
    s->local_port = port_;
    char host[INET6_ADDRSTRLEN] = "?";
    uint16_t port = 0;
    if (ss.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
      port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
      port = ntohs(a->sin6_port);
    }
    s->peer = std::string(host) + "/" + std::to_string(port);
    if (opt_.verbose) std::fprintf(stderr, "sim: connect %s\n", s->peer.c_str());
    // The banner is one line with no blank line after it.
    s->out = "Asterisk Call Manager/" + opt_.ami_version + "\r\n";
    sessions_[s->id] = std::move(s);
  }
}

void Server::read_session(Session& s) {
  char buf[kReadChunk];
  ssize_t n = recv(s.fd, buf, sizeof buf, 0);
  if (n > 0) {
    s.parser.feed(std::string_view(buf, static_cast<size_t>(n)), s.inbox);
  } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    s.dead = true;
  }
}

void Server::process_inbox(Session& s) {
  // One action at a time per session: a held action blocks the rest of its inbox.
  for (int i = 0;
       i < kMaxActionsPerLoop && !s.in_action && !s.closing && !s.dead && !s.inbox.empty(); ++i) {
    RequestParser::Item item = std::move(s.inbox.front());
    s.inbox.pop_front();
    s.in_action = true;
    dispatch(*this, s, item);
    if (!s.held_action) finish_action(s.id);
  }
}

void Server::write_session(Session& s) {
  size_t budget = kWriteBudget;
  while (s.pending_out() > 0 && budget > 0) {
    const size_t chunk = std::min(s.pending_out(), budget);
    ssize_t n = ::send(s.fd, s.out.data() + s.out_off, chunk, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      s.dead = true;
      return;
    }
    s.out_off += static_cast<size_t>(n);
    budget -= static_cast<size_t>(n);
  }
  if (s.out_off == s.out.size()) {
    s.out.clear();
    s.out_off = 0;
  } else if (s.out_off > (1u << 20) && s.out_off > s.out.size() / 2) {
    s.out.erase(0, s.out_off);  // compact: keep memory proportional to what is pending
    s.out_off = 0;
  }
}

void Server::reap() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& s = *it->second;
    const bool internal_done = s.fd < 0 && s.inbox.empty() && !s.in_action;
    if (s.dead || (s.closing && s.pending_out() == 0) || internal_done) {
      if (opt_.verbose) std::fprintf(stderr, "sim: disconnect %s\n", s.peer.c_str());
      if (s.fd >= 0) close(s.fd);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

int Server::poll_timeout_ms() const {
  for (const auto& [id, s] : sessions_) {
    if (!s->in_action && !s->closing && !s->inbox.empty()) return 0;
    if (refill && s->authenticated && s->event_mask && s->fd >= 0 && !s->in_action &&
        s->pending_out() < kRefillLowWater)
      return 0;
  }
  int ms = 1000;
  if (!timer_order_.empty()) {
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(timer_order_.begin()->first -
                                                                   Clock::now());
    ms = static_cast<int>(std::clamp<long long>(d.count() + 1, 0, 1000));
  }
  return ms;
}

void Server::run() {
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;
  for (;;) {
    fds.clear();
    ids.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({g_signal_pipe[0], POLLIN, 0});
    for (auto& [id, s] : sessions_) {
      if (s->fd < 0) continue;
      short ev = 0;
      if (!s->closing && s->inbox.size() < kMaxInbox) ev |= POLLIN;
      if (s->pending_out() > 0) ev |= POLLOUT;
      fds.push_back({s->fd, ev, 0});
      ids.push_back(id);
    }
    int n = poll(fds.data(), fds.size(), poll_timeout_ms());
    if (n < 0 && errno != EINTR) {
      std::perror("sim: poll");
      return;
    }
    if (fds[1].revents & POLLIN) {
      if (opt_.verbose) std::fprintf(stderr, "sim: shutting down\n");
      return;  // SIGTERM/SIGINT: the destructor closes every socket
    }
    if (fds[0].revents & POLLIN) accept_clients();
    for (size_t i = 0; i < ids.size(); ++i) {
      const short re = fds[i + 2].revents;
      Session* s = session(ids[i]);
      if (!s || re == 0) continue;
      if (re & (POLLIN | POLLHUP | POLLERR)) read_session(*s);
    }
    run_timers();
    for (auto& [id, s] : sessions_) process_inbox(*s);
    if (refill) {
      for (auto& [id, s] : sessions_)
        if (s->authenticated && s->event_mask && s->fd >= 0 && !s->dead && !s->in_action &&
            s->pending_out() < kRefillLowWater)
          refill(*s);
    }
    for (auto& [id, s] : sessions_)
      if (s->fd >= 0 && !s->dead && s->pending_out() > 0) write_session(*s);
    reap();
  }
}

}  // namespace sim
