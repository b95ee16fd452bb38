// Asterisk native format: "Key: Value" lines, CRLF (bare LF accepted), blank line ends a message.
#pragma once

#include <string>
#include <string_view>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

// Parses one message's lines (terminating blank line excluded). Returns an error text, or an
// empty string on success.
std::string parse_native_block(std::string_view block, const WireLimits& limits, Message& out);

// Appends the message followed by the blank line that ends it.
void render_native(const Message& message, std::string& out);
// The same, in Asterisk's own shape for an answer: an answer that starts with "Action:" (the
// protocol reference's shape) loses that line, so that "Response:" comes first.
void render_native_asterisk(const Message& message, std::string& out);

}  // namespace ampd
