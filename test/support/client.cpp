#include "client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <tinyxml2.h>
#include <unistd.h>

#include <stdexcept>

namespace ampd::test {

Client::Client(int port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
}

Client::~Client() { close(fd_); }

void Client::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

bool Client::fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0 || eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  const auto n = recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string Client::read_until(const std::string& terminator) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (true) {
    const auto pos = buffer_.find(terminator);
    if (pos != std::string::npos) {
      auto out = buffer_.substr(0, pos + terminator.size());
      buffer_.erase(0, pos + terminator.size());
      return out;
    }
    if (!fill(deadline)) return {};
  }
}

std::string Client::read_bytes(std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (buffer_.size() < count) {
    if (!fill(deadline)) return {};
  }
  auto out = buffer_.substr(0, count);
  buffer_.erase(0, count);
  return out;
}

bool Client::closed_by_peer() {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (!eof_ && std::chrono::steady_clock::now() < deadline) fill(deadline);
  return eof_;
}

std::string Client::drain(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (fill(deadline)) {
  }
  std::string out;
  out.swap(buffer_);
  return out;
}

void Client::close_write() { shutdown(fd_, SHUT_WR); }

}  // namespace ampd::test

namespace ampd::test {

namespace {

// Written from RFC 3629 apart from ampd's own code: shortest forms only, no surrogates, at most
// U+10FFFF.
bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return false;
    unsigned long cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 2) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace

std::string Client::read_xml() {
  auto line = read_line();
  if (line.empty()) return line;
  EXPECT_TRUE(valid_utf8(line)) << "XML that is not UTF-8: " << line;
  tinyxml2::XMLDocument doc;
  const auto body = line.substr(0, line.find_last_not_of("\r\n") + 1);
  EXPECT_EQ(doc.Parse(body.data(), body.size()), tinyxml2::XML_SUCCESS)
      << doc.ErrorStr() << ": " << line;
  return line;
}

std::string Client::read_xml_with(const std::string& needle, int max_lines) {
  for (int i = 0; i < max_lines; ++i) {
    auto line = read_xml();
    if (line.empty()) return line;
    if (line.find(needle) != std::string::npos) return line;
  }
  return {};
}

}  // namespace ampd::test
