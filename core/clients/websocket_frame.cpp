#include "clients/websocket_frame.hpp"

#include <cstring>

namespace ampd::ws {

namespace {

constexpr std::size_t kMaxControlPayload = 125;

bool is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

bool known_opcode(std::uint8_t opcode) { return opcode <= 2 || (opcode >= 8 && opcode <= 10); }

// Close codes a peer may send (RFC 6455 section 7.4); 1004-1006 and 1015 must never be sent.
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

// XORs `size` bytes of `in` with the 4-byte key into `out`, eight bytes at a time.
void unmask(const char* in, std::size_t size, const unsigned char key[4], char* out) {
  std::uint64_t key8;
  unsigned char k[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
  std::memcpy(&key8, k, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, in + i, 8);
    word ^= key8;
    std::memcpy(out + i, &word, 8);
  }
  for (; i < size; ++i) out[i] = static_cast<char>(in[i] ^ key[i & 3]);
}

}  // namespace

void FrameDecoder::append(std::string_view bytes) {
  // A dead or closed stream reads nothing more, so nothing piles up.
  if (dead_ || closed_) return;
  buffer_.append(bytes);
}

std::optional<Frame> FrameDecoder::fail(std::uint16_t code, std::string reason) {
  dead_ = Frame{Frame::Kind::Error, {}, code, std::move(reason)};
  buffer_.clear();
  buffer_.shrink_to_fit();
  message_.clear();
  message_.shrink_to_fit();
  start_ = 0;
  return dead_;
}

std::optional<Frame> FrameDecoder::next() {
  if (dead_) return dead_;
  while (!closed_) {
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data()) + start_;
    const std::size_t avail = buffered();
    if (avail < 2) break;

    // Everything decidable from the first two bytes is checked before waiting for more, so a
    // bad frame fails the same way however its bytes arrive.
    const bool fin = (p[0] & 0x80) != 0;
    const std::uint8_t opcode = p[0] & 0x0f;
    const std::uint8_t len7 = p[1] & 0x7f;
    if ((p[0] & 0x70) != 0) return fail(kCloseProtocolError, "reserved bits set (no extensions)");
    if (!known_opcode(opcode)) {
      return fail(kCloseProtocolError, "unknown opcode " + std::to_string(opcode));
    }
    if ((p[1] & 0x80) == 0) return fail(kCloseProtocolError, "client frames must be masked");
    if (is_control(opcode)) {
      if (!fin) return fail(kCloseProtocolError, "fragmented control frame");
      if (len7 > kMaxControlPayload) {
        return fail(kCloseProtocolError, "control frame payload over 125 bytes");
      }
    } else if (opcode == static_cast<std::uint8_t>(Opcode::Continuation)) {
      if (!in_message_) return fail(kCloseProtocolError, "continuation frame without a message");
    } else if (in_message_) {
      return fail(kCloseProtocolError, "new message before the fragmented one ended");
    } else if (opcode == static_cast<std::uint8_t>(Opcode::Binary)) {
      return fail(kCloseUnsupportedData, "binary frames are not supported: send text");
    }

    const std::size_t length_bytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t header = 2 + length_bytes + 4;
    if (avail < header) break;
    std::uint64_t length = len7;
    if (length_bytes != 0) {
      length = 0;
      for (std::size_t i = 0; i < length_bytes; ++i) length = length << 8 | p[2 + i];
      if (length >> 63) return fail(kCloseProtocolError, "frame length has the top bit set");
    }
    // Refuse before buffering the payload.
    if (length > max_message_ || (!is_control(opcode) && length > max_message_ - message_.size())) {
      return fail(kCloseTooBig,
                  "message too big (limit " + std::to_string(max_message_) + " bytes)");
    }
    if (avail - header < length) break;

    const unsigned char* key = p + 2 + length_bytes;
    const char* payload = reinterpret_cast<const char*>(p + header);
    const auto size = static_cast<std::size_t>(length);
    start_ += header + size;

    if (is_control(opcode)) {
      Frame frame;
      frame.payload.resize(size);
      unmask(payload, size, key, frame.payload.data());
      if (opcode == static_cast<std::uint8_t>(Opcode::Ping)) {
        frame.kind = Frame::Kind::Ping;
        return frame;
      }
      if (opcode == static_cast<std::uint8_t>(Opcode::Pong)) {
        frame.kind = Frame::Kind::Pong;
        return frame;
      }
      if (size == 1) return fail(kCloseProtocolError, "close payload of one byte");
      frame.kind = Frame::Kind::Close;
      frame.close_code = kCloseNoStatus;
      if (size >= 2) {
        const auto* b = reinterpret_cast<const unsigned char*>(frame.payload.data());
        frame.close_code = static_cast<std::uint16_t>(b[0] << 8 | b[1]);
        if (!valid_close_code(frame.close_code)) {
          return fail(kCloseProtocolError,
                      "invalid close code " + std::to_string(frame.close_code));
        }
        frame.payload.erase(0, 2);
        if (!is_valid_utf8(frame.payload)) {
          return fail(kCloseInvalidData, "close reason is not valid UTF-8");
        }
      }
      closed_ = true;
      buffer_.clear();
      start_ = 0;
      return frame;
    }

    const auto old = message_.size();
    message_.resize(old + size);
    unmask(payload, size, key, message_.data() + old);
    in_message_ = !fin;
    if (fin) {
      if (!is_valid_utf8(message_)) return fail(kCloseInvalidData, "text is not valid UTF-8");
      Frame frame{Frame::Kind::Text, std::move(message_), 0, {}};
      message_.clear();
      return frame;
    }
  }
  // Drop consumed bytes once they dominate the buffer: linear time however input is split.
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 4096 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return std::nullopt;
}

void append_frame_header(Opcode opcode, std::size_t size, std::string& out) {
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
  if (size <= 125) {
    out.push_back(static_cast<char>(size));
    return;
  }
  const int length_bytes = size <= 0xffff ? 2 : 8;
  out.push_back(static_cast<char>(length_bytes == 2 ? 126 : 127));
  const auto length = static_cast<std::uint64_t>(size);
  for (int i = length_bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(length >> (8 * i)));
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  if (reason.size() > kMaxControlPayload - 2) {
    std::size_t cut = kMaxControlPayload - 2;
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xc0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  std::string out;
  append_frame_header(Opcode::Close, 2 + reason.size(), out);
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xff));
  out.append(reason);
  return out;
}

std::string pong_frame(std::string_view payload) {
  std::string out;
  append_frame_header(Opcode::Pong, payload.size(), out);
  out.append(payload);
  return out;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte fixes the length and the allowed range of the first continuation byte,
    // which rules out overlong forms, surrogates and code points above U+10FFFF.
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace ampd::ws
