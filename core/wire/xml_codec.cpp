#include "wire/xml_codec.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <span>
#include <vector>

#include "base/text.hpp"
#include "base/utf8.hpp"

namespace ampd {

namespace {

// ASCII only, whatever the locale (std::isalpha is also a library call per character).
bool name_char(char c, bool first) {
  const char k = ascii_lower(c);
  if ((k >= 'a' && k <= 'z') || c == '_') return true;
  return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

}  // namespace

std::string xml_name(std::string_view name, bool lower) {
  std::string out;
  if (name.empty() || !name_char(name.front(), true)) out.push_back('_');
  for (char c : name) {
    const char k = lower ? ascii_lower(c) : c;
    out.push_back(name_char(k, false) ? k : '_');
  }
  return out;
}

namespace {

// One attribute to write: the header's name and value, not yet made an XML name.
struct Attribute {
  std::string_view name;
  std::string_view value;
};

// Appends `name` made a valid XML name (what xml_name returns) without a temporary string.
void append_xml_name(std::string_view name, bool lower, std::string& out) {
  if (name.empty() || !name_char(name.front(), true)) out.push_back('_');
  const auto from = out.size();
  out.append(name);
  for (auto i = from; i < out.size(); ++i) {
    char& c = out[i];
    if (lower) c = ascii_lower(c);
    if (!name_char(c, false)) c = '_';
  }
}

// The general case, for attribute lists with a repeated name: a repeat gets -1, -2, ...
// skipping any suffixed name that a real header already uses (Variable, variable, variable-1
// must stay three names). Repeats are common (ChanVariable, Variable): two allocations per
// message, none per header.
template <typename Attributes>
void append_attributes_renamed(const Attributes& attributes, bool lower, std::string& out) {
  std::size_t count = 0, bytes = 0;
  for (const auto& h : attributes) {
    ++count;
    bytes += h.name.size() + 1;
  }
  // Lowercased keys back to back: every name as an XML name, then each repeat's suffixed name.
  // All the room is taken up front (a suffix adds at most 12 bytes), so the views stay valid.
  std::string keys;
  keys.reserve(2 * bytes + 16 * count);
  const auto key_from = [&](std::size_t from) {
    return std::string_view(keys.data() + from, keys.size() - from);
  };
  std::vector<std::string_view> views(3 * count);
  const std::span<std::string_view> base(views.data(), count);          // in order
  const std::span<std::string_view> used(views.data() + count, count);  // sorted
  std::string_view* const written = views.data() + 2 * count;           // sorted, `done` of them
  std::size_t done = 0, i = 0;
  for (const auto& h : attributes) {
    const auto from = keys.size();
    append_xml_name(h.name, true, keys);
    base[i++] = key_from(from);
  }
  std::copy(base.begin(), base.end(), used.begin());
  std::sort(used.begin(), used.end());
  const auto is_written = [&](std::string_view key) {
    return std::binary_search(written, written + done, key);
  };
  i = 0;
  for (const auto& h : attributes) {
    auto key = base[i++];
    int suffix = 0;
    if (is_written(key)) {
      const auto from = keys.size();
      do {
        keys.resize(from);
        keys.append(key).append("-").append(std::to_string(++suffix));
      } while (std::binary_search(used.begin(), used.end(), key_from(from)) ||
               is_written(key_from(from)));
      key = key_from(from);
    }
    auto* const at = std::upper_bound(written, written + done, key);
    std::copy_backward(at, written + done, written + done + 1);
    *at = key;
    ++done;
    out.push_back(' ');
    append_xml_name(h.name, lower, out);
    if (suffix > 0) out.append("-").append(std::to_string(suffix));
    out.append("=\"");
    append_xml_escaped(h.value, out);
    out.push_back('"');
  }
}

// Whether two header names become the same XML name (compared without case).
bool same_xml_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    // xml_name adds one '_' in front of a name that cannot start one; compare around it.
    const auto& longer = a.size() > b.size() ? a : b;
    const auto& shorter = a.size() > b.size() ? b : a;
    if (longer.size() != shorter.size() + 1) return false;
    const bool long_prefixed = longer.empty() || !name_char(longer.front(), true);
    const bool short_prefixed = shorter.empty() || !name_char(shorter.front(), true);
    if (long_prefixed || !short_prefixed) return false;
    // The shorter one gets '_' prepended; the longer one starts with a valid first char.
    const auto folded = [](char c) {
      const char k = ascii_lower(c);
      return name_char(k, false) ? k : '_';
    };
    if (folded(longer.front()) != '_') return false;
    for (std::size_t i = 0; i < shorter.size(); ++i) {
      if (folded(longer[i + 1]) != folded(shorter[i])) return false;
    }
    return true;
  }
  const bool a_prefixed = a.empty() || !name_char(a.front(), true);
  const bool b_prefixed = b.empty() || !name_char(b.front(), true);
  if (a_prefixed != b_prefixed) {
    // "_x" against a prefixed "?x"... lengths differ after prefixing: never the same.
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = ascii_lower(a[i]);
    const char y = ascii_lower(b[i]);
    if (x == y) continue;
    if ((name_char(x, false) ? x : '_') != (name_char(y, false) ? y : '_')) return false;
  }
  return true;
}

// Past this many attributes the quadratic check for repeated names costs more than the sets.
constexpr std::size_t kDirectCheckLimit = 64;

template <typename Attributes>
void append_attributes(const Attributes& attributes, std::size_t count, bool lower,
                       std::string& out) {
  // Nearly every message has no repeated name: write it straight out, no temporary strings.
  bool repeated = count > kDirectCheckLimit;
  if (!repeated) {
    for (auto i = std::begin(attributes); i != std::end(attributes) && !repeated; ++i) {
      for (auto j = std::begin(attributes); j != i; ++j) {
        if (same_xml_name(i->name, j->name)) {
          repeated = true;
          break;
        }
      }
    }
  }
  if (repeated) return append_attributes_renamed(attributes, lower, out);
  for (const auto& h : attributes) {
    out.push_back(' ');
    append_xml_name(h.name, lower, out);
    out.append("=\"");
    append_xml_escaped(h.value, out);
    out.push_back('"');
  }
}

}  // namespace

