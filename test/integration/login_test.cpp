// The login matrix, errors, limits, isFlash and ActionID echo, through the real ampd binary.
#include <Poco/MD5Engine.h>
#include <gtest/gtest.h>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

class AmpdLogin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ampd_ = new AmpdInstance(); }
  static void TearDownTestSuite() { delete ampd_; }
  std::unique_ptr<Client> connect() {
    auto c = ampd_->connect();
    EXPECT_EQ(c->read_line().rfind("Asterisk Call Manager/", 0), 0u);
    return c;
  }
  std::string native_login(Client& c, const std::string& user, const std::string& extra = "") {
    c.send("Action: Login\r\nUsername: " + user + "\r\nSecret: " + kSecret + "\r\n" + extra +
           "\r\n");
    return c.read_native();
  }
  static AmpdInstance* ampd_;
};
AmpdInstance* AmpdLogin::ampd_ = nullptr;

TEST_F(AmpdLogin, NativeLoginAnswersAsTheReferenceShows) {
  auto c = connect();
  EXPECT_EQ(native_login(*c, "admin", "Type: Administrator\r\n"),
            "Action: Login\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n");
}

TEST_F(AmpdLogin, XmlRegisterAnswersAsTheReferenceShows) {
  auto c = connect();
  c->send(
      "<command action=\"register\" user=\"mon\" secret=\"secret\" type=\"monitor\" "
      "format=\"xml\" />");
  EXPECT_EQ(c->read_xml(),
            "<command action=\"login\" response=\"Success\" Message=\"Authentication accepted\" "
            "/>\r\n");
}

TEST_F(AmpdLogin, XmlLoginActionAndNativeAnswersWhenFormatSaysSo) {
  auto c = connect();
  c->send(
      "<command ACTION=\"Login\" USERNAME=\"mon\" Secret=\"secret\" Type=\"monitor\" "
      "Format=\"Asterisk\"/>");
  EXPECT_EQ(c->read_native(),
            "Action: Login\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n");
}

TEST_F(AmpdLogin, ProfileFormatIsUsedWhenLoginGivesNone) {
  auto c = connect();
  c->send("Action: Login\r\nUsername: xmlmon\r\nSecret: secret\r\n\r\n");
  // The answer to the native login is already XML: the profile says so.
  EXPECT_EQ(c->read_xml(),
            "<command action=\"login\" response=\"Success\" Message=\"Authentication accepted\" "
            "/>\r\n");
}

TEST_F(AmpdLogin, StockClientLoginWithoutTypeAndWithEventsOff) {
  auto c = connect();
  // Asterisk's own shape: Response first, no Action line.
  EXPECT_EQ(native_login(*c, "mon", "ActionID: L1\r\nEvents: off\r\n"),
            "Response: Success\r\nActionID: L1\r\nMessage: Authentication accepted\r\n\r\n");
}

TEST_F(AmpdLogin, ErrorsAreClearAndTheSameForBadUserAndBadSecret) {
  auto c = connect();
  c->send("Action: Login\r\nUsername: nobody\r\nSecret: x\r\nType: administrator\r\n\r\n");
  const auto bad_user = c->read_native();
  c->send("Action: Login\r\nUsername: admin\r\nSecret: wrong\r\nType: administrator\r\n\r\n");
  const auto bad_secret = c->read_native();
  EXPECT_EQ(bad_user, "Action: Login\r\nResponse: Error\r\nMessage: Authentication failed\r\n\r\n");
  EXPECT_EQ(bad_secret, bad_user);
  EXPECT_EQ(native_login(*c, "mon", "Type: administrator\r\n"),
            "Action: Login\r\nResponse: Error\r\nMessage: Type administrator is not allowed for "
            "this user\r\n\r\n");
  // Logins without Type are answered in Asterisk's shape.
  EXPECT_EQ(native_login(*c, "admin"),
            "Response: Error\r\nMessage: Login requires Type: this user may log in as "
            "administrator, monitor\r\n\r\n");
  c->send("Action: Login\r\nSecret: x\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Response: Error\r\nMessage: Login requires Username (or User)\r\n\r\n");
  c->send("Action: Login\r\nUsername: mon\r\n\r\n");
  EXPECT_EQ(c->read_native(), "Response: Error\r\nMessage: Login requires Secret\r\n\r\n");
  // After all that the same connection can still log in.
  EXPECT_NE(native_login(*c, "mon").find("Response: Success"), std::string::npos);
}

