// ampd's XML format: one <command action="..." .../> element per message in, <command> and
// <event> elements out.
#pragma once

#include <string>
#include <string_view>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

// Parses one complete <command> element (as framed by XmlFramer) into headers: attributes in
// document order, then each child element as a header named after it (for repeated keys such as
// Variable, which XML attributes cannot repeat). Returns an error text, or empty on success.
std::string parse_xml_command(std::string_view element, const WireLimits& limits, Message& out);

// Answers to commands: <command action="x" response="Success" Name="value" ... />.
// The message's Action and Response headers become the lowercase `action` and `response`
// attributes the protocol reference shows; other names keep their case, made XML-valid.
void render_xml_command(const Message& message, std::string& out);

// Events: <event name="X" key="value" .../>, names lowercased and made valid the way Asterisk's
// own XML manager (mxml) does it, repeated names suffixed -1, -2, ...
void render_xml_event(const Message& message, std::string& out);

// Makes `name` a valid XML name; `lower` follows Asterisk's mxml convention for events.
std::string xml_name(std::string_view name, bool lower);
// Appends ` name="value"` for each header, names made valid, a repeated name suffixed -1, -2...
void append_xml_attributes(const Message& attributes, bool lower, std::string& out);

// Escapes the five XML entities and encodes control characters so values survive a round trip.
void append_xml_escaped(std::string_view value, std::string& out);

}  // namespace ampd
