#include "clients/http_request.hpp"

#include <cstring>

#include "base/text.hpp"

namespace ampd {

namespace {

// RFC 9110 token characters (method and header names).
bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= '0' && u <= '9') return true;
  if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The next line of `head` without its "\n" or "\r\n"; advances `head`.
std::string_view next_line(std::string_view& head) {
  const auto end = head.find('\n');
  auto line = head.substr(0, end);
  head.remove_prefix(end == std::string_view::npos ? head.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> HttpRequest::header_values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (iequals(h.name, name)) out.emplace_back(h.value);
  }
  return out;
}

HttpRequestReader::State HttpRequestReader::fail(int status, std::string error) {
  error_status_ = status;
  error_ = std::move(error);
  return state_ = State::Error;
}

HttpRequestReader::State HttpRequestReader::append(std::string_view bytes) {
  if (state_ == State::Error) return state_;
  buffer_.append(bytes);
  if (state_ == State::Complete) return state_;
  // Look for the blank line that ends the head, resuming where the last call stopped.
  while (scan_ < buffer_.size() && scan_ <= kMaxHead) {
    if (buffer_[scan_++] != '\n') continue;
    const auto line_len = scan_ - 1 - line_start_;
    if (line_len == 0 || (line_len == 1 && buffer_[line_start_] == '\r')) {
      if (line_start_ == head_start_) {
        // Empty lines before the request line are skipped (RFC 9112 section 2.2).
        head_start_ = line_start_ = scan_;
        continue;
      }
      rest_start_ = scan_;
      if (rest_start_ > kMaxHead) break;
      return parse(std::string_view(buffer_).substr(head_start_, line_start_ - head_start_));
    }
    line_start_ = scan_;
  }
  if (scan_ > kMaxHead) {
    return fail(431, "request head too large (limit " + std::to_string(kMaxHead) + " bytes)");
  }
  return state_;
}

HttpRequestReader::State HttpRequestReader::parse(std::string_view head) {
  const auto request_line = next_line(head);
  const auto sp1 = request_line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "bad request line");
  }
  const auto method = request_line.substr(0, sp1);
  const auto target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = request_line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || has_control(target) ||
      target.find('\t') != target.npos) {
    return fail(400, "bad request line");
  }
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' ||
      version[7] > '9') {
    return fail(505, "unsupported HTTP version");
  }
  request_.method = method;
  request_.target = target;
  request_.version = version;

  while (!head.empty()) {
    const auto line = next_line(head);
    if (line.front() == ' ' || line.front() == '\t') {
      return fail(400, "folded header line (obs-fold) not allowed");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400, "header line without a colon");
    const auto name = line.substr(0, colon);
    const auto value = trim_ows(line.substr(colon + 1));
    if (!is_token(name)) return fail(400, "bad header name");
    if (has_control(value)) return fail(400, "control character in a header value");
    if (request_.headers.size() == kMaxHeaders) {
      return fail(431, "too many headers (limit " + std::to_string(kMaxHeaders) + ")");
    }
    request_.headers.push_back({std::string(name), std::string(value)});
  }
  return state_ = State::Complete;
}

std::string_view HttpRequestReader::rest() const {
  if (state_ != State::Complete) return {};
  return std::string_view(buffer_).substr(rest_start_);
}

std::string HttpRequestReader::take_rest() {
  std::string out(rest());
  if (state_ == State::Complete) buffer_.resize(rest_start_);
  return out;
}

}  // namespace ampd
