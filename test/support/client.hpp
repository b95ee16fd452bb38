// A loopback TCP client for integration tests; every read has a deadline.
#pragma once

#include <chrono>
#include <string>

namespace ampd::test {

class Client {
 public:
  Client(int port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(const std::string& bytes);
  // Reads until `terminator` has arrived; returns everything up to and including it and keeps
  // the rest buffered. Returns "" on timeout or close.
  std::string read_until(const std::string& terminator);
  // One native message (through the blank line) or one XML element line.
  std::string read_native() { return read_until("\r\n\r\n"); }
  std::string read_line() { return read_until("\r\n"); }
  // One XML element line, checked as a strict XML client would check it: well-formed (a real
  // parser) and valid UTF-8. A line that is not is a test failure; it is returned all the same.
  std::string read_xml();
  // XML lines until one contains `needle` (each checked as read_xml does); "" if none in time.
  std::string read_xml_with(const std::string& needle, int max_lines = 100);
  // Exactly `count` bytes; "" on timeout or close.
  std::string read_bytes(std::size_t count);
  // True when the peer closed the connection within the timeout (buffered bytes are dropped).
  bool closed_by_peer();
  // Reads whatever arrives within `wait`.
  std::string drain(std::chrono::milliseconds wait);
  void close_write();
  // The socket, for tests that drive it themselves (from another thread too).
  int native_handle() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace ampd::test
