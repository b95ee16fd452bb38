#include "wire/wire_format.hpp"

#include "base/text.hpp"

namespace ampd {

std::optional<WireFormat> parse_wire_format(std::string_view name) {
  if (iequals(name, "asterisk") || iequals(name, "native")) return WireFormat::Native;
  if (iequals(name, "xml")) return WireFormat::Xml;
  if (iequals(name, "json")) return WireFormat::Json;
  return std::nullopt;
}

const char* wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::Xml:
      return "xml";
    case WireFormat::Json:
      return "json";
    case WireFormat::Native:
      break;
  }
  return "asterisk";
}

}  // namespace ampd
