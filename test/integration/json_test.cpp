// The JSON wire format through the real ampd and simulator binaries: login in JSON (asked for
// in native, in JSON, or by the user's profile), answers, lists, errors and events. Every line a
// JSON client gets must parse as one JSON object.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using Poco::JSON::Object;

// One JSON output line: exactly one object, on one line ending in CRLF; null if it is not.
Object::Ptr parse_line(const std::string& line) {
  EXPECT_GE(line.size(), 2u);
  if (line.size() < 2 || line.compare(line.size() - 2, 2, "\r\n") != 0) {
    ADD_FAILURE() << "not a CRLF-terminated line: " << line;
    return nullptr;
  }
  if (line.find_first_of("\r\n") != line.size() - 2) {
    ADD_FAILURE() << "more than one line: " << line;
    return nullptr;
  }
  try {
    Poco::JSON::Parser parser;  // also rejects invalid UTF-8
    return parser.parse(line.substr(0, line.size() - 2)).extract<Object::Ptr>();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a JSON object (" << e.what() << "): " << line;
  } catch (...) {
    ADD_FAILURE() << "not a JSON object: " << line;
  }
  return nullptr;
}

std::string str(const Object::Ptr& o, const std::string& key) {
  return o && o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key)
                                                    : std::string("<missing>");
}

std::unique_ptr<Client> connect(const AmpdInstance& ampd) {
  auto c = ampd.connect();
  EXPECT_EQ(c->read_line().rfind("Asterisk Call Manager/", 0), 0u);
  return c;
}

// Logs in natively asking for JSON; `extra` adds native lines.
std::unique_ptr<Client> json_login(const AmpdInstance& ampd, const std::string& user,
                                   const std::string& extra = "") {
  auto c = connect(ampd);
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\nFormat: json\r\n" + extra +
          "\r\n");
  const auto answer = parse_line(c->read_line());
  EXPECT_EQ(str(answer, "Response"), "Success");
  return c;
}

const char* kJsonMon = "[jsonmon]\nsecret = ";

class AmpdJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ampd_ = new AmpdInstance(
        {.users = kJsonMon + secret_hash() + "\ntypes = monitor\nformat = json\n"});
  }
  static void TearDownTestSuite() { delete ampd_; }
  static AmpdInstance* ampd_;
};
AmpdInstance* AmpdJson::ampd_ = nullptr;

TEST_F(AmpdJson, NativeLoginAskingForJsonGetsJsonAnswers) {
  auto c = connect(*ampd_);
  c->send(
      "Action: Login\r\nUsername: mon\r\nSecret: secret\r\nFormat: json\r\nActionID: L\r\n\r\n");
  EXPECT_EQ(c->read_line(),
            "{\"Action\":\"Login\",\"Response\":\"Success\",\"ActionID\":\"L\","
            "\"Message\":\"Authentication accepted\"}\r\n");
  c->send("Action: Ping\r\nActionID: p1\r\n\r\n");
  const auto pong = c->read_line();
  EXPECT_EQ(pong.rfind("{\"Action\":\"Ping\",\"Response\":\"Success\",\"ActionID\":\"p1\","
                       "\"Ping\":\"Pong\",\"Timestamp\":\"",
                       0),
            0u)
      << pong;
  EXPECT_TRUE(parse_line(pong));
  // XML requests are answered in JSON too: the login chose the format.
  c->send("<command action=\"ping\" actionid=\"x\"/>");
  EXPECT_EQ(str(parse_line(c->read_line()), "ActionID"), "x");
}

TEST_F(AmpdJson, LoginSentAsJson) {
  auto c = connect(*ampd_);
  c->send(
      "{\"action\":\"login\",\"USERNAME\":\"mon\",\"Secret\":\"secret\",\"format\":\"json\","
      "\"ActionID\":1}\r\n");
  EXPECT_EQ(c->read_line(),
            "{\"Action\":\"Login\",\"Response\":\"Success\",\"ActionID\":\"1\","
            "\"Message\":\"Authentication accepted\"}\r\n");
  // Two requests in one packet, one of them split from its end.
  c->send("{\"Action\":\"Ping\",\"ActionID\":\"a\"}{\"Action\":\"Ping\",");
  c->send("\"ActionID\":\"b{\\\"}\"}");
  EXPECT_EQ(str(parse_line(c->read_line()), "ActionID"), "a");
  EXPECT_EQ(str(parse_line(c->read_line()), "ActionID"), "b{\"}");
}

