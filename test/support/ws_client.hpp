// A WebSocket client for integration tests, written from RFC 6455 independently of ampd's own
// framing code, over a test Client (so every read has a deadline).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client.hpp"

namespace ampd::test {

struct WsFrame {
  bool fin = true;
  std::uint8_t opcode = 0;  // 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
  std::string payload;
  bool masked = false;     // a server must never mask; tests check
  bool timed_out = false;  // nothing (complete) arrived in time, or the connection closed
  std::uint16_t close_code() const;
};

class WsClient {
 public:
  // Connects to `port` (a ws listener, or a TLS bridge in front of a wss one).
  explicit WsClient(int port);
  Client& raw() { return *client_; }

  // Sends the upgrade request; returns the response head (status line and headers, through the
  // blank line).
  std::string handshake(const std::vector<std::string>& extra_headers = {},
                        const std::string& path = "/ws");
  static std::string expected_accept(const std::string& key);
  const std::string& key() const { return key_; }

  // One masked frame (`mask` false sends it unmasked, which a server must refuse).
  void send_frame(std::uint8_t opcode, const std::string& payload, bool fin = true,
                  bool mask = true, std::uint8_t rsv = 0);
  void send_text(const std::string& text) { send_frame(1, text); }
  WsFrame read_frame();
  // The next text message's payload, answering nothing; "" on timeout.
  std::string read_text();

 private:
  std::unique_ptr<Client> client_;
  std::string key_ = "dGhlIHNhbXBsZSBub25jZQ==";
};

}  // namespace ampd::test
