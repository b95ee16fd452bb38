#include "clients/websocket_handshake.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <iterator>
#include <sstream>

#include "base/text.hpp"
#include "clients/http_response.hpp"

namespace ampd::ws {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// True when any of the header's comma-separated values equals `token` (case-insensitive).
bool has_token(const HttpRequest& request, std::string_view header, std::string_view token) {
  for (auto value : request.header_values(header)) {
    for (const auto& item : split_list(value)) {
      if (iequals(item, token)) return true;
    }
  }
  return false;
}

// A key is the base64 form of 16 bytes: 22 characters and "==".
bool valid_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '+' && c != '/') return false;
  }
  try {
    std::istringstream in{std::string(key)};
    Poco::Base64Decoder decoder(in);
    const std::string bytes(std::istreambuf_iterator<char>(decoder), {});
    return bytes.size() == 16;
  } catch (const std::exception&) {
    return false;
  }
}

std::string_view without_trailing_slash(std::string_view s) {
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// Same-origin: the Origin's host[:port] equals Host, a default port being optional on either.
bool same_origin(std::string_view origin, std::string_view host) {
  origin = without_trailing_slash(origin);
  const auto sep = origin.find("://");
  if (sep == std::string_view::npos) return false;
  const auto scheme = to_lower(origin.substr(0, sep));
  const auto origin_host = origin.substr(sep + 3);
  if (iequals(origin_host, host)) return true;
  const std::string default_port = scheme == "https" || scheme == "wss" ? ":443" : ":80";
  return iequals(std::string(origin_host) + default_port, host) ||
         iequals(origin_host, std::string(host) + default_port);
}

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (allowed.empty()) return same_origin(origin, host);
  for (const auto& entry : allowed) {
    if (entry == "*") return true;
    if (iequals(without_trailing_slash(entry), without_trailing_slash(origin))) return true;
  }
  return false;
}

HandshakeDecision refuse(int status, std::string error, std::string_view extra_headers = {}) {
  HandshakeDecision d;
  d.status = status;
  d.response =
      http_response(status, "text/plain; charset=utf-8", error + "\n", false, extra_headers);
  d.error = std::move(error);
  return d;
}

}  // namespace

std::string websocket_accept(std::string_view key) {
  Poco::SHA1Engine sha1;
  sha1.update(key.data(), static_cast<unsigned>(key.size()));
  sha1.update(kGuid.data(), static_cast<unsigned>(kGuid.size()));
  const Poco::DigestEngine::Digest& digest = sha1.digest();
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(digest.data()),
                static_cast<std::streamsize>(digest.size()));
  encoder.close();
  return out.str();
}

bool is_websocket_upgrade(const HttpRequest& request) {
  return has_token(request, "Upgrade", "websocket");
}

HandshakeDecision decide_websocket_handshake(const HttpRequest& request,
                                             const std::vector<std::string>& allowed_origins) {
  if (request.method != "GET") {
    return refuse(405, "WebSocket upgrade needs GET, not " + request.method, "Allow: GET\r\n");
  }
  if (request.version < "HTTP/1.1") return refuse(400, "WebSocket upgrade needs HTTP/1.1");
  const auto host = request.header("Host");
  if (!host || host->empty()) return refuse(400, "missing Host header");
  if (!is_websocket_upgrade(request)) return refuse(400, "missing Upgrade: websocket");
  if (!has_token(request, "Connection", "upgrade")) {
    return refuse(400, "missing Connection: Upgrade");
  }
  const auto version = request.header("Sec-WebSocket-Version");
  if (!version || *version != "13") {
    return refuse(426, "unsupported Sec-WebSocket-Version (need 13)",
                  "Sec-WebSocket-Version: 13\r\n");
  }
  const auto key = request.header("Sec-WebSocket-Key");
  if (!key) return refuse(400, "missing Sec-WebSocket-Key");
  if (!valid_key(*key)) return refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");
  if (const auto origin = request.header("Origin")) {
    if (!origin_allowed(*origin, *host, allowed_origins)) {
      return refuse(403, "origin not allowed: " + std::string(*origin));
    }
  }

  HandshakeDecision d;
  d.accepted = true;
  d.status = 101;
  d.response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      websocket_accept(*key) + "\r\n\r\n";
  return d;
}

}  // namespace ampd::ws