TEST_F(AmpdJson, FailedJsonLoginIsAnsweredInJson) {
  auto c = connect(*ampd_);
  c->send("{\"Action\":\"Login\",\"Username\":\"mon\",\"Secret\":\"nope\",\"Format\":\"json\"}");
  EXPECT_EQ(c->read_line(),
            "{\"Action\":\"Login\",\"Response\":\"Error\",\"Message\":\"Authentication "
            "failed\"}\r\n");
}

TEST_F(AmpdJson, ErrorsAreJsonAndTheConnectionCarriesOn) {
  auto c = json_login(*ampd_, "mon");
  c->send("{\"Action\":\"Bogus\",\"ActionID\":\"e1\"}");
  EXPECT_EQ(c->read_line(),
            "{\"Action\":\"Unknown\",\"Response\":\"Error\",\"ActionID\":\"e1\","
            "\"Message\":\"Unknown command 'Bogus'\"}\r\n");
  c->send("{\"Action\":\"Ping\",\"ActionID\":\"bad\",}");
  auto malformed = parse_line(c->read_line());
  EXPECT_EQ(str(malformed, "Response"), "Error");
  EXPECT_EQ(str(malformed, "ActionID"), "bad");
  EXPECT_EQ(str(malformed, "Message").rfind("Malformed JSON: ", 0), 0u);
  c->send("{\"Action\":\"Ping\",\"ActionID\":\"n\",\"Vars\":{\"a\":\"1\"}}");
  auto nested = parse_line(c->read_line());
  EXPECT_EQ(str(nested, "ActionID"), "n");
  EXPECT_EQ(str(nested, "Message"),
            "JSON values must be strings, numbers, booleans or arrays of them");
  c->send("{\"Action\":\"Ping\",\"ActionID\":\"still\"}");
  EXPECT_EQ(str(parse_line(c->read_line()), "Response"), "Success");
}

TEST_F(AmpdJson, ProfileFormatJsonIsUsedWhenLoginGivesNone) {
  auto c = connect(*ampd_);
  c->send("Action: Login\r\nUsername: jsonmon\r\nSecret: secret\r\n\r\n");
  EXPECT_EQ(c->read_line(),
            "{\"Action\":\"Login\",\"Response\":\"Success\",\"Message\":\"Authentication "
            "accepted\"}\r\n");
  c->send("Action: Ping\r\n\r\n");
  EXPECT_EQ(str(parse_line(c->read_line()), "Ping"), "Pong");
}

TEST_F(AmpdJson, ProfileUpdateAcceptsFormatJson) {
  auto admin = json_login(*ampd_, "admin", "Type: administrator\r\nEvents: off\r\n");
  admin->send(
      "{\"Action\":\"ProfileUpdate\",\"Username\":\"erin\",\"Secret\":\"pw\","
      "\"Types\":\"monitor\",\"Format\":\"json\",\"ActionID\":\"u\"}");
  EXPECT_EQ(str(parse_line(admin->read_line()), "Response"), "Success");
  admin->send("{\"Action\":\"ProfileGet\",\"Username\":\"erin\"}");
  EXPECT_EQ(str(parse_line(admin->read_line()), "Format"), "json");
  auto erin = connect(*ampd_);
  erin->send("Action: Login\r\nUsername: erin\r\nSecret: pw\r\n\r\n");
  EXPECT_EQ(str(parse_line(erin->read_line()), "Message"), "Authentication accepted");
}

// With the simulator: answers from Asterisk, lists and events.
class AmpdJsonLink : public ::testing::Test {
 protected:
  SimInstance sim;
  AmpdInstance ampd{{.sections = sim.section()}};
};

