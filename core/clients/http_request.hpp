// One HTTP/1.1 request head (request line and headers), read incrementally and without I/O: the
// start of a WebSocket handshake or of a plain GET.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ampd {

struct HttpHeader {
  std::string name;   // as sent
  std::string value;  // leading and trailing whitespace trimmed
};

struct HttpRequest {
  std::string method;
  std::string target;               // path and query, as sent
  std::string version;              // "HTTP/1.1"
  std::vector<HttpHeader> headers;  // in order; repeated headers kept

  // The first value of a header (names are case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of a header, in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
};

class HttpRequestReader {
 public:
  static constexpr std::size_t kMaxHead = 8 * 1024;
  static constexpr std::size_t kMaxHeaders = 64;

  enum class State { Incomplete, Complete, Error };

  // Adds bytes and returns the state. Once Complete, further bytes join rest(); after an
  // Error they are dropped.
  State append(std::string_view bytes);
  State state() const { return state_; }
  const HttpRequest& request() const { return request_; }
  // Error: what was wrong, and the status to answer with (400, 431 or 505).
  const std::string& error() const { return error_; }
  int error_status() const { return error_status_; }
  // Bytes after the head (e.g. a client's first WebSocket frame).
  std::string_view rest() const;
  std::string take_rest();

 private:
  State fail(int status, std::string error);
  State parse(std::string_view head);

  State state_ = State::Incomplete;
  std::string buffer_;
  std::size_t scan_ = 0;        // next byte to look at for the end of the head
  std::size_t head_start_ = 0;  // first byte after any empty lines before the request line
  std::size_t line_start_ = 0;  // start of the line being scanned
  std::size_t rest_start_ = 0;  // Complete: first byte after the head
  HttpRequest request_;
  std::string error_;
  int error_status_ = 0;
};

}  // namespace ampd
