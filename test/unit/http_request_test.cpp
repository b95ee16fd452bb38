#include "clients/http_request.hpp"

#include <gtest/gtest.h>

#include "clients/http_response.hpp"

namespace ampd {
namespace {

using State = HttpRequestReader::State;

const std::string kUpgrade =
    "GET /ws?x=1 HTTP/1.1\r\n"
    "Host: pbx.example:5041\r\n"
    "Upgrade: websocket\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "X-Multi: one\r\n"
    "x-multi:   two  \t\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

TEST(HttpRequest, ParsesAWholeHead) {
  HttpRequestReader r;
  ASSERT_EQ(r.append(kUpgrade), State::Complete);
  const auto& q = r.request();
  EXPECT_EQ(q.method, "GET");
  EXPECT_EQ(q.target, "/ws?x=1");
  EXPECT_EQ(q.version, "HTTP/1.1");
  EXPECT_EQ(q.headers.size(), 7u);
  EXPECT_EQ(q.header("host"), "pbx.example:5041");
  EXPECT_EQ(q.header("UPGRADE"), "websocket");
  EXPECT_EQ(q.header("X-Multi"), "one");
  EXPECT_EQ(q.header_values("X-MULTI"), (std::vector<std::string_view>{"one", "two"}));
  EXPECT_FALSE(q.header("Origin"));
  EXPECT_EQ(r.rest(), "");
}

TEST(HttpRequest, SplitArrivalsByteAtATime) {
  HttpRequestReader r;
  for (std::size_t i = 0; i + 1 < kUpgrade.size(); ++i) {
    ASSERT_EQ(r.append(kUpgrade.substr(i, 1)), State::Incomplete) << i;
  }
  ASSERT_EQ(r.append(kUpgrade.substr(kUpgrade.size() - 1)), State::Complete);
  EXPECT_EQ(r.request().header("Sec-WebSocket-Version"), "13");
  EXPECT_EQ(r.request().headers.size(), 7u);
}

TEST(HttpRequest, BareLineFeeds) {
  HttpRequestReader r;
  ASSERT_EQ(r.append("GET / HTTP/1.1\nHost: a\nAccept: */*\n\n"), State::Complete);
  EXPECT_EQ(r.request().target, "/");
  EXPECT_EQ(r.request().header("Host"), "a");
  EXPECT_EQ(r.request().header("Accept"), "*/*");
}

TEST(HttpRequest, NoHeadersAndLeadingEmptyLines) {
  HttpRequestReader r;
  ASSERT_EQ(r.append("\r\n\nGET /x HTTP/1.0\r\n\r\n"), State::Complete);
  EXPECT_EQ(r.request().target, "/x");
  EXPECT_EQ(r.request().version, "HTTP/1.0");
  EXPECT_TRUE(r.request().headers.empty());
}

TEST(HttpRequest, BytesAfterTheHeadAreKept) {
  HttpRequestReader r;
  const std::string frame("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  ASSERT_EQ(r.append(kUpgrade + frame.substr(0, 4)), State::Complete);
  EXPECT_EQ(r.rest(), frame.substr(0, 4));
  EXPECT_EQ(r.append(frame.substr(4)), State::Complete);
  EXPECT_EQ(r.take_rest(), frame);
  EXPECT_EQ(r.rest(), "");
  EXPECT_EQ(r.request().header("Host"), "pbx.example:5041");  // still valid
}

State state_of(std::string_view head, std::string* error = nullptr, int* status = nullptr) {
  HttpRequestReader r;
  const auto s = r.append(head);
  if (error) *error = r.error();
  if (status) *status = r.error_status();
  return s;
}

TEST(HttpRequest, MalformedHeads) {
  for (const char* bad : {
           "GET /\r\n\r\n",                                  // two parts
           "GET  / HTTP/1.1\r\n\r\n",                        // empty target
           "GET / HTTP/1.1 extra\r\n\r\n",                   // four parts
           "G(T / HTTP/1.1\r\n\r\n",                         // method not a token
           " GET / HTTP/1.1\r\n\r\n",                        // leading space
           "GET /\x01 HTTP/1.1\r\n\r\n",                     // control character in the target
           "GET / HTTP/1.1\r\nNoColon\r\n\r\n",              // header without a colon
           "GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n",  // obs-fold
           "GET / HTTP/1.1\r\nHost : a\r\n\r\n",             // space before the colon
           "GET / HTTP/1.1\r\n: a\r\n\r\n",                  // empty name
           "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",              // stray CR in a value
       }) {
    std::string error;
    int status = 0;
    EXPECT_EQ(state_of(bad, &error, &status), State::Error) << bad;
    EXPECT_FALSE(error.empty()) << bad;
    EXPECT_EQ(status, 400) << bad;
  }
}

TEST(HttpRequest, VersionMustBeHttp1) {
  for (const char* bad : {"GET / HTTP/2.0\r\n\r\n", "GET / HTTP/1.10\r\n\r\n",
                          "GET / HTTP/1.x\r\n\r\n", "GET / http/1.1\r\n\r\n"}) {
    int status = 0;
    EXPECT_EQ(state_of(bad, nullptr, &status), State::Error) << bad;
    EXPECT_EQ(status, 505) << bad;
  }
}

TEST(HttpRequest, HeadTooLarge) {
  std::string head = "GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'a');
  std::string error;
  int status = 0;
  EXPECT_EQ(state_of(head, &error, &status), State::Error);
  EXPECT_EQ(status, 431);
  EXPECT_NE(error.find("too large"), std::string::npos);

  // Exactly 8 KiB including the final blank line is fine; one byte more is not.
  const std::string start = "GET / HTTP/1.1\r\nX: ";
  const auto fill = HttpRequestReader::kMaxHead - start.size() - 4;
  EXPECT_EQ(state_of(start + std::string(fill, 'a') + "\r\n\r\n"), State::Complete);
  EXPECT_EQ(state_of(start + std::string(fill + 1, 'a') + "\r\n\r\n"), State::Error);

  // Trickled: fails as soon as the limit is passed, not at the end.
  HttpRequestReader r;
  std::size_t fed = 0;
  while (r.append("x") == State::Incomplete) ++fed;
  EXPECT_EQ(fed, HttpRequestReader::kMaxHead);
  EXPECT_EQ(r.append("more"), State::Error);  // stays failed
}

TEST(HttpRequest, TooManyHeaders) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (std::size_t i = 0; i < HttpRequestReader::kMaxHeaders; ++i) head += "A: b\r\n";
  EXPECT_EQ(state_of(head + "\r\n"), State::Complete);
  int status = 0;
  EXPECT_EQ(state_of(head + "A: b\r\n\r\n", nullptr, &status), State::Error);
  EXPECT_EQ(status, 431);
}

TEST(HttpResponse, PlainResponse) {
  const auto r = http_response(404, "text/plain; charset=utf-8", "no such page\n");
  EXPECT_EQ(r,
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 13\r\n"
            "Connection: close\r\n"
            "Cache-Control: no-cache\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "\r\n"
            "no such page\n");
}

TEST(HttpResponse, HeadOnlyAndExtraHeaders) {
  const auto r = http_response(200, "text/html", "<p>hi</p>", true, "X-A: 1\r\n");
  EXPECT_EQ(r.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_NE(r.find("Content-Length: 9\r\n"), std::string::npos);
  EXPECT_NE(r.find("X-A: 1\r\n\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");  // no body
}

TEST(HttpResponse, StatusTexts) {
  EXPECT_EQ(http_status_text(400), "Bad Request");
  EXPECT_EQ(http_status_text(403), "Forbidden");
  EXPECT_EQ(http_status_text(405), "Method Not Allowed");
  EXPECT_EQ(http_status_text(426), "Upgrade Required");
  EXPECT_EQ(http_status_text(431), "Request Header Fields Too Large");
  EXPECT_EQ(http_status_text(799), "Unknown");
}

}  // namespace
}  // namespace ampd
