// TLS for clients ([server] listen_tls) through the real ampd binary and real TLS clients:
// Python's ssl module (tls_bridge.py relays a test Client's bytes over TLS, so the checks read
// like every other integration test) and openssl s_client. The certificate is a self-signed
// one made with the openssl binary at test time.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

// The full path of a program on PATH (run_command and Process do not search), or "".
std::string program(const std::string& name) {
  std::string out;
  if (run_command({"/bin/sh", "-c", "command -v " + name}, "", out) != 0) return {};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}
const std::string& openssl() {
  static const std::string path = program("openssl");
  return path;
}
const std::string& python3() {
  static const std::string path = program("python3");
  return path;
}

// Why the TLS tests cannot run here, or "" when they can.
const std::string& missing_tools() {
  static const std::string missing = [] {
    std::string m;
    if (openssl().empty()) m += "the openssl binary is not installed; ";
    if (python3().empty()) m += "python3 is not installed; ";
    return m;
  }();
  return missing;
}

// Makes a self-signed certificate for localhost (and 127.0.0.1) with its key in `dir`.
void make_certificate(const TempDir& dir, const std::string& cert, const std::string& key) {
  std::string out;
  const int rc = run_command({openssl(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                              "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days",
                              "1", "-keyout", dir.file(key), "-out", dir.file(cert)},
                             "", out);
  ASSERT_EQ(rc, 0) << out;
}

std::string tls_lines(const TempDir& dir) {
  return "listen_tls = 127.0.0.1:0\ntls_certificate = " + dir.file("cert.pem") +
         "\ntls_key = " + dir.file("key.pem") + "\n";
}

// From the log: AmpdInstance may have read past that line already (waiting for Asterisk).
int tls_port(AmpdInstance& ampd) {
  if (ampd.process().output().find("(tls port ") == std::string::npos) {
    ampd.process().wait_for_line("(tls port ");
  }
  const auto& log = ampd.process().output();
  const auto pos = log.find("(tls port ");
  return pos == std::string::npos ? 0 : std::stoi(log.substr(pos + 10));
}

// One TLS connection to ampd: a Python ssl client that verifies ampd's certificate, driven
// through `client()` like a plain connection.
class TlsClient {
 public:
  TlsClient(int port, const std::string& ca, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{
        python3(), TLS_BRIDGE_SCRIPT, "--port", std::to_string(port), "--ca", ca};
    argv.insert(argv.end(), extra.begin(), extra.end());
    bridge_ = std::make_unique<Process>(argv);
    const auto line = bridge_->wait_for_line("BRIDGE ");
    if (line.empty()) throw std::runtime_error("TLS bridge did not start:\n" + bridge_->output());
    client_ = std::make_unique<Client>(std::stoi(line.substr(line.find("BRIDGE ") + 7)));
    // "HANDSHAKE OK TLSv1.3 TLS_AES_256_GCM_SHA384" or "HANDSHAKE FAILED ...".
    handshake_ = bridge_->wait_for_line("HANDSHAKE ");
  }
  Client& client() { return *client_; }
  const std::string& handshake() const { return handshake_; }
  bool secure() const { return handshake_.rfind("HANDSHAKE OK TLSv1.", 0) == 0; }

 private:
  std::unique_ptr<Process> bridge_;
  std::unique_ptr<Client> client_;
  std::string handshake_;
};

class AmpdTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!missing_tools().empty()) return;
    certs_ = new TempDir;
    make_certificate(*certs_, "cert.pem", "key.pem");
    sim_ = new SimInstance;
    ampd_ = new AmpdInstance(
        {.server = tls_lines(*certs_) + "login_timeout = 1500\n", .sections = sim_->section()});
    port_ = tls_port(*ampd_);
  }
  static void TearDownTestSuite() {
    delete ampd_;
    delete sim_;
    delete certs_;
    ampd_ = nullptr;
  }
  void SetUp() override {
    if (!missing_tools().empty()) GTEST_SKIP() << missing_tools();
    ASSERT_NE(ampd_, nullptr);
    ASSERT_GT(port_, 0) << ampd_->process().output();
  }

  std::unique_ptr<TlsClient> tls_client(const std::vector<std::string>& extra = {}) {
    auto c = std::make_unique<TlsClient>(port_, certs_->file("cert.pem"), extra);
    EXPECT_TRUE(c->secure()) << c->handshake();
    EXPECT_EQ(c->client().read_line().rfind("Asterisk Call Manager/", 0), 0u);
    return c;
  }
  // A TLS client logged in as `user` (native unless the user's profile says xml).
  std::unique_ptr<TlsClient> tls_login(const std::string& user, const std::string& extra = "") {
    auto c = tls_client();
    c->client().send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + kSecret + "\r\n" +
                     extra + "\r\n");
    const auto answer = c->client().read_until(user == "xmlmon" ? "\r\n" : "\r\n\r\n");
    EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
    return c;
  }
  static std::string ping(Client& c, const std::string& id) {
    c.send("Action: Ping\r\nActionID: " + id + "\r\n\r\n");
    return c.read_native();
  }

  static TempDir* certs_;
  static SimInstance* sim_;
  static AmpdInstance* ampd_;
  static int port_;
};
TempDir* AmpdTls::certs_ = nullptr;
SimInstance* AmpdTls::sim_ = nullptr;
AmpdInstance* AmpdTls::ampd_ = nullptr;
int AmpdTls::port_ = 0;

