// WebSocket clients through the real binary: the handshake and its refusals, framing rules,
// every format over WebSocket, events, the page served on the same listener, and wss.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "ampd_instance.hpp"
#include "process.hpp"
#include "ws_client.hpp"

namespace ampd::test {
namespace {

// The port of the first "(<kind> port N)" line, wherever it is in the log.
int logged_port(AmpdInstance& ampd, const std::string& kind) {
  const auto needle = "(" + kind + " port ";
  if (ampd.process().output().find(needle) == std::string::npos) {
    ampd.process().wait_for_line(needle);
  }
  const auto& log = ampd.process().output();
  const auto pos = log.find(needle);
  return pos == std::string::npos ? 0 : std::stoi(log.substr(pos + needle.size()));
}

std::string ws_server(const TempDir& web, const std::string& extra = "") {
  return "listen_ws = 127.0.0.1:0\nweb_root = " + web.file("") + "\nlogin_timeout = 2000\n" + extra;
}

const std::string kPage = "<!doctype html><title>wallboard</title><h1>Queues</h1>\n";

class WebSocket : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    web_ = new TempDir;
    web_->write("index.html", kPage);
    web_->write("wallboard.js", "console.log('hi');\n");
    sim_ = new SimInstance;
    ampd_ = new AmpdInstance(
        {.server = ws_server(*web_, "max_message_size = 4096\n"), .sections = sim_->section()});
    port_ = logged_port(*ampd_, "ws");
  }
  static void TearDownTestSuite() {
    delete ampd_;
    delete sim_;
    delete web_;
  }

  // A WebSocket client logged in as `user`; `extra` adds login headers (native). Events are off
  // unless asked for: the suite shares one simulator, whose calls would reach every test.
  static std::unique_ptr<WsClient> login(const std::string& user,
                                         const std::string& extra = "Events: off\r\n") {
    auto ws = std::make_unique<WsClient>(port_);
    const auto head = ws->handshake();
    EXPECT_EQ(head.rfind("HTTP/1.1 101", 0), 0u) << head;
    ws->send_text("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\n" + extra);
    const auto answer = ws->read_text();
    EXPECT_NE(answer.find("ccepted"), std::string::npos) << answer;
    return ws;
  }

  static TempDir* web_;
  static SimInstance* sim_;
  static AmpdInstance* ampd_;
  static int port_;
};
TempDir* WebSocket::web_ = nullptr;
SimInstance* WebSocket::sim_ = nullptr;
AmpdInstance* WebSocket::ampd_ = nullptr;
int WebSocket::port_ = 0;

TEST_F(WebSocket, HandshakeThenOneNativeMessagePerTextMessage) {
  WsClient ws(port_);
  const auto head = ws.handshake();
  EXPECT_EQ(head.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos)
      << head;
  // No banner: the first message is the answer to the client's first one, whose blank line
  // may be left out (the WebSocket message ends it).
  ws.send_text("Action: Login\r\nUsername: mon\r\nSecret: secret\r\nActionID: in");
  const auto login = ws.read_frame();
  EXPECT_EQ(login.opcode, 1);
  EXPECT_TRUE(login.fin);
  EXPECT_FALSE(login.masked);
  EXPECT_NE(login.payload.find("Response: Success\r\n"), std::string::npos) << login.payload;
  EXPECT_NE(login.payload.find("ActionID: in\r\n"), std::string::npos) << login.payload;
  ws.send_text("Action: Ping\nActionID: p1\n\n");
  const auto pong = ws.read_text();
  // Logged in without Type: Asterisk's shape.
  EXPECT_EQ(pong.rfind("Response: Success\r\nActionID: p1\r\n", 0), 0u) << pong;
}

TEST_F(WebSocket, XmlInAndOutAndACommandForwardedToAsterisk) {
  auto ws = login("xmlmon");
  ws->send_text("<command action=\"ServerVersion\" ActionID=\"v\"/>");
  const auto answer = ws->read_text();
  EXPECT_EQ(answer.rfind("<command action=\"serverversion\" response=\"Success\"", 0), 0u)
      << answer;
  EXPECT_NE(answer.find("ActionID=\"v\""), std::string::npos) << answer;
}

