#include "asterisk/ami_parser.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace ampd {

namespace {

constexpr std::string_view kEndCommand = "--END COMMAND--";

// Finds the end of the message starting at `from`: the index of the terminating blank line's
// first byte and the index just past it.
bool find_message_end(const std::string& buf, std::size_t from, std::size_t& end,
                      std::size_t& next) {
  std::size_t line_start = from;
  for (std::size_t i = from; i < buf.size(); ++i) {
    if (buf[i] != '\n') continue;
    const auto len = i - line_start;
    if (len == 0 || (len == 1 && buf[line_start] == '\r')) {
      end = line_start;
      next = i + 1;
      return true;
    }
    line_start = i + 1;
  }
  return false;
}

std::string_view strip_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void add_header_line(std::string_view line, Message& out) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    // Asterisk sometimes sends bare text lines (old CLI output); keep them as output.
    if (!trim(line).empty()) out.add("Output", line);
    return;
  }
  auto value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  out.add(line.substr(0, colon), value);
}

}  // namespace

void AmiParser::reset() {
  buffer_.clear();
  start_ = 0;
  banner_done_ = false;
}

void AmiParser::consume(std::size_t next) {
  start_ = next;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 65536 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
}

std::optional<std::string> AmiParser::banner() {
  if (banner_done_) return std::nullopt;
  const auto nl = buffer_.find('\n', start_);
  if (nl == std::string::npos) return std::nullopt;
  std::string line(strip_cr(std::string_view(buffer_).substr(start_, nl - start_)));
  banner_done_ = true;
  consume(nl + 1);
  return line;
}

std::optional<Message> AmiParser::next() {
  if (!banner_done_) return std::nullopt;
  // Skip stray blank lines between messages.
  while (start_ < buffer_.size() && (buffer_[start_] == '\r' || buffer_[start_] == '\n')) {
    ++start_;
  }
  static constexpr std::string_view kFollows = "Response: Follows";
  if (buffer_.size() - start_ >= kFollows.size() &&
      iequals(std::string_view(buffer_).substr(start_, kFollows.size()), kFollows)) {
    return next_follows();
  }
  std::size_t end = 0, next_pos = 0;
  if (!find_message_end(buffer_, start_, end, next_pos)) return std::nullopt;
  Message m;
  std::string_view block(buffer_.data() + start_, end - start_);
  m.reserve(static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n')) + 1,
            block.size());
  while (!block.empty()) {
    const auto nl = block.find('\n');
    add_header_line(strip_cr(block.substr(0, nl)), m);
    block.remove_prefix(nl == std::string_view::npos ? block.size() : nl + 1);
  }
  consume(next_pos);
  return m;
}

std::optional<Message> AmiParser::next_follows() {
  const auto marker = buffer_.find(kEndCommand, start_);
  if (marker == std::string::npos) return std::nullopt;
  // The message ends at the blank line after the marker.
  std::size_t end = 0, next_pos = 0;
  if (!find_message_end(buffer_, marker, end, next_pos)) return std::nullopt;

  Message m;
  std::string_view body(buffer_.data() + start_, marker - start_);
  bool in_headers = true;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    const auto line = strip_cr(body.substr(0, nl));
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    // Only the first few lines are headers; the raw output may itself contain "x: y".
    if (in_headers) {
      const auto colon = line.find(':');
      const auto name =
          colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
      if (iequals(name, "Response") || iequals(name, "Privilege") || iequals(name, "ActionID")) {
        add_header_line(line, m);
        continue;
      }
      in_headers = false;
      m.add("Message", "Command output follows");
    }
    // A last line without newline sits right before the marker; keep it.
    if (!line.empty() || !body.empty()) m.add("Output", line);
  }
  if (in_headers) m.add("Message", "Command output follows");
  consume(next_pos);
  return m;
}

}  // namespace ampd
