// WebSocket framing (RFC 6455 section 5) without I/O: a decoder for what a client sends and the
// few encoders a server needs. Only text messages are supported; extensions are never negotiated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ampd::ws {

enum class Opcode : std::uint8_t {
  Continuation = 0,
  Text = 1,
  Binary = 2,
  Close = 8,
  Ping = 9,
  Pong = 10
};

// Close codes (RFC 6455 section 7.4.1) the server uses.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseUnsupportedData = 1003;
inline constexpr std::uint16_t kCloseNoStatus = 1005;
inline constexpr std::uint16_t kCloseInvalidData = 1007;
inline constexpr std::uint16_t kCloseTooBig = 1009;

// What the decoder yields from a client's byte stream.
struct Frame {
  enum class Kind { Text, Ping, Pong, Close, Error };
  Kind kind = Kind::Error;
  // Text: the whole reassembled message; Ping/Pong: the control payload; Close: the reason.
  std::string payload;
  // Close: the peer's code (1005 if none given). Error: the code we must close with.
  std::uint16_t close_code = 0;
  std::string error;  // Error: why, for our close frame and the log
};

// Decodes client-to-server frames incrementally (bytes may arrive one at a time). Fragments are
// reassembled into one Text message; control frames between fragments are returned as they come.
class FrameDecoder {
 public:
  // Limits a frame's payload and a reassembled message; larger ones fail with 1009.
  explicit FrameDecoder(std::size_t max_message) : max_message_(max_message) {}

  void append(std::string_view bytes);
  // The next frame, or nullopt when more bytes are needed. After an Error the stream is dead:
  // every later call returns that Error again. After a Close, nothing more is decoded.
  std::optional<Frame> next();
  std::size_t buffered() const { return buffer_.size() - start_; }
  // Part of a frame, or of a fragmented message, waits for the rest.
  bool partial() const { return buffered() > 0 || in_message_; }

 private:
  std::optional<Frame> fail(std::uint16_t code, std::string reason);

  std::size_t max_message_;
  std::string buffer_;
  std::size_t start_ = 0;      // first unconsumed byte of buffer_
  std::string message_;        // fragments of the open data message
  bool in_message_ = false;    // a non-final Text frame was seen
  bool closed_ = false;        // a Close frame was decoded
  std::optional<Frame> dead_;  // the Error that ended the stream
};

// Server-to-client frames are unmasked with FIN set. Appends the 2..10-byte header for a
// payload of `size` bytes.
void append_frame_header(Opcode opcode, std::size_t size, std::string& out);
// A whole Close frame; the reason is cut at a UTF-8 boundary so the payload is <= 125 bytes.
std::string close_frame(std::uint16_t code, std::string_view reason);
std::string pong_frame(std::string_view payload);
// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

}  // namespace ampd::ws
