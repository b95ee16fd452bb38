#include "wire/reply.hpp"

#include "base/text.hpp"
#include "wire/json_codec.hpp"
#include "wire/native_codec.hpp"
#include "wire/responses.hpp"
#include "wire/xml_codec.hpp"

namespace ampd {

namespace {

// The response part: Action / Response / [ActionID] / [EventList] / [Message] / fields.
// `event_list` adds native AMI's "EventList: start" marker to a list's response.
Message head(const Reply& reply, const Message& request, bool list, bool event_list = true) {
  Message m = make_response(reply.action, reply.success ? "Success" : "Error", request);
  m.reserve(m.headers().size() + 2 + reply.fields.headers().size());
  if (list && event_list) m.add("EventList", "start");
  const auto message =
      list && reply.message.empty() ? std::string("Results will follow") : reply.message;
  if (!message.empty()) m.add("Message", message);
  for (const auto& h : reply.fields.headers()) m.add(h.name, h.value);
  return m;
}

void render_native_head(const Message& head, NativeShape shape, std::string& out) {
  if (shape == NativeShape::Asterisk) return render_native_asterisk(head, out);
  render_native(head, out);
}

void render_native_list(const Reply& reply, const Message& request, NativeShape shape,
                        std::string& out) {
  render_native_head(head(reply, request, true), shape, out);
  auto id = request.find("ActionID");
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

void render_xml_list(const Reply& reply, const Message& request, std::string& out) {
  Message attrs;
  attrs.add("action", to_lower(reply.action));
  attrs.add("response", "Success");
  if (auto id = request.find("ActionID")) attrs.add("ActionID", *id);
  if (!reply.message.empty()) attrs.add("Message", reply.message);
  for (const auto& h : reply.fields.headers()) attrs.add(h.name, h.value);
  attrs.add("ListItems", std::to_string(reply.records.size()));
  out.append("<command");
  append_xml_attributes(attrs, false, out);
  out.append(">");
  for (const auto& record : reply.records) {
    out.append("<").append(xml_name(record.name, true));
    append_xml_attributes(record.fields, true, out);
    out.append(" />");
  }
  out.append("</command>\r\n");
}

// The native response without the EventList marker, ListItems, then the records in one array:
// {...,"ListItems":"N","records":[{"event":"<record name>",<fields>},...]}
void render_json_list(const Reply& reply, const Message& request, std::string& out) {
  auto response = head(reply, request, true, false);
  response.add("ListItems", std::to_string(reply.records.size()));
  out.push_back('{');
  append_json_members(response, out);
  out.append(",\"records\":[");
  for (std::size_t i = 0; i < reply.records.size(); ++i) {
    if (i > 0) out.push_back(',');
    Message record;
    record.add("Event", reply.records[i].name);
    for (const auto& h : reply.records[i].fields.headers()) record.add(h.name, h.value);
    append_json_object(record, out);
  }
  out.append("]}\r\n");
}

}  // namespace

void render_reply(const Reply& reply, const Message& request, WireFormat format, std::string& out,
                  NativeShape shape) {
  const bool list = reply.success && reply.is_list;
  switch (format) {
    case WireFormat::Xml:
      if (list) return render_xml_list(reply, request, out);
      return render_xml_command(head(reply, request, false), out);
    case WireFormat::Json:
      if (list) return render_json_list(reply, request, out);
      return render_json(head(reply, request, false), out);
    case WireFormat::Native:
      break;
  }
  if (list) return render_native_list(reply, request, shape, out);
  render_native_head(head(reply, request, false), shape, out);
}

}  // namespace ampd
