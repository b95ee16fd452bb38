#include "wire/message_render.hpp"

#include "wire/json_codec.hpp"
#include "wire/native_codec.hpp"
#include "wire/xml_codec.hpp"

namespace ampd {

void render_message(const Message& message, WireFormat format, std::string& out) {
  switch (format) {
    case WireFormat::Xml:
      return message.has("Event") ? render_xml_event(message, out)
                                  : render_xml_command(message, out);
    case WireFormat::Json:
      return render_json(message, out);
    case WireFormat::Native:
      break;
  }
  render_native(message, out);
}

}  // namespace ampd