TEST_F(AmpdJsonLink, QueueInfoIsOneObjectWithARecordsArray) {
  auto c = json_login(ampd, "mon", "Events: off\r\n");
  c->send("{\"Action\":\"QueueInfo\",\"ActionID\":\"qi-1\"}");
  const auto line = c->read_line();
  const auto answer = parse_line(line);
  ASSERT_TRUE(answer) << line;
  EXPECT_EQ(line.rfind("{\"Action\":\"QueueInfo\",\"Response\":\"Success\",\"ActionID\":\"qi-1\","
                       "\"Message\":",
                       0),
            0u)
      << line;
  EXPECT_EQ(str(answer, "ListItems"), "4");
  EXPECT_FALSE(answer->has("EventList"));
  const auto records = answer->getArray("records");
  ASSERT_TRUE(records) << line;
  ASSERT_EQ(records->size(), 4u);
  int params = 0, members = 0;
  for (std::size_t i = 0; i < records->size(); ++i) {
    const auto record = records->getObject(static_cast<unsigned>(i));
    ASSERT_TRUE(record);
    const auto event = str(record, "event");
    params += event == "QueueParams";
    members += event == "QueueMember";
    EXPECT_FALSE(record->has("ActionID")) << line;
    EXPECT_NE(str(record, "Queue"), "<missing>");
  }
  EXPECT_EQ(params, 2);
  EXPECT_EQ(members, 2);
  EXPECT_EQ(line.find("ampd-"), std::string::npos) << "ampd's own ActionID leaked";
}

TEST_F(AmpdJsonLink, CommandOutputAndAsteriskErrors) {
  auto c = json_login(ampd, "admin", "Type: administrator\r\nEvents: off\r\n");
  c->send("{\"Action\":\"Command\",\"Command\":\"core show version\",\"ActionID\":\"cmd\"}");
  const auto version = parse_line(c->read_line());
  ASSERT_TRUE(version);
  EXPECT_EQ(str(version, "Response"), "Success");
  EXPECT_EQ(str(version, "ActionID"), "cmd");
  ASSERT_TRUE(version->has("Output"));
  const auto output = version->get("Output");
  const auto first = output.isArray() ? version->getArray("Output")->getElement<std::string>(0)
                                      : output.convert<std::string>();
  EXPECT_EQ(first.rfind("Asterisk 20", 0), 0u) << first;

  c->send(
      "{\"Action\":\"Custom\",\"CAction\":\"DBGet\",\"Family\":\"nofamily\",\"Key\":\"nokey\","
      "\"ActionID\":\"e\"}");
  const auto error = parse_line(c->read_line());
  EXPECT_EQ(str(error, "Response"), "Error");
  EXPECT_EQ(str(error, "ActionID"), "e");
  EXPECT_NE(str(error, "Message").find("Database entry not found"), std::string::npos);
}

TEST_F(AmpdJsonLink, EventsArriveAsJsonObjectsWithEvent) {
  auto admin = json_login(ampd, "admin", "Type: administrator\r\n");
  auto quiet = json_login(ampd, "mon", "Events: off\r\n");
  admin->send(
      "{\"Action\":\"Custom\",\"CAction\":\"SimQueueCall\",\"Queue\":\"support\","
      "\"Outcome\":\"answer\",\"Interface\":\"Local/100@agents\",\"WaitMs\":10,\"TalkMs\":10,"
      "\"ActionID\":\"q\"}");
  bool joined = false, completed = false, answered = false;
  for (int i = 0; i < 200 && !(joined && completed && answered); ++i) {
    const auto line = admin->read_line();
    if (line.empty()) break;
    const auto o = parse_line(line);
    ASSERT_TRUE(o) << line;
    if (o->has("event")) {
      EXPECT_FALSE(o->has("Event")) << line;
      EXPECT_EQ(line.rfind("{\"event\":", 0), 0u) << line;
      joined |= str(o, "event") == "QueueCallerJoin";
      completed |= str(o, "event") == "AgentComplete";
    } else {
      EXPECT_EQ(str(o, "ActionID"), "q") << line;
      answered = true;
    }
  }
  EXPECT_TRUE(joined);
  EXPECT_TRUE(completed);
  EXPECT_TRUE(answered);
  EXPECT_EQ(quiet->drain(std::chrono::milliseconds(300)), "");
}

}  // namespace
}  // namespace ampd::test
