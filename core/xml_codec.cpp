#include "xml_codec.hpp"

#include <tinyxml2.h>

#include <cctype>
#include <set>

#include "text.hpp"

namespace ampd {

namespace {

bool name_char(char c, bool first) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalpha(u) || c == '_') return true;
  return !first && (std::isdigit(u) || c == '-' || c == '.');
}

}  // namespace

std::string xml_name(std::string_view name, bool lower) {
  std::string out;
  if (name.empty() || !name_char(name.front(), true)) out.push_back('_');
  for (char c : name) {
    const char k = lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
    out.push_back(name_char(k, false) ? k : '_');
  }
  return out;
}

void append_xml_attributes(const Message& attributes, bool lower, std::string& out) {
  // XML forbids repeated attribute names: a repeat gets -1, -2, ... skipping any suffixed name
  // that a real header already uses (Variable, variable, variable-1 must stay three names).
  std::set<std::string> used;
  for (const auto& h : attributes.headers()) used.insert(to_lower(xml_name(h.name, lower)));
  std::set<std::string> written;
  for (const auto& h : attributes.headers()) {
    auto key = xml_name(h.name, lower);
    if (!written.insert(to_lower(key)).second) {
      const auto base = key;
      for (int n = 1;; ++n) {
        key = base + "-" + std::to_string(n);
        if (!used.contains(to_lower(key)) && !written.contains(to_lower(key))) break;
      }
      written.insert(to_lower(key));
    }
    out.append(" ").append(key).append("=\"");
    append_xml_escaped(h.value, out);
    out.append("\"");
  }
}

void append_xml_escaped(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&apos;");
        break;
      case '\n':
        out.append("&#10;");
        break;
      case '\r':
        out.append("&#13;");
        break;
      case '\t':
        out.append("&#9;");
        break;
      default:
        // XML 1.0 cannot carry other control characters at all; replace rather than corrupt.
        if (static_cast<unsigned char>(c) < 0x20) {
          out.push_back('?');
        } else {
          out.push_back(c);
        }
    }
  }
}

std::string parse_xml_command(std::string_view element, const WireLimits& limits, Message& out) {
  tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(element.data(), element.size()) != tinyxml2::XML_SUCCESS) {
    return std::string("Malformed XML: ") + doc.ErrorName();
  }
  const auto* root = doc.RootElement();
  if (root == nullptr || !iequals(root->Name(), "command")) {
    return "Malformed XML: expected a <command .../> element";
  }
  std::size_t count = 0;
  for (const auto* a = root->FirstAttribute(); a != nullptr; a = a->Next()) {
    if (++count > limits.max_headers) break;
    out.add(a->Name(), a->Value());
  }
  for (const auto* child = root->FirstChildElement(); child != nullptr;
       child = child->NextSiblingElement()) {
    if (++count > limits.max_headers) break;
    const char* text = child->GetText();
    out.add(child->Name(), text ? text : "");
  }
  if (count > limits.max_headers) {
    return "Too many headers in message (limit " + std::to_string(limits.max_headers) + ")";
  }
  return {};
}

void render_xml_command(const Message& message, std::string& out) {
  Message attributes;
  attributes.add("action", to_lower(message.get("Action", "Unknown")));
  const auto* response = message.find("Response");
  if (response) attributes.add("response", *response);
  for (const auto& h : message.headers()) {
    if (!iequals(h.name, "Action") && !iequals(h.name, "Response")) attributes.add(h.name, h.value);
  }
  out.append("<command");
  append_xml_attributes(attributes, false, out);
  // The reference's general error form carries the message as element text; keep the
  // attribute too so clients parsing the login error form find it as well.
  if (response && iequals(*response, "Error")) {
    out.append(">");
    append_xml_escaped(message.get("Message"), out);
    out.append("</command>\r\n");
  } else {
    out.append(" />\r\n");
  }
}

void render_xml_event(const Message& message, std::string& out) {
  Message attributes;
  attributes.add("name", message.get("Event"));
  for (const auto& h : message.headers()) {
    if (!iequals(h.name, "Event")) attributes.add(h.name, h.value);
  }
  out.append("<event");
  append_xml_attributes(attributes, true, out);
  out.append(" />\r\n");
}

}  // namespace ampd