// Reads native messages until one contains `needle`; "" if none within the client's timeout.
std::string read_message_with(Client& c, const std::string& needle) {
  for (int i = 0; i < 200; ++i) {
    auto m = c.read_native();
    if (m.empty() || m.find(needle) != std::string::npos) return m;
  }
  return {};
}

TEST_F(AmpdTls, NativeLoginPingAndCommandOverTls) {
  auto c = tls_login("admin", "Type: administrator\r\n");
  const auto pong = ping(c->client(), "p1");
  EXPECT_NE(pong.find("Response: Success\r\nActionID: p1\r\nPing: Pong\r\n"), std::string::npos)
      << pong;
  c->client().send("Action: Command\r\nCommand: core show version\r\nActionID: cmd-1\r\n\r\n");
  const auto answer = c->client().read_native();
  EXPECT_NE(answer.find("Response: Success"), std::string::npos) << answer;
  EXPECT_NE(answer.find("ActionID: cmd-1\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Output: Asterisk 20"), std::string::npos) << answer;
}

TEST_F(AmpdTls, XmlClientGetsAnswersAndEventsOverTls) {
  auto xml = tls_login("xmlmon");
  auto mon = tls_login("mon");
  auto admin = tls_login("admin", "Type: administrator\r\n");
  xml->client().send("<command action=\"ping\" actionid=\"x1\"/>");
  const auto pong = xml->client().read_xml();
  EXPECT_NE(pong.find("response=\"Success\""), std::string::npos) << pong;
  EXPECT_NE(pong.find("ActionID=\"x1\""), std::string::npos) << pong;
  // Events are shared between clients' output buffers (Connection::write_shared).
  admin->client().send(
      "Action: Custom\r\nCAction: SimQueueCall\r\nQueue: support\r\nOutcome: answer\r\n"
      "Interface: Local/100@agents\r\nWaitMs: 10\r\nTalkMs: 10\r\nActionID: q\r\n\r\n");
  EXPECT_NE(xml->client().read_xml_with("<event name=\"QueueCallerJoin\""), "");
  EXPECT_NE(read_message_with(mon->client(), "Event: QueueCallerJoin"), "");
  EXPECT_NE(read_message_with(mon->client(), "Event: AgentComplete"), "");
}

TEST_F(AmpdTls, ProtocolIsTls12OrNewerAndOlderVersionsAreRefused) {
  auto modern = tls_client();
  EXPECT_TRUE(modern->handshake().rfind("HANDSHAKE OK TLSv1.3", 0) == 0 ||
              modern->handshake().rfind("HANDSHAKE OK TLSv1.2", 0) == 0)
      << modern->handshake();
  TlsClient old(port_, certs_->file("cert.pem"), {"--max-version", "TLSv1_1"});
  EXPECT_NE(old.handshake().find("HANDSHAKE FAILED"), std::string::npos) << old.handshake();
  EXPECT_TRUE(old.client().closed_by_peer());
  // Refused by ampd, not just by the client's own OpenSSL: ampd logged the failed handshake.
  EXPECT_NE(ampd_->process().wait_for_line("TLS error: unsupported protocol"), "");
  EXPECT_NE(ping(modern->client(), "after").find("Pong"), std::string::npos);
}

