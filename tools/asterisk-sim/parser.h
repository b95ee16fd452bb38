// Incremental parser for client -> server AMI requests.
// Mirrors Asterisk's get_input()/do_message(): CRLF or bare LF line ends, a blank
// line ends a message, lines are capped at 1024 bytes and messages at 128 headers.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "message.h"

namespace sim {

class RequestParser {
 public:
  static constexpr size_t kMaxLine = 1024;    // Asterisk's input buffer is 1025 bytes
  static constexpr size_t kMaxHeaders = 128;  // AST_MAX_MANHEADERS

  struct Item {
    Message msg;
    std::string error;  // non-empty: the message was malformed; answer with this error
  };

  // Feeds raw bytes; complete messages are appended to `out`.
  void feed(std::string_view bytes, std::deque<Item>& out);

 private:
  void line_done(std::deque<Item>& out);

  std::string line_;
  bool line_too_long_ = false;
  Item current_;
  bool too_many_ = false;
};

}  // namespace sim
