// The three client wire formats and the limits that apply to what clients send.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ampd {

enum class WireFormat { Native, Xml, Json };

// The shape of native answers: the protocol reference's ("Action:" first, for clients that
// logged in with Type) or Asterisk's own ("Response:" first, no "Action:" line, for clients
// that logged in as they would to Asterisk). XML and JSON have one shape.
enum class NativeShape { Reference, Asterisk };

// Accepts "asterisk"/"native", "xml" and "json", case-insensitively.
std::optional<WireFormat> parse_wire_format(std::string_view name);
const char* wire_format_name(WireFormat format);

struct WireLimits {
  std::size_t max_message = 64 * 1024;  // bytes of one message, terminator excluded
  std::size_t max_headers = 128;        // as Asterisk's AST_MAX_MANHEADERS
  std::size_t max_line = 8 * 1024;      // one native line
  int max_xml_depth = 4;                // <command> plus a few levels of children
  int max_json_depth = 4;               // a valid message needs 2: the object and an array
};

}  // namespace ampd
