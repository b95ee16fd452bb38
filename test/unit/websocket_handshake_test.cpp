#include "clients/websocket_handshake.hpp"

#include <gtest/gtest.h>

namespace ampd::ws {
namespace {

HttpRequest upgrade_request() {
  HttpRequest r;
  r.method = "GET";
  r.target = "/ws";
  r.version = "HTTP/1.1";
  r.headers = {{"Host", "pbx.example:5041"},
               {"Upgrade", "websocket"},
               {"Connection", "Upgrade"},
               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
               {"Sec-WebSocket-Version", "13"}};
  return r;
}

void set_header(HttpRequest& r, std::string_view name, std::string value) {
  for (auto& h : r.headers) {
    if (h.name == name) {
      h.value = std::move(value);
      return;
    }
  }
  r.headers.push_back({std::string(name), std::move(value)});
}

void drop_header(HttpRequest& r, std::string_view name) {
  std::erase_if(r.headers, [&](const HttpHeader& h) { return h.name == name; });
}

TEST(WebSocketHandshake, RfcAcceptExample) {
  EXPECT_EQ(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, Accepts) {
  const auto d = decide_websocket_handshake(upgrade_request(), {});
  EXPECT_TRUE(d.accepted);
  EXPECT_EQ(d.status, 101);
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(d.response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "\r\n");
}

TEST(WebSocketHandshake, TokensAreCaseInsensitiveListsAndOthersIgnored) {
  auto r = upgrade_request();
  set_header(r, "Upgrade", "h2c, WebSocket");
  set_header(r, "Connection", "keep-alive, UPGRADE");
  r.headers.push_back({"Sec-WebSocket-Protocol", "chat"});
  r.headers.push_back({"Sec-WebSocket-Extensions", "permessage-deflate"});
  const auto d = decide_websocket_handshake(r, {});
  EXPECT_TRUE(d.accepted);
  EXPECT_EQ(d.response.find("Sec-WebSocket-Protocol"), std::string::npos);
  EXPECT_EQ(d.response.find("Extensions"), std::string::npos);
  EXPECT_TRUE(is_websocket_upgrade(r));
}

TEST(WebSocketHandshake, PlainGetIsNotAnUpgrade) {
  auto r = upgrade_request();
  drop_header(r, "Upgrade");
  EXPECT_FALSE(is_websocket_upgrade(r));
  set_header(r, "Upgrade", "h2c");
  EXPECT_FALSE(is_websocket_upgrade(r));
}

// A refusal is a complete small text/plain response that closes the connection.
void expect_refused(const HandshakeDecision& d, int status, std::string_view error_part) {
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.status, status);
  EXPECT_NE(d.error.find(error_part), std::string::npos) << d.error;
  EXPECT_EQ(d.response.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0), 0u) << d.response;
  EXPECT_NE(d.response.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(d.response.find("Connection: close\r\n"), std::string::npos);
  const auto body = d.error + "\n";
  EXPECT_NE(d.response.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(d.response.substr(d.response.size() - body.size()), body);
}

TEST(WebSocketHandshake, Refusals) {
  auto r = upgrade_request();
  r.method = "POST";
  expect_refused(decide_websocket_handshake(r, {}), 405, "GET");

  r = upgrade_request();
  r.version = "HTTP/1.0";
  expect_refused(decide_websocket_handshake(r, {}), 400, "HTTP/1.1");

  r = upgrade_request();
  drop_header(r, "Host");
  expect_refused(decide_websocket_handshake(r, {}), 400, "Host");

  r = upgrade_request();
  set_header(r, "Upgrade", "h2c");
  expect_refused(decide_websocket_handshake(r, {}), 400, "Upgrade");

  r = upgrade_request();
  set_header(r, "Connection", "keep-alive");
  expect_refused(decide_websocket_handshake(r, {}), 400, "Connection");

  r = upgrade_request();
  drop_header(r, "Sec-WebSocket-Key");
  expect_refused(decide_websocket_handshake(r, {}), 400, "Sec-WebSocket-Key");

  for (const char* bad_key : {"", "short==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=",
                              "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub2!jZQ==",
                              "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNh bXBsZSBub25jZQ=="}) {
    r = upgrade_request();
    set_header(r, "Sec-WebSocket-Key", bad_key);
    expect_refused(decide_websocket_handshake(r, {}), 400, "16 bytes");
  }
}

TEST(WebSocketHandshake, VersionOtherThan13Is426) {
  for (const char* version : {"8", "12", "14", "13, 8", ""}) {
    auto r = upgrade_request();
    set_header(r, "Sec-WebSocket-Version", version);
    const auto d = decide_websocket_handshake(r, {});
    expect_refused(d, 426, "13");
    EXPECT_NE(d.response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
  }
  auto r = upgrade_request();
  drop_header(r, "Sec-WebSocket-Version");
  expect_refused(decide_websocket_handshake(r, {}), 426, "13");
}

bool origin_ok(std::string origin, const std::vector<std::string>& allowed,
               std::string host = "pbx.example:5041") {
  auto r = upgrade_request();
  set_header(r, "Host", std::move(host));
  set_header(r, "Origin", origin);
  const auto d = decide_websocket_handshake(r, allowed);
  if (!d.accepted) expect_refused(d, 403, "origin not allowed: " + origin);
  return d.accepted;
}

TEST(WebSocketHandshake, NoOriginIsAllowed) {
  EXPECT_TRUE(decide_websocket_handshake(upgrade_request(), {"https://only.example"}).accepted);
}

TEST(WebSocketHandshake, SameOriginWhenNoListIsConfigured) {
  EXPECT_TRUE(origin_ok("http://pbx.example:5041", {}));
  EXPECT_TRUE(origin_ok("https://PBX.example:5041", {}));
  EXPECT_TRUE(origin_ok("http://pbx.example:5041/", {}));
  EXPECT_TRUE(origin_ok("http://pbx.example", {}, "pbx.example"));
  EXPECT_TRUE(origin_ok("http://pbx.example", {}, "pbx.example:80"));
  EXPECT_TRUE(origin_ok("https://pbx.example", {}, "pbx.example:443"));
  EXPECT_FALSE(origin_ok("https://pbx.example", {}, "pbx.example:80"));
  EXPECT_FALSE(origin_ok("http://pbx.example:5042", {}));
  EXPECT_FALSE(origin_ok("http://evil.example:5041", {}));
  EXPECT_FALSE(origin_ok("http://pbx.example.evil:5041", {}));
  EXPECT_FALSE(origin_ok("null", {}));
  EXPECT_FALSE(origin_ok("pbx.example:5041", {}));  // no scheme
}

TEST(WebSocketHandshake, AllowList) {
  const std::vector<std::string> allowed = {"https://wallboard.example", "http://10.0.0.5:8080/"};
  EXPECT_TRUE(origin_ok("https://wallboard.example", allowed));
  EXPECT_TRUE(origin_ok("HTTPS://Wallboard.Example/", allowed));
  EXPECT_TRUE(origin_ok("http://10.0.0.5:8080", allowed));
  EXPECT_FALSE(origin_ok("http://wallboard.example", allowed));  // scheme differs
  EXPECT_FALSE(origin_ok("https://wallboard.example:8443", allowed));
  EXPECT_FALSE(origin_ok("http://pbx.example:5041", allowed));  // same-origin is not implied
  EXPECT_FALSE(origin_ok("null", allowed));
}

TEST(WebSocketHandshake, WildcardAllowsAny) {
  EXPECT_TRUE(origin_ok("https://anything.example", {"*"}));
  EXPECT_TRUE(origin_ok("null", {"https://a.example", "*"}));
}

}  // namespace
}  // namespace ampd::ws
