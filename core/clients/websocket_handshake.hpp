// The server side of the WebSocket opening handshake (RFC 6455 section 4.2), without I/O:
// decides on a parsed request and produces the response bytes. Subprotocols and extensions are
// never negotiated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clients/http_request.hpp"

namespace ampd::ws {

// base64(SHA-1(key + the RFC's GUID)): the Sec-WebSocket-Accept value for a key.
std::string websocket_accept(std::string_view key);

struct HandshakeDecision {
  bool accepted = false;
  int status = 0;        // 101 when accepted
  std::string response;  // the whole response to send
  std::string error;     // refused: what was wrong (also the response body)
};

// Checks an upgrade request: GET, HTTP/1.1 or later, Host, Upgrade: websocket, Connection:
// upgrade, Sec-WebSocket-Version: 13 (else 426), a Sec-WebSocket-Key of 16 bytes, and the
// Origin. Without an Origin header (not a browser) any origin is fine; with one, an empty
// `allowed_origins` means same-origin only (Origin's host[:port] equals Host), "*" allows any,
// otherwise the Origin must equal an entry (scheme://host[:port], case-insensitive).
HandshakeDecision decide_websocket_handshake(const HttpRequest& request,
                                             const std::vector<std::string>& allowed_origins);

// True when the request asks for a WebSocket (Upgrade: websocket); otherwise it is plain HTTP.
bool is_websocket_upgrade(const HttpRequest& request);

}  // namespace ampd::ws