void append_xml_attributes(const Message& attributes, bool lower, std::string& out) {
  append_attributes(attributes.headers(), attributes.headers().size(), lower, out);
}

void append_xml_escaped(std::string_view value, std::string& out) {
  std::size_t plain = 0;  // start of the run of characters that need no escaping
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char* entity = nullptr;
    switch (c) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&apos;";
        break;
      case '\n':
        entity = "&#10;";
        break;
      case '\r':
        entity = "&#13;";
        break;
      case '\t':
        entity = "&#9;";
        break;
      default:
        // XML 1.0 cannot carry other control characters at all; replace rather than corrupt.
        if (static_cast<unsigned char>(c) < 0x20) entity = "?";
        if (static_cast<unsigned char>(c) >= 0x80) {
          // Not valid UTF-8 (Latin-1 from Asterisk, say) or not an XML character: U+FFFD.
          char32_t cp = 0;
          const auto n = utf8_sequence(value, i, cp);
          if (n > 0 && cp != 0xFFFE && cp != 0xFFFF) {
            i += n - 1;
            continue;
          }
          entity = kReplacementCharacter.data();
        }
    }
    if (entity == nullptr) continue;
    out.append(value.data() + plain, i - plain).append(entity);
    plain = i + 1;
  }
  out.append(value.data() + plain, value.size() - plain);
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
  const auto action = to_lower(message.get("Action", "Unknown"));
  auto response = message.find("Response");
  std::vector<Attribute> attributes;
  attributes.reserve(message.headers().size() + 2);
  attributes.push_back({"action", action});
  if (response) attributes.push_back({"response", *response});
  for (const auto& h : message.headers()) {
    if (!iequals(h.name, "Action") && !iequals(h.name, "Response")) {
      attributes.push_back({h.name, h.value});
    }
  }
  out.append("<command");
  append_attributes(attributes, attributes.size(), false, out);
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
  const auto headers = message.headers();
  const auto name = message.find("Event");
  // Events are rendered for every XML client: the attributes are gathered once, on the stack
  // for all but the largest events, and walked twice (repeated names, then writing).
  constexpr std::size_t kOnStack = 32;
  std::array<Attribute, kOnStack> on_stack;
  std::vector<Attribute> on_heap;
  if (headers.size() + 1 > kOnStack) on_heap.resize(headers.size() + 1);
  Attribute* attributes = on_heap.empty() ? on_stack.data() : on_heap.data();
  std::size_t count = 0;
  attributes[count++] = {"name", name.value_or(std::string_view())};
  std::size_t size = out.size() + 64;
  for (const auto h : headers) {
    // ` name="value"` per header, room for a few escapes and the Flash NUL: one allocation.
    size += h.name.size() + h.value.size() + 8;
    if (!iequals(h.name, "Event")) attributes[count++] = {h.name, h.value};
  }
  out.reserve(size);
  out.append("<event");
  append_attributes(std::span<const Attribute>(attributes, count), count, true, out);
  out.append(" />\r\n");
}

}  // namespace ampd