TEST_F(WebSocket, JsonInAndOut) {
  WsClient ws(port_);
  ASSERT_EQ(ws.handshake().rfind("HTTP/1.1 101", 0), 0u);
  ws.send_text(
      R"({"Action":"Login","Username":"mon","Secret":"secret","Format":"json","Events":false})");
  EXPECT_EQ(ws.read_text().rfind(R"({"Action":"Login","Response":"Success")", 0), 0u);
  ws.send_text(R"({"Action":"ServerVersion","ActionID":"v"})");
  const auto answer = ws.read_text();
  EXPECT_EQ(answer.rfind(R"({"Action":"ServerVersion","Response":"Success","ActionID":"v")", 0), 0u)
      << answer;
}

TEST_F(WebSocket, EachEventIsOneMessage) {
  auto mon = login("mon", "Events: on\r\n");
  auto admin = login("admin", "Type: administrator\r\nEvents: off\r\n");
  admin->send_text(
      "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: answer\r\n"
      "WaitMs: 10\r\nTalkMs: 10\r\nActionID: q");
  bool joined = false;
  for (int i = 0; i < 40 && !joined; ++i) {
    const auto frame = mon->read_frame();
    ASSERT_FALSE(frame.timed_out);
    ASSERT_EQ(frame.opcode, 1);
    // One message, exactly one Event header.
    EXPECT_EQ(frame.payload.find("Event: "), 0u) << frame.payload;
    EXPECT_EQ(frame.payload.find("\r\nEvent: "), std::string::npos) << frame.payload;
    joined = frame.payload.find("Event: QueueCallerJoin\r\n") == 0;
  }
  EXPECT_TRUE(joined);
}

TEST_F(WebSocket, FragmentsReassembleWithAPingBetween) {
  auto ws = login("mon");
  ws->send_frame(1, "Action: Pi", false);
  ws->send_frame(9, "are you there", true);
  ws->send_frame(0, "ng\r\nAction", false);
  ws->send_frame(0, "ID: frag\r\n", true);
  const auto pong = ws->read_frame();
  EXPECT_EQ(pong.opcode, 10);
  EXPECT_EQ(pong.payload, "are you there");
  EXPECT_NE(ws->read_text().find("ActionID: frag\r\n"), std::string::npos);
}

TEST_F(WebSocket, IncompleteMessageIsAnErrorAndTheSessionGoesOn) {
  auto ws = login("mon");
  ws->send_text("<command action=\"ping\" ActionID=\"x\"");
  EXPECT_NE(ws->read_text().find("Incomplete message"), std::string::npos);
  ws->send_text("Action: Ping\r\nActionID: after");
  EXPECT_NE(ws->read_text().find("ActionID: after\r\n"), std::string::npos);
}

