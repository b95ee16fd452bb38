// Fuzz target: what a WebSocket client sends, through HttpRequestReader, the handshake decision
// and FrameDecoder, cut into arbitrary chunks. Unless the first byte's 0x01 bit asks for raw
// frames, the input starts as an HTTP request head and the bytes after it are frames. Checks
// that nothing crashes; that the head, the handshake answer and every decoded frame keep their
// promises (Text is valid UTF-8 within the limit, control payloads <= 125 bytes, close codes are
// valid, an Error is final); that the decoder buffers at most one frame; and that the frames
// decoded do not depend on how the bytes were split.
#include <cstdint>
#include <string>
#include <vector>

#include "clients/http_request.hpp"
#include "clients/websocket_frame.hpp"
#include "clients/websocket_handshake.hpp"
#include "fuzz_support.hpp"

using namespace ampd;
using namespace ampd::ws;

namespace {

bool valid_error_code(std::uint16_t code) {
  return code == kCloseProtocolError || code == kCloseUnsupportedData ||
         code == kCloseInvalidData || code == kCloseTooBig;
}

void check_frame(const Frame& f, std::size_t max) {
  switch (f.kind) {
    case Frame::Kind::Text:
      AMPD_FUZZ_CHECK(f.payload.size() <= max);
      AMPD_FUZZ_CHECK(is_valid_utf8(f.payload));
      break;
    case Frame::Kind::Ping:
    case Frame::Kind::Pong:
      AMPD_FUZZ_CHECK(f.payload.size() <= 125);
      AMPD_FUZZ_CHECK(pong_frame(f.payload).size() == 2 + f.payload.size());
      break;
    case Frame::Kind::Close:
      AMPD_FUZZ_CHECK(f.payload.size() <= 123);
      AMPD_FUZZ_CHECK(is_valid_utf8(f.payload));
      AMPD_FUZZ_CHECK(f.close_code == kCloseNoStatus ||
                      (f.close_code >= 1000 && f.close_code < 5000));
      break;
    case Frame::Kind::Error: {
      AMPD_FUZZ_CHECK(valid_error_code(f.close_code));
      AMPD_FUZZ_CHECK(!f.error.empty());
      // Our answer is a well-formed close frame with a valid UTF-8 reason.
      const auto close = close_frame(f.close_code, f.error);
      AMPD_FUZZ_CHECK(close.size() <= 2 + 125);
      AMPD_FUZZ_CHECK(static_cast<unsigned char>(close[1]) == close.size() - 2);
      AMPD_FUZZ_CHECK(is_valid_utf8(close.substr(4)));
      break;
    }
  }
}

bool same(const Frame& a, const Frame& b) {
  return a.kind == b.kind && a.payload == b.payload && a.close_code == b.close_code;
}

// Decodes `chunks` (appended one by one) and returns every frame up to the first Error or Close.
std::vector<Frame> decode(const std::vector<std::string_view>& chunks, std::size_t max) {
  FrameDecoder decoder(max);
  std::vector<Frame> out;
  std::size_t appended = 0;
  for (auto chunk : chunks) {
    decoder.append(chunk);
    appended += chunk.size();
    while (auto f = decoder.next()) {
      check_frame(*f, max);
      out.push_back(std::move(*f));
      // Each frame consumes at least two bytes.
      AMPD_FUZZ_CHECK(out.size() * 2 <= appended);
      const auto kind = out.back().kind;
      if (kind == Frame::Kind::Error) {
        // Dead for good: the same Error again, whatever comes.
        decoder.append(chunk);
        const auto again = decoder.next();
        AMPD_FUZZ_CHECK(again && same(*again, out.back()));
        AMPD_FUZZ_CHECK(decoder.buffered() == 0);
        return out;
      }
      if (kind == Frame::Kind::Close) {
        decoder.append(chunk);
        AMPD_FUZZ_CHECK(!decoder.next());
        AMPD_FUZZ_CHECK(decoder.buffered() == 0);
        return out;
      }
    }
    // Waiting for the rest of one frame at most: its header and up to max payload bytes.
    AMPD_FUZZ_CHECK(decoder.buffered() < max + 14);
  }
  return out;
}

void check_handshake(const HttpRequest& request, std::uint8_t flags) {
  std::vector<std::string> allowed;
  if (flags & 0x02) allowed.push_back("http://localhost:5041");
  if (flags & 0x04) allowed.push_back("*");
  const auto d = decide_websocket_handshake(request, allowed);
  if (d.accepted) {
    AMPD_FUZZ_CHECK(d.status == 101);
    AMPD_FUZZ_CHECK(is_websocket_upgrade(request));
    const auto key = request.header("Sec-WebSocket-Key");
    AMPD_FUZZ_CHECK(key.has_value());
    AMPD_FUZZ_CHECK(d.response.find(websocket_accept(*key)) != std::string::npos);
  } else {
    AMPD_FUZZ_CHECK(d.status >= 400 && d.status < 500);
    AMPD_FUZZ_CHECK(!d.error.empty());
    AMPD_FUZZ_CHECK(d.response.rfind("HTTP/1.1 " + std::to_string(d.status) + " ", 0) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Chunker chunker(data, size);
  const std::uint8_t flags = chunker.flags;
  const std::string_view input = chunker.rest;
  std::vector<std::string_view> chunks;
  for (auto c = chunker.next(); !c.empty(); c = chunker.next()) chunks.push_back(c);

  // The HTTP head first, unless asked for raw frames; its leftover bytes start the frames.
  std::vector<std::string_view> frame_chunks = chunks;
  if (!(flags & 0x01)) {
    HttpRequestReader reader;
    std::size_t fed = 0, i = 0;
    auto state = HttpRequestReader::State::Incomplete;
    while (i < chunks.size() && state == HttpRequestReader::State::Incomplete) {
      state = reader.append(chunks[i]);
      fed += chunks[i++].size();
    }
    if (state == HttpRequestReader::State::Complete) {
      const auto& request = reader.request();
      AMPD_FUZZ_CHECK(!request.method.empty() && !request.target.empty());
      AMPD_FUZZ_CHECK(request.version.rfind("HTTP/1.", 0) == 0);
      AMPD_FUZZ_CHECK(request.headers.size() <= HttpRequestReader::kMaxHeaders);
      const auto rest = reader.rest();
      AMPD_FUZZ_CHECK(fed - rest.size() <= HttpRequestReader::kMaxHead);
      AMPD_FUZZ_CHECK(input.substr(fed - rest.size(), rest.size()) == rest);
      check_handshake(request, flags);
      frame_chunks.assign(chunks.begin() + static_cast<std::ptrdiff_t>(i), chunks.end());
      frame_chunks.insert(frame_chunks.begin(), input.substr(fed - rest.size(), rest.size()));
    } else if (state == HttpRequestReader::State::Error) {
      AMPD_FUZZ_CHECK(!reader.error().empty());
      const int status = reader.error_status();
      AMPD_FUZZ_CHECK(status == 400 || status == 431 || status == 505);
    } else {
      AMPD_FUZZ_CHECK(fed <= HttpRequestReader::kMaxHead);
    }
  }

  // Small limits sometimes, so the size checks are reached quickly.
  const std::size_t max = (flags & 0x40) ? 64 : 4096;
  const auto split = decode(frame_chunks, max);
  // The same bytes in one piece give the same frames.
  std::string whole;
  for (auto c : frame_chunks) whole.append(c);
  const auto at_once = decode({whole}, max);
  AMPD_FUZZ_CHECK(split.size() == at_once.size());
  for (std::size_t i = 0; i < split.size(); ++i) AMPD_FUZZ_CHECK(same(split[i], at_once[i]));
  return 0;
}