TEST_F(AmpdTls, PlainTextOnTheTlsPortIsClosedAndOthersCarryOn) {
  auto tls = tls_login("mon");
  auto plain_ok = ampd_->connect();  // the plain listener still answers too
  EXPECT_EQ(plain_ok->read_line().rfind("Asterisk Call Manager/", 0), 0u);
  for (int i = 0; i < 3; ++i) {
    Client plain(port_);
    plain.send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
    EXPECT_TRUE(plain.closed_by_peer());
  }
  // A failed handshake is a debug line and a close.
  const auto logged = ampd_->process().wait_for_line("TLS error");
  EXPECT_NE(logged.find("[Debug]"), std::string::npos) << logged;
  EXPECT_NE(ping(tls->client(), "t").find("Pong"), std::string::npos);
  EXPECT_NE(ping(*plain_ok, "p").find("Pong"), std::string::npos);
  EXPECT_EQ(ampd_->process().output().find("[Error]"), std::string::npos);
  EXPECT_EQ(ampd_->process().output().find("[Critical]"), std::string::npos);
}

TEST_F(AmpdTls, SilentClientOnTheTlsPortIsClosedAtTheLoginTimeout) {
  // Never starts a handshake: its banner can never be sent, so it must not wait for a flush.
  Client silent(port_, std::chrono::seconds(5));
  EXPECT_TRUE(silent.closed_by_peer());
  auto c = tls_client();
  EXPECT_NE(ping(c->client(), "s").find("Pong"), std::string::npos);
}

TEST_F(AmpdTls, OpensslSClientLogsInAndLogsOff) {
  std::string out;
  const int rc = run_command({program("timeout"), "10", openssl(), "s_client", "-quiet", "-connect",
                              "127.0.0.1:" + std::to_string(port_), "-servername", "localhost",
                              "-CAfile", certs_->file("cert.pem"), "-verify_return_error"},
                             "Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n"
                             "Action: Ping\r\nActionID: s1\r\n\r\nAction: Logoff\r\n\r\n",
                             out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Asterisk Call Manager/"), std::string::npos) << out;
  EXPECT_NE(out.find("Message: Authentication accepted"), std::string::npos) << out;
  EXPECT_NE(out.find("ActionID: s1\r\nPing: Pong"), std::string::npos) << out;
  EXPECT_NE(out.find("Response: Goodbye"), std::string::npos) << out;
}

// --check-config and startup with listen_tls: each problem names the file, line and key.
class AmpdTlsConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!missing_tools().empty()) GTEST_SKIP() << missing_tools();
    dir_.write("users.ini", standard_users());
    make_certificate(dir_, "cert.pem", "key.pem");
  }
  // Writes ampd.ini with `tls` as its TLS lines (from line 3) and runs --check-config.
  int check(const std::string& tls, std::string& out) {
    dir_.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\n" + tls + "users = users.ini\n");
    out.clear();
    return run_command({AMPD_BINARY, "--check-config", "--config-file=" + dir_.file("ampd.ini")},
                       "", out);
  }
  std::string at(int line) const { return dir_.file("ampd.ini") + ":" + std::to_string(line); }
  TempDir dir_;
};

TEST_F(AmpdTlsConfig, RelativePathsAreAcceptedNextToTheConfig) {
  std::string out;
  EXPECT_EQ(check("listen_tls = 127.0.0.1:0\ntls_certificate = cert.pem\ntls_key = key.pem\n", out),
            0)
      << out;
  EXPECT_NE(out.find(": OK"), std::string::npos) << out;
}

