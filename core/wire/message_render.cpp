#include "wire/message_render.hpp"

#include "wire/json_codec.hpp"
#include "wire/native_codec.hpp"
#include "wire/xml_codec.hpp"

namespace ampd {

void render_message(const Message& message, WireFormat format, std::string& out,
                    NativeShape shape) {
  switch (format) {
    case WireFormat::Xml:
      return message.has("Event") ? render_xml_event(message, out)
                                  : render_xml_command(message, out);
    case WireFormat::Json:
      return render_json(message, out);
    case WireFormat::Native:
      break;
  }
  if (shape == NativeShape::Asterisk) return render_native_asterisk(message, out);
  render_native(message, out);
}

}  // namespace ampd
