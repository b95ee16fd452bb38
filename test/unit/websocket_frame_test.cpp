#include "clients/websocket_frame.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ampd::ws {
namespace {

// A client frame: masked with `key`, FIN and opcode in `b0`, the shortest length form.
std::string client_frame(std::uint8_t b0, std::string_view payload,
                         std::string_view key = "\x37\xfa\x21\x3d") {
  std::string out(1, static_cast<char>(b0));
  const auto n = payload.size();
  if (n <= 125) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(std::uint64_t{n} >> (8 * i)));
  }
  out.append(key);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return out;
}

std::string text(std::string_view payload) { return client_frame(0x81, payload); }

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return p.append(reason);
}

std::vector<Frame> decode_all(FrameDecoder& d) {
  std::vector<Frame> out;
  while (auto f = d.next()) {
    out.push_back(std::move(*f));
    if (out.back().kind == Frame::Kind::Error || out.back().kind == Frame::Kind::Close) break;
  }
  return out;
}

std::vector<Frame> decode(std::string_view bytes, std::size_t max = 1 << 20) {
  FrameDecoder d(max);
  d.append(bytes);
  return decode_all(d);
}

std::vector<Frame> decode_bytewise(std::string_view bytes, std::size_t max = 1 << 20) {
  FrameDecoder d(max);
  std::vector<Frame> out;
  for (char c : bytes) {
    d.append(std::string_view(&c, 1));
    for (auto& f : decode_all(d)) out.push_back(std::move(f));
    if (!out.empty() && out.back().kind == Frame::Kind::Error) break;
  }
  return out;
}

// The single frame `bytes` decodes to, which must be an Error; returns its close code.
std::uint16_t error_code(std::string_view bytes, std::size_t max = 1 << 20) {
  const auto all = decode(bytes, max);
  EXPECT_FALSE(all.empty());
  if (all.empty()) return 0;
  EXPECT_EQ(all.back().kind, Frame::Kind::Error);
  EXPECT_FALSE(all.back().error.empty());
  const auto bytewise = decode_bytewise(bytes, max);
  EXPECT_FALSE(bytewise.empty());
  if (!bytewise.empty()) {
    EXPECT_EQ(bytewise.back().close_code, all.back().close_code);
  }
  return all.back().close_code;
}

// RFC 6455 section 5.7 examples.
TEST(WebSocketFrame, Rfc5_7MaskedHello) {
  const std::string bytes("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  const auto all = decode(bytes);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Frame::Kind::Text);
  EXPECT_EQ(all[0].payload, "Hello");
}

TEST(WebSocketFrame, Rfc5_7UnmaskedHelloIsRefused) {
  EXPECT_EQ(error_code(std::string("\x81\x05\x48\x65\x6c\x6c\x6f", 7)), kCloseProtocolError);
}

TEST(WebSocketFrame, Rfc5_7FragmentedHello) {
  const auto bytes = client_frame(0x01, "Hel") + client_frame(0x80, "lo");
  for (const auto& all : {decode(bytes), decode_bytewise(bytes)}) {
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].kind, Frame::Kind::Text);
    EXPECT_EQ(all[0].payload, "Hello");
  }
}

TEST(WebSocketFrame, Rfc5_7MaskedPing) {
  const std::string bytes("\x89\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  const auto all = decode(bytes);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Frame::Kind::Ping);
  EXPECT_EQ(all[0].payload, "Hello");
}

TEST(WebSocketFrame, Rfc5_7LengthForms) {
  for (std::size_t n : {std::size_t{256}, std::size_t{65536}}) {
    const std::string payload(n, 'x');
    const auto bytes = text(payload);
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), n == 256 ? 0xfe : 0xff);
    const auto all = decode(bytes);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].payload, payload);
  }
}

TEST(WebSocketFrame, NonMinimalLengthIsAccepted) {
  std::string bytes("\x81\xfe\x00\x02\x00\x00\x00\x00hi", 10);
  const auto all = decode(bytes);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].payload, "hi");
}

TEST(WebSocketFrame, ManyFramesByteAtATimeMatchWhole) {
  std::string bytes;
  bytes += text("one") + client_frame(0x89, "p") + client_frame(0x01, "tw") +
           client_frame(0x8a, "q") + client_frame(0x00, "") + client_frame(0x80, "o") +
           text(std::string(300, 'z')) + text("");
  const auto whole = decode(bytes), trickled = decode_bytewise(bytes);
  ASSERT_EQ(whole.size(), 6u);
  ASSERT_EQ(trickled.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].kind, trickled[i].kind);
    EXPECT_EQ(whole[i].payload, trickled[i].payload);
  }
  EXPECT_EQ(whole[0].payload, "one");
  EXPECT_EQ(whole[1].kind, Frame::Kind::Ping);
  EXPECT_EQ(whole[2].kind, Frame::Kind::Pong);  // between the fragments of "two"
  EXPECT_EQ(whole[2].payload, "q");
  EXPECT_EQ(whole[3].payload, "two");
  EXPECT_EQ(whole[4].payload, std::string(300, 'z'));
  EXPECT_EQ(whole[5].kind, Frame::Kind::Text);
  EXPECT_EQ(whole[5].payload, "");
}

