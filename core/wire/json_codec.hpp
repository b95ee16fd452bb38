// ampd's JSON format: one object per message. In, keys are header names and values strings,
// numbers, booleans, null or arrays of those (a repeated header). Out, one object on one line.
#pragma once

#include <string>
#include <string_view>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

// Parses one complete object (as InputDecoder frames it) into headers, in document order; an
// array becomes the header repeated once per element. Returns an error text, or empty on
// success; on error `out` keeps the headers read before it (e.g. ActionID).
std::string parse_json_object(std::string_view object, const WireLimits& limits, Message& out);

// Appends `"name":"value"` members, comma-separated, without braces. Headers are in message
// order; a name that repeats (case-insensitively) is one member whose value is an array of
// strings, at the position of its first occurrence. The Event header is named "event".
void append_json_members(const Message& message, std::string& out);

// Appends `{members}`.
void append_json_object(const Message& message, std::string& out);

// One message: its object on one line, then CRLF.
void render_json(const Message& message, std::string& out);

// Appends `"value"`, escaped; bytes that are not valid UTF-8 become U+FFFD, so the output is
// always valid UTF-8 whatever Asterisk sent (browsers drop a WebSocket on invalid text).
void append_json_string(std::string_view value, std::string& out);

}  // namespace ampd