// A client that sends without reading is held back (ampd stops reading it once its output is
// over its cap), then gets every answer, each its own message, in order, once it reads.
TEST_F(WebSocket, ClientThatDoesNotReadIsHeldBackThenAnsweredInOrder) {
  auto ws = login("mon");
  constexpr int kPings = 1'000'000;  // 45 MB sent: more than the cap and the kernel buffers hold
  std::atomic<int> sent{0};
  std::thread writer([&] {
    for (int i = 1; i <= kPings; ++i) {
      ws->send_text("Action: Ping\r\nActionID: " + std::to_string(i));
      sent.store(i);
    }
  });
  // ampd stops reading: the writer stalls short of the end.
  int last = -1;
  for (int round = 0; round < 100 && sent.load() != last && sent.load() < kPings; ++round) {
    last = sent.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_LT(sent.load(), kPings) << "ampd read every message without its answers being read";
  int in_order = 0;
  for (int i = 1; i <= kPings; ++i) {
    const auto answer = ws->read_text();
    if (answer.find("ActionID: " + std::to_string(i) + "\r\n") == std::string::npos) {
      ADD_FAILURE() << "answer " << i << " out of place: " << answer.substr(0, 200);
      ws->raw().close_write();  // ends the writer's blocked send
      break;
    }
    ++in_order;
  }
  writer.join();
  EXPECT_EQ(in_order, kPings);
  ws->send_text("Action: Ping\r\nActionID: after");
  EXPECT_NE(ws->read_text().find("ActionID: after\r\n"), std::string::npos);
}

// Each protocol violation ends the connection with the close code RFC 6455 names.
void expect_closed_with(WsClient& ws, std::uint16_t code) {
  const auto frame = ws.read_frame();
  EXPECT_EQ(frame.opcode, 8) << frame.payload;
  EXPECT_EQ(frame.close_code(), code) << frame.payload;
  EXPECT_TRUE(ws.raw().closed_by_peer());
}

TEST_F(WebSocket, UnmaskedClientFrameIsAProtocolError) {
  auto ws = login("mon");
  ws->send_frame(1, "Action: Ping", true, false);
  expect_closed_with(*ws, 1002);
}

TEST_F(WebSocket, ReservedBitsAreAProtocolError) {
  auto ws = login("mon");
  ws->send_frame(1, "Action: Ping", true, true, 4);
  expect_closed_with(*ws, 1002);
}

TEST_F(WebSocket, BinaryMessagesAreRefused) {
  auto ws = login("mon");
  ws->send_frame(2, "Action: Ping");
  expect_closed_with(*ws, 1003);
}

TEST_F(WebSocket, InvalidUtf8IsRefused) {
  auto ws = login("mon");
  ws->send_text("Action: Ping\r\nActionID: \xC3\x28");
  expect_closed_with(*ws, 1007);
}

TEST_F(WebSocket, AMessageOverTheSizeLimitIsRefusedBeforeItIsRead) {
  auto ws = login("mon");
  ws->send_frame(1, std::string(3000, 'a'), false);
  ws->send_frame(0, std::string(3000, 'b'), true);
  expect_closed_with(*ws, 1009);
}

TEST_F(WebSocket, CloseHandshakeIsAnswered) {
  auto ws = login("mon");
  ws->send_frame(8, std::string("\x03\xe8", 2) + "bye");
  expect_closed_with(*ws, 1000);
}

TEST_F(WebSocket, LogoffSaysGoodbyeThenCloses) {
  auto ws = login("mon");
  ws->send_text("Action: Logoff");
  EXPECT_NE(ws->read_text().find("Response: Goodbye"), std::string::npos);
  expect_closed_with(*ws, 1000);
}

TEST_F(WebSocket, ForeignOriginsAreRefusedSameOriginAndNoOriginAccepted) {
  WsClient foreign(port_);
  const auto refused = foreign.handshake({"Origin: http://evil.example"});
  EXPECT_EQ(refused.rfind("HTTP/1.1 403", 0), 0u) << refused;
  EXPECT_TRUE(foreign.raw().closed_by_peer());
  WsClient same(port_);
  EXPECT_EQ(same.handshake({"Origin: http://127.0.0.1"}).rfind("HTTP/1.1 101", 0), 0u);
  WsClient none(port_);
  EXPECT_EQ(none.handshake().rfind("HTTP/1.1 101", 0), 0u);
}

TEST_F(WebSocket, BadUpgradeRequestsGetHttpErrors) {
  Client old_version(port_);
  old_version.send(
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  const auto head = old_version.read_until("\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 426", 0), 0u) << head;
  EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos) << head;
  Client garbage(port_);
  garbage.send("HELLO\r\n\r\n");
  EXPECT_EQ(garbage.read_until("\r\n").rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(WebSocket, ThePageIsServedOnTheSameListener) {
  Client page(port_);
  page.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto head = page.read_until("\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(kPage.size()) + "\r\n"),
            std::string::npos)
      << head;
  EXPECT_EQ(page.read_bytes(kPage.size()), kPage);
  EXPECT_TRUE(page.closed_by_peer());

  Client script(port_);
  script.send("GET /wallboard.js?v=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(script.read_until("\r\n\r\n").find("text/javascript"), std::string::npos);
  Client missing(port_);
  missing.send("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(missing.read_until("\r\n").rfind("HTTP/1.1 404", 0), 0u);
  Client post(port_);
  post.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.read_until("\r\n").rfind("HTTP/1.1 405", 0), 0u);
}

TEST_F(WebSocket, ASilentConnectionIsClosedAtTheLoginTimeout) {
  Client silent(port_, std::chrono::seconds(6));
  EXPECT_TRUE(silent.closed_by_peer());
  WsClient quiet(port_);
  EXPECT_EQ(quiet.handshake().rfind("HTTP/1.1 101", 0), 0u);
  const auto frame = quiet.read_frame();  // the login-timeout error, then the close
  EXPECT_NE(frame.payload.find("Login timeout"), std::string::npos) << frame.payload;
  expect_closed_with(quiet, 1000);
}

TEST_F(WebSocket, TcpClientsOnTheOtherListenerAreUnaffected) {
  Client tcp(ampd_->port());
  EXPECT_EQ(tcp.read_line().rfind("Asterisk Call Manager/", 0), 0u);
}

// A client written separately on Python's standard library: handshake, login, a command
// forwarded to Asterisk, ping/pong and the close handshake.
TEST_F(WebSocket, PythonStandardLibraryClient) {
  std::string out;
  EXPECT_EQ(
      run_command({"/usr/bin/env", "python3", WS_CLIENT_SCRIPT, "--port", std::to_string(port_),
                   "--send", "Action: ServerVersion\r\nActionID: py", "--expect", "1"},
                  "", out),
      0)
      << out;
  EXPECT_NE(out.find("HANDSHAKE OK"), std::string::npos) << out;
  EXPECT_NE(out.find("Authentication accepted"), std::string::npos) << out;
  EXPECT_NE(out.find("ActionID: py"), std::string::npos) << out;
  EXPECT_NE(out.find("DONE"), std::string::npos) << out;
}

TEST(WebSocketConfig, AllowedOriginsListIsHonoured) {
  TempDir web;
  web.write("index.html", kPage);
  AmpdInstance ampd({.server = ws_server(
                         web, "allowed_origins = https://board.example, http://10.0.0.5:8080\n")});
  const int port = logged_port(ampd, "ws");
  WsClient listed(port);
  EXPECT_EQ(listed.handshake({"Origin: https://board.example"}).rfind("HTTP/1.1 101", 0), 0u);
  WsClient other_port(port);
  EXPECT_EQ(other_port.handshake({"Origin: http://10.0.0.5:9090"}).rfind("HTTP/1.1 403", 0), 0u);
  WsClient same_origin(port);  // not listed: with a list, only the list counts
  EXPECT_EQ(same_origin.handshake({"Origin: http://127.0.0.1"}).rfind("HTTP/1.1 403", 0), 0u);
}

TEST(WebSocketConfig, AMessageLeftUnfinishedIsCutOffAtTheMessageTimeout) {
  TempDir web;
  web.write("index.html", kPage);
  AmpdInstance ampd({.server = ws_server(web, "message_timeout = 600\n")});
  const int port = logged_port(ampd, "ws");
  WsClient ws(port);
  EXPECT_EQ(ws.handshake().rfind("HTTP/1.1 101", 0), 0u);
  // The first fragment of a message whose end never comes.
  ws.send_frame(1, "Action: Ping\r\n", false);
  const auto started = std::chrono::steady_clock::now();
  const auto frame = ws.read_frame();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  EXPECT_NE(frame.payload.find("Message not completed within 600 ms"), std::string::npos)
      << frame.payload;
  EXPECT_TRUE(ws.raw().closed_by_peer());
  // Half an HTTP request is cut off the same way.
  Client half(port);
  half.send("GET /ws HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(half.closed_by_peer());
}

TEST(WebSocketConfig, BadOriginAndMissingTlsKeysAreReported) {
  TempDir dir;
  dir.write("ampd.ini",
            "[server]\nlisten_ws = 127.0.0.1:0\nallowed_origins = board.example\n"
            "listen_wss = 127.0.0.1:0\n");
  std::string out;
  EXPECT_EQ(run_command({AMPD_BINARY, "--check-config", "--config-file=" + dir.file("ampd.ini")},
                        "", out),
            1);
  EXPECT_NE(out.find("allowed_origins: each origin is scheme://host[:port] or *"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("tls_certificate: required when listen_wss is set"), std::string::npos) << out;
}

}  // namespace
}  // namespace ampd::test
