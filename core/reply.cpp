#include "reply.hpp"

#include <cctype>
#include <map>

#include "native_codec.hpp"
#include "responses.hpp"
#include "text.hpp"
#include "xml_codec.hpp"

namespace ampd {

namespace {

// The response part: Action / Response / [ActionID] / [EventList] / [Message] / fields.
Message head(const Reply& reply, const Message& request, bool list) {
  Message m = make_response(reply.action, reply.success ? "Success" : "Error", request);
  if (list) m.add("EventList", "start");
  const auto message =
      list && reply.message.empty() ? std::string("Results will follow") : reply.message;
  if (!message.empty()) m.add("Message", message);
  for (const auto& h : reply.fields.headers()) m.add(h.name, h.value);
  return m;
}

void render_native_list(const Reply& reply, const Message& request, std::string& out) {
  render_native(head(reply, request, true), out);
  const auto* id = request.find("ActionID");
  for (const auto& record : reply.records) {
    Message event;
    event.add("Event", record.name);
    if (id) event.add("ActionID", *id);
    for (const auto& h : record.fields.headers()) event.add(h.name, h.value);
    render_native(event, out);
  }
  Message complete;
  complete.add("Event", reply.action + "Complete");
  if (id) complete.add("ActionID", *id);
  complete.add("EventList", "Complete");
  complete.add("ListItems", std::to_string(reply.records.size()));
  render_native(complete, out);
}

// XML names as render_xml_event makes them (Asterisk's mxml convention): lowercased, invalid
// characters replaced by '_', a leading '_' if the first character cannot start a name.
// Duplicates xml_codec.cpp's private helper, which the lists need for element names too.
bool name_char(char c, bool first) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalpha(u) || c == '_') return true;
  return !first && (std::isdigit(u) || c == '-' || c == '.');
}

std::string xml_name(std::string_view name, bool lower) {
  std::string out;
  if (name.empty() || !name_char(name.front(), true)) out.push_back('_');
  for (char c : name) {
    const char k = lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
    out.push_back(name_char(k, false) ? k : '_');
  }
  return out;
}

// Writes name="value" attributes; a repeated name gets -1, -2, ... as in render_xml_event.
void write_attributes(const Message& m, bool lower, std::string& out) {
  std::map<std::string, int> seen;
  for (const auto& h : m.headers()) {
    auto key = xml_name(h.name, lower);
    const auto n = seen[to_lower(key)]++;
    if (n > 0) key += "-" + std::to_string(n);
    out.append(" ").append(key).append("=\"");
    append_xml_escaped(h.value, out);
    out.append("\"");
  }
}

void render_xml_list(const Reply& reply, const Message& request, std::string& out) {
  Message attrs;
  attrs.add("action", to_lower(reply.action));
  attrs.add("response", "Success");
  if (const auto* id = request.find("ActionID")) attrs.add("ActionID", *id);
  if (!reply.message.empty()) attrs.add("Message", reply.message);
  for (const auto& h : reply.fields.headers()) attrs.add(h.name, h.value);
  attrs.add("ListItems", std::to_string(reply.records.size()));
  out.append("<command");
  write_attributes(attrs, false, out);
  out.append(">");
  for (const auto& record : reply.records) {
    out.append("<").append(xml_name(record.name, true));
    write_attributes(record.fields, true, out);
    out.append(" />");
  }
  out.append("</command>\r\n");
}

}  // namespace

void render_reply(const Reply& reply, const Message& request, WireFormat format, std::string& out) {
  const bool list = reply.success && reply.is_list;
  if (format == WireFormat::Xml) {
    if (list) return render_xml_list(reply, request, out);
    return render_xml_command(head(reply, request, false), out);
  }
  if (list) return render_native_list(reply, request, out);
  render_native(head(reply, request, false), out);
}

}  // namespace ampd
