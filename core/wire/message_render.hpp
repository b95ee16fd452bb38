// One message (a response or an event) in a client's wire format.
#pragma once

#include <string>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

// Appends `message` in `format`: native lines (an answer in `shape`), an XML <event> (when it
// has an Event header) or <command> element, or a JSON object line.
void render_message(const Message& message, WireFormat format, std::string& out,
                    NativeShape shape = NativeShape::Reference);

}  // namespace ampd