TEST_F(AmpdTlsConfig, CertificateAndKeyAreRequiredWithListenTls) {
  std::string out;
  EXPECT_EQ(check("listen_tls = 127.0.0.1:0\n", out), 1);
  EXPECT_NE(out.find(at(3) + ": [server] tls_certificate: required when listen_tls is set"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(at(3) + ": [server] tls_key: required when listen_tls is set"),
            std::string::npos)
      << out;
}

TEST_F(AmpdTlsConfig, MissingCertificateFileIsReported) {
  std::string out;
  EXPECT_EQ(check("listen_tls = 127.0.0.1:0\ntls_certificate = gone.pem\ntls_key = key.pem\n", out),
            1);
  EXPECT_NE(out.find(at(4) + ": [server] tls_certificate: cannot read " + dir_.file("gone.pem") +
                     ": No such file or directory"),
            std::string::npos)
      << out;
}

TEST_F(AmpdTlsConfig, InvalidCertificateIsReported) {
  dir_.write("junk.pem", "this is not PEM\n");
  std::string out;
  EXPECT_EQ(check("listen_tls = 127.0.0.1:0\ntls_certificate = junk.pem\ntls_key = key.pem\n", out),
            1);
  EXPECT_NE(out.find(at(4) + ": [server] tls_certificate: cannot load a PEM certificate from " +
                     dir_.file("junk.pem")),
            std::string::npos)
      << out;
}

TEST_F(AmpdTlsConfig, InvalidOrMismatchedKeyIsReported) {
  std::string out;
  // The certificate where the key should be.
  EXPECT_EQ(
      check("listen_tls = 127.0.0.1:0\ntls_certificate = cert.pem\ntls_key = cert.pem\n", out), 1);
  EXPECT_NE(out.find(at(5) + ": [server] tls_key: cannot load an unencrypted PEM private key"),
            std::string::npos)
      << out;
  // Another certificate's key.
  make_certificate(dir_, "other.pem", "other-key.pem");
  EXPECT_EQ(
      check("listen_tls = 127.0.0.1:0\ntls_certificate = cert.pem\ntls_key = other-key.pem\n", out),
      1);
  EXPECT_NE(out.find(at(5) + ": [server] tls_key: " + dir_.file("other-key.pem") +
                     " is not the private key of the certificate in " + dir_.file("cert.pem")),
            std::string::npos)
      << out;
}

TEST_F(AmpdTlsConfig, RefusesToStartWithABrokenCertificate) {
  std::string checked;
  check("listen_tls = 127.0.0.1:0\ntls_certificate = gone.pem\ntls_key = key.pem\n", checked);
  std::string out;
  EXPECT_NE(run_command({AMPD_BINARY, "--config-file=" + dir_.file("ampd.ini")}, "", out), 0);
  EXPECT_NE(out.find("[server] tls_certificate: cannot read"), std::string::npos) << out;
  EXPECT_NE(out.find("not started"), std::string::npos) << out;
}

TEST_F(AmpdTlsConfig, HupLoadsARenewedCertificateForNewClients) {
  AmpdInstance ampd({.server = tls_lines(dir_)});
  const int port = tls_port(ampd);
  ASSERT_GT(port, 0) << ampd.process().output();
  TlsClient before(port, dir_.file("cert.pem"));
  ASSERT_TRUE(before.secure()) << before.handshake();
  EXPECT_EQ(before.client().read_line().rfind("Asterisk Call Manager/", 0), 0u);
  // Renew: the old pair moves aside, a new one takes its names.
  std::filesystem::rename(dir_.file("cert.pem"), dir_.file("old.pem"));
  make_certificate(dir_, "cert.pem", "key.pem");
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded"), "") << ampd.process().output();
  TlsClient renewed(port, dir_.file("cert.pem"));
  EXPECT_TRUE(renewed.secure()) << renewed.handshake();
  TlsClient stale(port, dir_.file("old.pem"));  // trusts only the old certificate
  EXPECT_NE(stale.handshake().find("HANDSHAKE FAILED"), std::string::npos) << stale.handshake();
  // The client connected before the renewal keeps its session.
  before.client().send("Action: Ping\r\n\r\n");
  EXPECT_NE(before.client().read_native().find("Ping: Pong"), std::string::npos);
}

// wss: the same WebSocket clients over TLS, with a real client (Python's ssl) that verifies
// ampd's certificate.
TEST_F(AmpdTlsConfig, SecureWebSocketListenerServesWebSocketClientsOverTls) {
  SimInstance sim;
  AmpdInstance ampd({.server = "listen_wss = 127.0.0.1:0\ntls_certificate = " +
                               dir_.file("cert.pem") + "\ntls_key = " + dir_.file("key.pem") + "\n",
                     .sections = sim.section()});
  const auto& log = ampd.process().output();
  if (log.find("(wss port ") == std::string::npos) ampd.process().wait_for_line("(wss port ");
  const int port = std::stoi(log.substr(log.find("(wss port ") + 10));
  std::string out;
  EXPECT_EQ(run_command({python3(), WS_CLIENT_SCRIPT, "--port", std::to_string(port), "--ca",
                         dir_.file("cert.pem"), "--send", "Action: ServerVersion\nActionID: v",
                         "--expect", "1"},
                        "", out),
            0)
      << out;
  EXPECT_NE(out.find("HANDSHAKE OK"), std::string::npos) << out;
  EXPECT_NE(out.find("ActionID: v"), std::string::npos) << out;
  EXPECT_NE(out.find("DONE"), std::string::npos) << out;
}

}  // namespace
}  // namespace ampd::test