TEST(WebSocketFrame, CloseInsideFragmentedMessage) {
  const auto all = decode(client_frame(0x01, "par") + client_frame(0x88, close_payload(1001)));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Frame::Kind::Close);
  EXPECT_EQ(all[0].close_code, 1001);
}

TEST(WebSocketFrame, BufferedAndConsumed) {
  FrameDecoder d(1024);
  const auto bytes = text("abc");
  d.append(bytes.substr(0, 4));
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 4u);
  d.append(bytes.substr(4));
  EXPECT_EQ(d.next()->payload, "abc");
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_FALSE(d.next());
}

TEST(WebSocketFrame, ProtocolErrors) {
  EXPECT_EQ(error_code(client_frame(0xc1, "x")), kCloseProtocolError);  // RSV1
  EXPECT_EQ(error_code(client_frame(0xa1, "x")), kCloseProtocolError);  // RSV2
  EXPECT_EQ(error_code(client_frame(0x91, "x")), kCloseProtocolError);  // RSV3
  for (std::uint8_t op : {3, 7, 11, 15}) {
    EXPECT_EQ(error_code(client_frame(static_cast<std::uint8_t>(0x80 | op), "")),
              kCloseProtocolError);
  }
  EXPECT_EQ(error_code(client_frame(0x09, "p")), kCloseProtocolError);  // ping without FIN
  EXPECT_EQ(error_code(client_frame(0x89, std::string(126, 'p'))), kCloseProtocolError);
  EXPECT_EQ(error_code(client_frame(0x80, "x")), kCloseProtocolError);  // lone continuation
  EXPECT_EQ(error_code(client_frame(0x01, "a") + text("b")), kCloseProtocolError);
  EXPECT_EQ(error_code(std::string("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x01", 10) + "mask"),
            kCloseProtocolError);  // 64-bit length with the top bit set
}

TEST(WebSocketFrame, ControlPayloadOf125IsFine) {
  const auto all = decode(client_frame(0x89, std::string(125, 'p')));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Frame::Kind::Ping);
  EXPECT_EQ(all[0].payload.size(), 125u);
}

TEST(WebSocketFrame, BinaryIsUnsupported) {
  EXPECT_EQ(error_code(client_frame(0x82, "\x01\x02")), kCloseUnsupportedData);
  const auto all = decode(client_frame(0x82, "x"));
  EXPECT_EQ(all[0].error, "binary frames are not supported: send text");
}

TEST(WebSocketFrame, InvalidUtf8Text) {
  EXPECT_EQ(error_code(text("\xc0\xaf")), kCloseInvalidData);
  // A code point split over two fragments is fine; the whole message is checked.
  const auto all = decode(client_frame(0x01, "\xf0\x9f") + client_frame(0x80, "\x98\x80"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].payload, "\xf0\x9f\x98\x80");
  EXPECT_EQ(error_code(client_frame(0x01, "\xf0\x9f") + client_frame(0x80, "")), kCloseInvalidData);
}

TEST(WebSocketFrame, SizeLimitExactlyAndOneOver) {
  EXPECT_EQ(decode(text(std::string(100, 'a')), 100).at(0).kind, Frame::Kind::Text);
  EXPECT_EQ(error_code(text(std::string(101, 'a')), 100), kCloseTooBig);
  // Reassembled: 60 + 40 fits, 60 + 41 does not.
  EXPECT_EQ(
      decode(client_frame(0x01, std::string(60, 'a')) + client_frame(0x80, std::string(40, 'b')),
             100)
          .at(0)
          .payload.size(),
      100u);
  EXPECT_EQ(
      error_code(
          client_frame(0x01, std::string(60, 'a')) + client_frame(0x80, std::string(41, 'b')), 100),
      kCloseTooBig);
}

