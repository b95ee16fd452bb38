// Clients written for Asterisk get Asterisk's own bytes: each exchange below was captured from a
// real Asterisk 20 and 22 (test/fixtures/asterisk/, copied from shared/asterisk/), sent to ampd
// as it was sent to Asterisk, and ampd's answer must be the same bytes, timestamps and
// challenges aside. Only the exchanges ampd answers itself are here.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

struct Exchange {
  std::string title;
  std::string sent;
  std::string received;
  bool complete = true;  // false when the capture cut the answer short
};

// One Python bytes literal ('...' with \r, \n, \\, \' and \xNN escapes) to its bytes.
std::string unescape(const std::string& literal) {
  std::string out;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != '\\' || i + 1 >= literal.size()) {
      out.push_back(literal[i]);
      continue;
    }
    const char c = literal[++i];
    if (c == 'r') {
      out.push_back('\r');
    } else if (c == 'n') {
      out.push_back('\n');
    } else if (c == 't') {
      out.push_back('\t');
    } else if (c == 'x' && i + 2 < literal.size()) {
      out.push_back(static_cast<char>(std::stoi(literal.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<Exchange> read_transcripts(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::vector<Exchange> exchanges;
  std::string line;
  std::string* into = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) {
      exchanges.push_back({line.substr(4), {}, {}});
      into = nullptr;
    } else if (exchanges.empty()) {
      continue;
    } else if (line.rfind(">>> ", 0) == 0) {
      into = &exchanges.back().sent;
    } else if (line.rfind("<<< ", 0) == 0) {
      into = &exchanges.back().received;
    } else if (into && line.rfind("    '", 0) == 0 && line.size() > 5 && line.back() == '\'') {
      *into += unescape(line.substr(5, line.size() - 6));
    } else if (line.rfind("    ... (", 0) == 0) {
      exchanges.back().complete = false;
    } else {
      into = nullptr;
    }
  }
  return exchanges;
}

// What differs between any two runs: timestamps and challenges.
std::string normalized(std::string text) {
  static const std::regex varying("(Timestamp|Challenge): [^\r\n]*");
  return std::regex_replace(text, varying, "$1: *");
}

// The capture's login used Asterisk's users; ampd's test users stand in for them.
std::string with_test_user(std::string sent) {
  static const std::regex user("Username: admin\r\nSecret: amp111");
  return std::regex_replace(sent, user, "Username: mon\r\nSecret: secret");
}

class AsteriskShape : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { ampd_ = new AmpdInstance(); }
  static void TearDownTestSuite() {
    delete ampd_;
    ampd_ = nullptr;
  }
  static AmpdInstance* ampd_;

  // A connection logged in as a client written for Asterisk does it: no Type.
  std::unique_ptr<Client> stock_client() {
    auto c = ampd_->connect();
    c->read_line();
    c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\nEvents: off\r\n\r\n");
    EXPECT_EQ(c->read_native(), "Response: Success\r\nMessage: Authentication accepted\r\n\r\n");
    return c;
  }

  void expect_same(const Exchange& exchange, bool log_in_first) {
    SCOPED_TRACE(GetParam() + ": " + exchange.title);
    ASSERT_TRUE(exchange.complete);
    ASSERT_FALSE(exchange.received.empty());
    auto c = log_in_first ? stock_client() : ampd_->connect();
    if (!log_in_first) c->read_line();
    c->send(with_test_user(exchange.sent));
    std::string answer;
    while (answer.size() < exchange.received.size()) {
      const auto more = c->read_native();
      if (more.empty()) break;
      answer += more;
    }
    EXPECT_EQ(normalized(answer), normalized(exchange.received));
  }

  const Exchange& find(const std::string& title) {
    static std::map<std::string, std::vector<Exchange>> files;
    auto& exchanges = files[GetParam()];
    if (exchanges.empty()) {
      exchanges = read_transcripts(std::string(TRANSCRIPTS_DIR) + "/asterisk-" + GetParam() +
                                   "-transcripts.txt");
    }
    for (const auto& e : exchanges) {
      if (e.title == title) return e;
    }
    static const Exchange missing{"missing", {}, {}, false};
    ADD_FAILURE() << "no exchange '" << title << "' in the " << GetParam() << " capture";
    return missing;
  }
};
AmpdInstance* AsteriskShape::ampd_ = nullptr;

TEST_P(AsteriskShape, BeforeLogin) {
  for (const auto* title : {"Login with wrong secret", "Action requiring auth before Login",
                            "Challenge AuthType: MD5"}) {
    expect_same(find(title), false);
  }
  // The login of the capture, with the test user.
  auto c = ampd_->connect();
  c->read_line();
  c->send(
      "Action: Login\r\nActionID: t1-login\r\nUsername: mon\r\nSecret: secret\r\nEvents: "
      "off\r\n\r\n");
  EXPECT_EQ(c->read_native(), find("Login admin/amp111 with Events: off").received);
}

TEST_P(AsteriskShape, AnswersAmpdGivesItself) {
  for (const auto* title :
       {"Ping", "Ping without ActionID", "Message without an Action header",
        "Header names in upper/lower case", "Bare LF line endings (no CR)", "Unknown action",
        "Events EventMask: off", "Events EventMask: on", "Events EventMask: call,user", "Logoff"}) {
    expect_same(find(title), true);
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, AsteriskShape, ::testing::Values("20", "22"));

// The banner is the default Asterisk server's own once ampd has seen it, unless configured.
TEST(AsteriskBanner, IsTheDefaultServersOwnUnlessConfigured) {
  SimInstance sim({"--ami-version", "9.0.0"});
  AmpdInstance ampd({.sections = sim.section()});
  EXPECT_EQ(ampd.connect()->read_line(), "Asterisk Call Manager/9.0.0\r\n");
  AmpdInstance configured(
      {.server = "banner = Asterisk Call Manager/2.10.6 (ampd)\n", .sections = sim.section()});
  EXPECT_EQ(configured.connect()->read_line(), "Asterisk Call Manager/2.10.6 (ampd)\r\n");
  AmpdInstance alone;
  EXPECT_EQ(alone.connect()->read_line(), "Asterisk Call Manager/1.1\r\n");
}

// A client that logged in with Type keeps the protocol reference's shape.
TEST(AsteriskShapeOrNot, ALoginWithTypeKeepsTheReferenceShape) {
  AmpdInstance ampd;
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\nType: monitor\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: Login\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n");
  c->send("Action: Ping\r\nActionID: p\r\n\r\n");
  EXPECT_EQ(c->read_native().rfind("Action: Ping\r\nResponse: Success\r\nActionID: p\r\n", 0), 0u);
  c->send("Action: Frobnicate\r\nActionID: f\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: Unknown\r\nResponse: Error\r\nActionID: f\r\nMessage: Unknown command "
            "'Frobnicate'\r\n\r\n");
}

}  // namespace
}  // namespace ampd::test
