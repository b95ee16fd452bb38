#include "ws_client.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace ampd::test {

std::uint16_t WsFrame::close_code() const {
  if (opcode != 8 || payload.size() < 2) return 0;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                    static_cast<unsigned char>(payload[1]));
}

WsClient::WsClient(int port) : client_(std::make_unique<Client>(port)) {}

std::string WsClient::expected_accept(const std::string& key) {
  Poco::SHA1Engine sha1;
  sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  const auto& digest = sha1.digest();
  std::ostringstream out;
  Poco::Base64Encoder base64(out);
  base64.write(reinterpret_cast<const char*>(digest.data()),
               static_cast<std::streamsize>(digest.size()));
  base64.close();
  return out.str();
}

std::string WsClient::handshake(const std::vector<std::string>& extra_headers,
                                const std::string& path) {
  std::string request = "GET " + path +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: " +
                        key_ + "\r\nSec-WebSocket-Version: 13\r\n";
  for (const auto& h : extra_headers) request += h + "\r\n";
  client_->send(request + "\r\n");
  return client_->read_until("\r\n\r\n");
}

void WsClient::send_frame(std::uint8_t opcode, const std::string& payload, bool fin, bool mask,
                          std::uint8_t rsv) {
  std::string frame;
  frame.push_back(static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | opcode));
  const std::uint8_t mask_bit = mask ? 0x80 : 0;
  const auto n = payload.size();
  if (n < 126) {
    frame.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    frame.push_back(static_cast<char>(mask_bit | 126));
    frame.push_back(static_cast<char>(n >> 8));
    frame.push_back(static_cast<char>(n & 0xFF));
  } else {
    frame.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(n >> shift));
  }
  const char key[4] = {'\x37', '\xfa', '\x21', '\x3d'};
  if (mask) frame.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) {
    frame.push_back(mask ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
  }
  client_->send(frame);
}

WsFrame WsClient::read_frame() {
  WsFrame frame;
  const auto head = client_->read_bytes(2);
  if (head.size() != 2) {
    frame.timed_out = true;
    return frame;
  }
  const auto b0 = static_cast<unsigned char>(head[0]);
  const auto b1 = static_cast<unsigned char>(head[1]);
  frame.fin = (b0 & 0x80) != 0;
  frame.opcode = b0 & 0x0F;
  std::uint64_t length = b1 & 0x7F;
  std::string extended;
  if (length == 126) extended = client_->read_bytes(2);
  if (length == 127) extended = client_->read_bytes(8);
  if (length >= 126) {
    length = 0;
    for (const char c : extended) length = (length << 8) | static_cast<unsigned char>(c);
  }
  std::string key;
  frame.masked = (b1 & 0x80) != 0;
  if (frame.masked) key = client_->read_bytes(4);
  frame.payload = length > 0 ? client_->read_bytes(length) : std::string();
  if (frame.payload.size() != length) frame.timed_out = true;
  if (key.size() == 4) {
    for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= key[i % 4];
  }
  return frame;
}

std::string WsClient::read_text() {
  const auto frame = read_frame();
  return frame.opcode == 1 ? frame.payload : std::string();
}

}  // namespace ampd::test
