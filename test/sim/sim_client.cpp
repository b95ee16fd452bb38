#include "sim_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace simtest {

using Clock = std::chrono::steady_clock;

namespace {

int ms_left(Clock::time_point deadline) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return d < 0 ? 0 : static_cast<int>(d);
}

}  // namespace

SimProcess::SimProcess(std::vector<std::string> args) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<std::string> all = {SIM_BINARY, "--port", "0"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  // First stdout line: "LISTENING <port>".
  std::string line;
  const auto deadline = Clock::now() + kTimeout;
  while (line.find('\n') == std::string::npos) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, ms_left(deadline)) <= 0) break;
    char c[64];
    ssize_t n = read(out_fd_, c, sizeof c);
    if (n <= 0) break;
    line.append(c, static_cast<size_t>(n));
  }
  if (line.rfind("LISTENING ", 0) == 0) port_ = std::atoi(line.c_str() + 10);
}

int SimProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = Clock::now() + kTimeout;
  while (Clock::now() < deadline) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

SimProcess::~SimProcess() {
  stop();
  if (out_fd_ >= 0) close(out_fd_);
}

AmiClient::AmiClient(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

AmiClient::~AmiClient() {
  if (fd_ >= 0) close(fd_);
}

void AmiClient::send(const std::string& bytes) {
  size_t off = 0;
  const auto deadline = Clock::now() + kTimeout;
  while (fd_ >= 0 && off < bytes.size() && Clock::now() < deadline) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

bool AmiClient::fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, ms_left(deadline)) <= 0) return false;
  char tmp[65536];
  ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::string AmiClient::read_until(const std::string& marker, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto pos = buf_.find(marker);
    if (pos != std::string::npos) {
      std::string out = buf_.substr(0, pos + marker.size());
      buf_.erase(0, pos + marker.size());
      return out;
    }
    if (!fill(deadline)) return {};
  }
}

std::string AmiClient::read_line(std::chrono::milliseconds timeout) {
  return read_until("\r\n", timeout);
}

std::string AmiClient::read_message(std::chrono::milliseconds timeout) {
  return read_until("\r\n\r\n", timeout);
}

std::vector<std::string> AmiClient::read_until_event(const std::string& event, size_t max_messages,
                                                     std::chrono::milliseconds timeout) {
  std::vector<std::string> out;
  const auto deadline = Clock::now() + timeout;
  while (out.size() < max_messages) {
    std::string m = read_message(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now() + 1ms));
    if (m.empty()) break;
    out.push_back(m);
    if (header(m, "Event") == event || header(m, "Response") == event) break;
  }
  return out;
}

bool AmiClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    buf_.clear();
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

void AmiClient::login(bool events, bool modern) {
  read_line();  // banner
  send(msg({"Action: Login", "Username: admin", "Secret: amp111",
            std::string("Events: ") + (events ? "on" : "off")}));
  read_message();
  if (events && modern) read_message();  // FullyBooted (Asterisk 1.6.2+)
}

std::string msg(std::initializer_list<std::string> lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\r\n";
  return out + "\r\n";
}

std::string header(const std::string& message, const std::string& name) {
  const std::string key = name + ": ";
  size_t pos = 0;
  while (pos < message.size()) {
    size_t end = message.find("\r\n", pos);
    if (end == std::string::npos) end = message.size();
    if (message.compare(pos, key.size(), key) == 0)
      return message.substr(pos + key.size(), end - pos - key.size());
    pos = end + 2;
  }
  return {};
}

std::string mask(std::string message, std::initializer_list<std::string> names) {
  // Rebuilds the text instead of string::replace, which trips GCC 12's -Wrestrict (PR105329).
  for (const auto& name : names) {
    const std::string key = "\r\n" + name + ": ";
    std::string out;
    size_t from = 0;
    size_t pos = 0;
    while ((pos = message.find(key, from)) != std::string::npos) {
      const size_t v = pos + key.size();
      const size_t end = message.find("\r\n", v);
      if (end == std::string::npos) break;
      out.append(message, from, v - from).append("*");
      from = end;
    }
    out.append(message, from, std::string::npos);
    message = std::move(out);
  }
  return message;
}

}  // namespace simtest
