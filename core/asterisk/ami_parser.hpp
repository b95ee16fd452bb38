// Parses what Asterisk sends on a manager connection: the banner line, then messages.
// Both generations of Command output are normalised to repeated "Output" headers:
//   14+:     Response: Success / Message: Command output follows / Output: line ...
//   1.4-13:  Response: Follows / Privilege: Command / [ActionID] / raw text, which may hold
//            blank lines and colons, up to "--END COMMAND--".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wire/message.hpp"

namespace ampd {

class AmiParser {
 public:
  void append(std::string_view bytes) { buffer_.append(bytes); }
  // The banner ("Asterisk Call Manager/9.0.0"), once, before any message.
  std::optional<std::string> banner();
  // The next complete message, or nullopt when more input is needed.
  std::optional<Message> next();
  std::size_t buffered() const { return buffer_.size() - start_; }
  void reset();

 private:
  std::optional<Message> next_follows();
  void consume(std::size_t end);

  std::string buffer_;
  std::size_t start_ = 0;
  bool banner_done_ = false;
};

}  // namespace ampd
