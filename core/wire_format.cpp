#include "wire_format.hpp"

#include "text.hpp"

namespace ampd {

std::optional<WireFormat> parse_wire_format(std::string_view name) {
  if (iequals(name, "asterisk") || iequals(name, "native")) return WireFormat::Native;
  if (iequals(name, "xml")) return WireFormat::Xml;
  return std::nullopt;
}

const char* wire_format_name(WireFormat format) {
  return format == WireFormat::Xml ? "xml" : "asterisk";
}

}  // namespace ampd
