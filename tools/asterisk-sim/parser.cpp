#include "parser.h"

namespace sim {

void RequestParser::feed(std::string_view bytes, std::deque<Item>& out) {
  for (char c : bytes) {
    if (c == '\n') {
      line_done(out);
      continue;
    }
    if (line_.size() >= kMaxLine) {
      line_too_long_ = true;  // keep consuming until the newline, then report
      continue;
    }
    line_ += c;
  }
}

void RequestParser::line_done(std::deque<Item>& out) {
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_too_long_) {
    // Asterisk drops the over-long line and reports it.
    current_.error = "Failed to parse message: line too long";
    line_too_long_ = false;
    line_.clear();
    return;
  }
  if (line_.empty()) {
    // Blank line: end of message. Blank lines between messages are ignored.
    if (!current_.msg.empty() || !current_.error.empty()) {
      if (too_many_) current_.error = "Too many lines in message or allocation failure";
      out.push_back(std::move(current_));
    }
    current_ = Item{};
    too_many_ = false;
    return;
  }
  auto colon = line_.find(':');
  if (colon != std::string::npos) {
    if (current_.msg.headers().size() >= kMaxHeaders) {
      too_many_ = true;
    } else {
      // astman_get_header skips blanks after the colon but keeps trailing ones.
      size_t v = colon + 1;
      while (v < line_.size() && (line_[v] == ' ' || line_[v] == '\t')) ++v;
      current_.msg.add(line_.substr(0, colon), line_.substr(v));
    }
  }
  line_.clear();
}

}  // namespace sim
