// Splits a client's byte stream into messages. Each message may be native, XML or JSON: the
// first non-blank byte of a message decides ('<' means XML, '{' JSON). Scanning is incremental, so
// a client that trickles bytes costs linear time, and the buffered size is capped by
// WireLimits::max_message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

struct Decoded {
  enum class Kind {
    Message,  // a well-formed message
    Error,    // a message that was framed but is invalid; the stream continues
    Fatal,    // the stream cannot continue (oversized or unparseable framing): disconnect
  };
  Kind kind = Kind::Message;
  WireFormat format = WireFormat::Native;
  Message message;  // for Error, whatever headers could be read (e.g. ActionID)
  std::string error;
};

class InputDecoder {
 public:
  explicit InputDecoder(const WireLimits& limits) : limits_(limits) {}

  void append(std::string_view bytes) { buffer_.append(bytes); }
  // A message that arrived whole (one WebSocket message): a native one may lack its blank line.
  void append_whole_message(std::string_view text);
  // Drops whatever is buffered, e.g. the unfinished rest of a whole message.
  void discard();
  // The next decoded message, or nullopt when more input is needed.
  std::optional<Decoded> next();
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  enum class XmlState { Text, Open, Tag, Quote, Pi, Decl, Comment };

  std::optional<std::size_t> scan_native();
  std::optional<std::size_t> scan_xml(std::string& error);
  std::optional<std::size_t> scan_json();
  std::string parse(std::string_view text, Message& out) const;
  Decoded take(std::size_t end, std::size_t skip);
  void reset_scan();

  WireLimits limits_;
  std::string buffer_;
  std::size_t start_ = 0;  // first byte of the current message
  std::size_t scan_ = 0;   // next byte to scan
  bool in_message_ = false;
  WireFormat format_ = WireFormat::Native;
  // Native scanning state.
  std::size_t line_start_ = 0;
  // XML scanning state.
  XmlState xml_state_ = XmlState::Text;
  char quote_ = 0;
  char prev_ = 0;
  bool closing_tag_ = false;
  int depth_ = 0;
  // JSON scanning state (depth_ counts open braces and brackets).
  bool in_string_ = false;
  bool escaped_ = false;
  int max_depth_ = 0;
};

}  // namespace ampd