TEST(WebSocketFrame, TooBigIsDecidedFromTheHeader) {
  FrameDecoder d(1000);
  d.append(std::string("\x81\xff\x00\x00\x00\x01\x00\x00\x00\x00", 10));  // 4 GiB announced
  d.append("mask");
  const auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, Frame::Kind::Error);
  EXPECT_EQ(f->close_code, kCloseTooBig);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(WebSocketFrame, ErrorIsSticky) {
  FrameDecoder d(1000);
  d.append(std::string("\x81\x05Hello", 7));
  ASSERT_EQ(d.next()->close_code, kCloseProtocolError);
  d.append(text("fine"));
  const auto again = d.next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->kind, Frame::Kind::Error);
  EXPECT_EQ(again->close_code, kCloseProtocolError);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(WebSocketFrame, CloseFrames) {
  auto all = decode(client_frame(0x88, ""));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Frame::Kind::Close);
  EXPECT_EQ(all[0].close_code, kCloseNoStatus);
  all = decode(client_frame(0x88, close_payload(1000, "bye")));
  EXPECT_EQ(all[0].close_code, 1000);
  EXPECT_EQ(all[0].payload, "bye");
  for (std::uint16_t ok : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999}) {
    all = decode(client_frame(0x88, close_payload(ok)));
    EXPECT_EQ(all[0].kind, Frame::Kind::Close) << ok;
    EXPECT_EQ(all[0].close_code, ok);
  }
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1012, 1015, 2999, 5000, 65535}) {
    EXPECT_EQ(error_code(client_frame(0x88, close_payload(bad))), kCloseProtocolError) << bad;
  }
  EXPECT_EQ(error_code(client_frame(0x88, "\x03")), kCloseProtocolError);
  EXPECT_EQ(error_code(client_frame(0x88, close_payload(1000, "\xff"))), kCloseInvalidData);
}

TEST(WebSocketFrame, NothingAfterClose) {
  FrameDecoder d(1000);
  d.append(client_frame(0x88, close_payload(1000)) + text("late"));
  EXPECT_EQ(d.next()->kind, Frame::Kind::Close);
  EXPECT_FALSE(d.next());
  d.append(text("later"));
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(WebSocketFrame, LargeTrickledStreamStaysCompact) {
  FrameDecoder d(1 << 16);
  const auto frame = text(std::string(1000, 'm'));
  std::size_t messages = 0;
  for (int i = 0; i < 2000; ++i) {
    for (std::size_t at = 0; at < frame.size(); at += 97) d.append(frame.substr(at, 97));
    while (auto f = d.next()) {
      ASSERT_EQ(f->kind, Frame::Kind::Text);
      ++messages;
    }
    EXPECT_LT(d.buffered(), frame.size());
  }
  EXPECT_EQ(messages, 2000u);
}

TEST(WebSocketFrame, HeaderEncoding) {
  const auto header = [](std::size_t n) {
    std::string out;
    append_frame_header(Opcode::Text, n, out);
    return out;
  };
  EXPECT_EQ(header(0), std::string("\x81\x00", 2));
  EXPECT_EQ(header(125), "\x81\x7d");
  EXPECT_EQ(header(126), std::string("\x81\x7e\x00\x7e", 4));
  EXPECT_EQ(header(65535), "\x81\x7e\xff\xff");
  EXPECT_EQ(header(65536), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  std::string close;
  append_frame_header(Opcode::Close, 2, close);
  EXPECT_EQ(close, "\x88\x02");
}

TEST(WebSocketFrame, PongFrame) {
  EXPECT_EQ(pong_frame("Hello"), "\x8a\x05Hello");
  EXPECT_EQ(pong_frame(""), std::string("\x8a\x00", 2));
}

TEST(WebSocketFrame, CloseFrameReasonIsTruncatedAtUtf8Boundary) {
  EXPECT_EQ(close_frame(1000, "bye"),
            "\x88\x05\x03\xe8"
            "bye");
  EXPECT_EQ(close_frame(1002, ""), "\x88\x02\x03\xea");
  const auto long_ascii = close_frame(1009, std::string(200, 'a'));
  EXPECT_EQ(long_ascii.size(), 2u + 125u);
  EXPECT_EQ(static_cast<unsigned char>(long_ascii[1]), 125);
  // 122 ASCII bytes then a 2-byte character: it would end at byte 124 of the reason, so it goes.
  const auto cut = close_frame(1000, std::string(122, 'a') + "\xc3\xa9" + "tail");
  EXPECT_EQ(cut.size(), 2u + 2u + 122u);
  EXPECT_TRUE(is_valid_utf8(cut.substr(4)));
  // 121 ASCII bytes and the same character fit exactly.
  const auto exact = close_frame(1000, std::string(121, 'a') + "\xc3\xa9" + "tail");
  EXPECT_EQ(exact.size(), 2u + 125u);
  EXPECT_EQ(exact.substr(exact.size() - 2), "\xc3\xa9");
}

TEST(WebSocketFrame, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));      // U+1F600, an emoji
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));          // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is a character
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));             // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));             // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));         // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));     // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));         // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));         // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));     // U+110000
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));      // truncated emoji
  EXPECT_FALSE(is_valid_utf8("\xe2\x28\xa1"));      // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98\x28"));  // bad last continuation
}

}  // namespace
}  // namespace ampd::ws