TEST_F(AmpdLogin, AgentLoginNeedsAMatchingAgentId) {
  auto c = connect();
  EXPECT_NE(native_login(*c, "multi", "Type: agent\r\nAgentID: 9999\r\n")
                .find("Message: AgentID 9999 does not match this user's profile"),
            std::string::npos);
  EXPECT_NE(native_login(*c, "agent1", "Type: agent\r\nAgentID: 1001\r\n").find("Success"),
            std::string::npos);
}

TEST(AmpdChallenge, Md5ChallengeLoginAsAsteriskJavaDoesIt) {
  AmpdInstance ampd({.users = "[javaapp]\nsecret = " + secret_hash() +
                              "\ntypes = monitor\nchallenge_secret = s3cret\n"});
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Challenge\r\nActionID: c1\r\nAuthType: MD5\r\n\r\n");
  const auto challenge = c->read_native();
  const auto pos = challenge.find("Challenge: ");
  ASSERT_NE(pos, std::string::npos) << challenge;
  const auto value = challenge.substr(pos + 11, challenge.find('\r', pos) - pos - 11);
  Poco::MD5Engine md5;
  md5.update(value + "s3cret");
  c->send("Action: Login\r\nUsername: javaapp\r\nAuthType: MD5\r\nKey: " +
          Poco::DigestEngine::digestToHex(md5.digest()) + "\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);

  // A user without a challenge_secret cannot log in this way; a wrong key neither.
  auto d = ampd.connect();
  d->read_line();
  d->send("Action: Challenge\r\nAuthType: MD5\r\n\r\n");
  d->read_native();
  d->send("Action: Login\r\nUsername: mon\r\nAuthType: MD5\r\nKey: 00\r\n\r\n");
  EXPECT_NE(d->read_native().find("Authentication failed"), std::string::npos);
  d->send("Action: Login\r\nUsername: javaapp\r\nAuthType: MD5\r\nKey: 00\r\n\r\n");
  EXPECT_NE(d->read_native().find("Send Action: Challenge before an MD5 login"), std::string::npos);
}

TEST_F(AmpdLogin, BeforeLoginOnlyLoginPingAndLogoff) {
  // Before a login, answers have Asterisk's shape: the client may be one written for Asterisk.
  auto c = connect();
  c->send("Action: QueueStatus\r\nActionID: q1\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Response: Error\r\nActionID: q1\r\nMessage: Permission denied\r\n\r\n");
  c->send("Action: PING\r\nActionID: p1\r\n\r\n");
  const auto pong = c->read_native();
  EXPECT_EQ(pong.rfind("Response: Success\r\nActionID: p1\r\nPing: Pong\r\n", 0), 0u) << pong;
  c->send("Action: Logoff\r\n\r\n");
  EXPECT_EQ(c->read_native(), "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n");
  EXPECT_TRUE(c->closed_by_peer());
}

TEST_F(AmpdLogin, UnknownCommandGetsTheGeneralErrorForm) {
  auto c = connect();
  native_login(*c, "mon", "Type: monitor\r\n");
  c->send("Action: Frobnicate\r\nActionID: f1\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: Unknown\r\nResponse: Error\r\nActionID: f1\r\nMessage: Unknown command "
            "'Frobnicate'\r\n\r\n");
  c->send("<command action=\"frobnicate\"/>");
  // The client logged in natively, so even an XML request is answered natively.
  EXPECT_NE(c->read_native().find("Unknown command 'frobnicate'"), std::string::npos);
  c->send("ActionID: none\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: Unknown\r\nResponse: Error\r\nActionID: none\r\nMessage: Missing action in "
            "request\r\n\r\n");
}

TEST_F(AmpdLogin, XmlClientGetsXmlForNativeRequestsWithActionIds) {
  auto c = connect();
  c->send("<command action=\"register\" user=\"mon\" secret=\"secret\" format=\"xml\"/>");
  c->read_line();
  c->send("Action: Frob\r\nActionID: a<1>\r\n\r\n");
  EXPECT_EQ(c->read_line(),
            "<command action=\"unknown\" response=\"Error\" ActionID=\"a&lt;1&gt;\" "
            "Message=\"Unknown command &apos;Frob&apos;\">Unknown command &apos;Frob&apos;"
            "</command>\r\n");
  c->send("<command action=\"events\" eventmask=\"off\" actionid=\"e1\"/>");
  EXPECT_EQ(
      c->read_line(),
      "<command action=\"events\" response=\"Success\" ActionID=\"e1\" Events=\"Off\" />\r\n");
}

TEST_F(AmpdLogin, FlashClientsGetANulAfterEveryMessageAndMaySendThem) {
  const std::string nul(1, '\0');
  auto c = connect();
  c->send(
      "<command action=\"register\" user=\"mon\" secret=\"secret\" format=\"xml\" "
      "isFlash=\"true\"/>" +
      nul);
  EXPECT_EQ(c->read_until(nul),
            "<command action=\"login\" response=\"Success\" Message=\"Authentication accepted\" "
            "/>\r\n" +
                nul);
  c->send("<command action=\"ping\" actionid=\"z\"/>" + nul + "Action: Ping\r\nActionID: n" + nul);
  const auto pong = c->read_until(nul);
  EXPECT_NE(pong.find("ActionID=\"z\" Ping=\"Pong\""), std::string::npos) << pong;
  EXPECT_NE(c->read_until(nul).find("ActionID=\"n\" Ping=\"Pong\""), std::string::npos);
}

TEST_F(AmpdLogin, PipelinedMessagesAfterLoginWaitForIt) {
  auto c = connect();
  c->send(
      "Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\nAction: Events\r\n"
      "EventMask: off\r\nActionID: 2\r\n\r\n");
  EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
  EXPECT_EQ(c->read_native(), "Response: Success\r\nActionID: 2\r\nEvents: Off\r\n\r\n");
}

TEST_F(AmpdLogin, LimitsAnswerErrorsAndKeepOthersWorking) {
  auto c = connect();
  native_login(*c, "mon");
  std::string many = "Action: Ping\r\nActionID: big\r\n";
  for (int i = 0; i < 200; ++i) many += "X" + std::to_string(i) + ": y\r\n";
  c->send(many + "\r\n");
  EXPECT_EQ(c->read_native(),
            "Response: Error\r\nActionID: big\r\nMessage: Too many headers in message (limit "
            "128)\r\n\r\n");
  c->send("Action: Ping\r\nX: " + std::string(10000, 'x') + "\r\n\r\n");
  EXPECT_NE(c->read_native().find("Line too long"), std::string::npos);

  auto other = connect();
  native_login(*other, "mon");
  // An unterminated message over the size limit: an error, then the connection closes.
  c->send("Action: Ping\r\n" + std::string(70000, 'x'));
  EXPECT_NE(c->read_native().find("Message too large"), std::string::npos);
  EXPECT_TRUE(c->closed_by_peer());
  other->send("Action: Ping\r\nActionID: still\r\n\r\n");
  EXPECT_NE(other->read_native().find("ActionID: still"), std::string::npos);
}

}  // namespace
}  // namespace ampd::test
