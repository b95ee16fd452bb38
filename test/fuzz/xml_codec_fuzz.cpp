// Fuzz target: one XML element through parse_xml_command; whatever it accepts is rendered with
// render_xml_command and render_xml_event, and the rendered XML must parse back (tinyxml2 and
// parse_xml_command) with the same attribute values, control characters aside.
#include <tinyxml2.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/text.hpp"
#include "base/utf8.hpp"
#include "fuzz_support.hpp"
#include "wire/xml_codec.hpp"

using namespace ampd;

namespace {

// What append_xml_escaped makes of a value that XML 1.0 cannot carry as is: control characters
// become '?', bytes that are not valid UTF-8 (and U+FFFE, U+FFFF) U+FFFD, one for each byte.
std::string representable(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x80) {
      const bool kept = c == '\n' || c == '\r' || c == '\t' || c >= 0x20;
      out.push_back(kept ? v[i] : '?');
      ++i;
      continue;
    }
    char32_t cp = 0;
    const auto n = utf8_sequence(v, i, cp);
    if (n == 0 || cp == 0xFFFE || cp == 0xFFFF) {
      out.append(kReplacementCharacter);
      ++i;
    } else {
      out.append(v.substr(i, n));
      i += n;
    }
  }
  return out;
}

// Parses `xml` back; returns the root element's attribute values in order.
std::vector<std::string> parse_back(const std::string& xml, const char* root_name) {
  tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
  AMPD_FUZZ_CHECK(doc.Parse(xml.data(), xml.size()) == tinyxml2::XML_SUCCESS);
  const auto* root = doc.RootElement();
  AMPD_FUZZ_CHECK(root != nullptr);
  AMPD_FUZZ_CHECK(std::string_view(root->Name()) == root_name);
  std::vector<std::string> values;
  for (const auto* a = root->FirstAttribute(); a != nullptr; a = a->Next()) {
    values.emplace_back(a->Value());
  }
  return values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view element(reinterpret_cast<const char*>(data), size);
  WireLimits limits;
  Message parsed;
  const auto error = parse_xml_command(element, limits, parsed);
  // The error text is sent to the client inside an answer: it must render too.
  Message m = error.empty()
                  ? parsed
                  : Message{{"Action", "Unknown"}, {"Response", "Error"}, {"Message", error}};
  if (!error.empty()) {
    for (const auto& h : parsed.headers()) m.add(h.name, h.value);
  }

  // As a command answer: action, [response], then the other headers in order.
  std::string command;
  render_xml_command(m, command);
  const auto command_values = parse_back(command, "command");
  std::vector<std::string> expected{to_lower(m.get("Action", "Unknown"))};
  if (auto r = m.find("Response")) expected.emplace_back(*r);
  for (const auto& h : m.headers()) {
    if (!iequals(h.name, "Action") && !iequals(h.name, "Response")) expected.emplace_back(h.value);
  }
  AMPD_FUZZ_CHECK(valid_utf8_copy(command) == command);  // well-formed UTF-8, whatever came in
  AMPD_FUZZ_CHECK(command_values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    AMPD_FUZZ_CHECK(command_values[i] == representable(expected[i]));
  }
  // And ampd's own parser accepts what ampd renders.
  WireLimits roomy;
  roomy.max_headers = expected.size() + 2;
  Message again;
  AMPD_FUZZ_CHECK(parse_xml_command(command, roomy, again).empty());

  // As an event: name, then every non-Event header.
  std::string event;
  render_xml_event(m, event);
  const auto event_values = parse_back(event, "event");
  std::size_t n = 1;
  for (const auto& h : m.headers()) n += iequals(h.name, "Event") ? 0 : 1;
  AMPD_FUZZ_CHECK(event_values.size() == n);
  return 0;
}
