// Event classes and filters as Asterisk has them: Events at login and the Events action take
// class lists, users.ini's read= limits what a user may ever see, eventfilter lines (legacy and
// advanced) and the Filter action choose events, in every format.
#include <gtest/gtest.h>

#include <regex>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

// Four events of four classes, each with a Tag, then the end marker (every class).
const char* const kEvents[][3] = {{"TestCall", "call,all", "alpha"},
                                  {"TestAgent", "agent,all", "beta"},
                                  {"TestUser", "user,all", "alpha-2"},
                                  {"TestSystem", "system,all", "gamma"},
                                  {"TestEnd", "system,call,agent,user,all", "end"}};

std::string users() {
  const auto& hash = secret_hash();
  return "[callonly]\nsecret = " + hash + "\ntypes = monitor\nread = call\n\n" +
         "[legacy]\nsecret = " + hash +
         "\ntypes = monitor\neventfilter = Event: Test(Call|Agent|End)\n"
         "eventfilter = !Event: TestAgent\n\n" +
         "[advanced]\nsecret = " + hash +
         "\ntypes = monitor\n"
         "eventfilter(action(include),header(Tag),method(starts_with)) = alpha\n"
         "eventfilter(action(include),name(TestEnd),method(none)) =\n"
         "eventfilter(action(exclude),name(TestUser),method(none)) =\n";
}

std::unique_ptr<Client> log_in(const AmpdInstance& ampd, const std::string& user,
                               const std::string& extra = "") {
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\n" + extra + "\r\n");
  const auto answer = extra.find("Format: xml") != std::string::npos    ? c->read_xml()
                      : extra.find("Format: json") != std::string::npos ? c->read_line()
                                                                        : c->read_native();
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

void send_events(Client& admin) {
  for (const auto& e : kEvents) {
    admin.send(std::string("Action: Custom\r\nCAction: SimEvent\r\nSimEventName: ") + e[0] +
               "\r\nPrivilege: " + e[1] + "\r\nTag: " + e[2] + "\r\n\r\n");
    EXPECT_NE(admin.read_native().find("Success"), std::string::npos);
  }
}

// The names of the Test events a client received, up to TestEnd, in any format.
std::string seen(Client& c) {
  static const std::regex name(R"((?:Event: |<event name="|"event":")(Test[A-Za-z]+))");
  std::string names;
  for (int i = 0; i < 200; ++i) {
    const auto line = c.read_line();
    if (line.empty()) return names + "(no TestEnd)";
    std::smatch m;
    if (!std::regex_search(line, m, name)) continue;
    if (m[1] == "TestEnd") return names + "TestEnd";
    names += m[1].str() + " ";
  }
  return names;
}

class EventClasses : public ::testing::Test {
 protected:
  SimInstance sim_;
  AmpdInstance ampd_{{.sections = sim_.section(), .users = users()}};
  std::unique_ptr<Client> admin_ = log_in(ampd_, "admin", "Type: administrator\r\nEvents: off\r\n");
};

TEST_F(EventClasses, ClassesAtLoginAndFromTheEventsAction) {
  auto call_user = log_in(ampd_, "mon", "Events: call,user\r\n");
  auto later = log_in(ampd_, "mon", "Events: off\r\n");
  later->send("Action: Events\r\nEventMask: agent\r\nActionID: e\r\n\r\n");
  EXPECT_EQ(later->read_native(), "Response: Success\r\nActionID: e\r\nEvents: On\r\n\r\n");
  auto everything = log_in(ampd_, "mon");
  auto read_call = log_in(ampd_, "callonly");
  auto xml = log_in(ampd_, "mon", "Format: xml\r\nEvents: user\r\n");
  auto json = log_in(ampd_, "mon", "Format: json\r\nEvents: system\r\n");
  send_events(*admin_);
  EXPECT_EQ(seen(*call_user), "TestCall TestUser TestEnd");
  EXPECT_EQ(seen(*later), "TestAgent TestEnd");
  EXPECT_EQ(seen(*everything), "TestCall TestAgent TestUser TestSystem TestEnd");
  EXPECT_EQ(seen(*read_call), "TestCall TestEnd") << "read = call";
  EXPECT_EQ(seen(*xml), "TestUser TestEnd");
  EXPECT_EQ(seen(*json), "TestSystem TestEnd");
}

TEST_F(EventClasses, ReadLimitsWhatAClientMayAskFor) {
  auto c = log_in(ampd_, "callonly", "Events: agent,call\r\n");
  send_events(*admin_);
  EXPECT_EQ(seen(*c), "TestCall TestEnd");
}

TEST_F(EventClasses, ProfileFiltersInBothSyntaxes) {
  auto legacy = log_in(ampd_, "legacy");
  auto advanced = log_in(ampd_, "advanced");
  send_events(*admin_);
  EXPECT_EQ(seen(*legacy), "TestCall TestEnd") << "include, then exclude";
  EXPECT_EQ(seen(*advanced), "TestCall TestEnd") << "header starts_with, name, exclude";
}

TEST_F(EventClasses, TheFilterActionAddsAndExcludes) {
  auto include = log_in(ampd_, "mon");
  include->send(
      "Action: Filter\r\nOperation: Add\r\nFilter: Event: Test(System|End)\r\n"
      "ActionID: f\r\n\r\n");
  EXPECT_EQ(include->read_native(), "Response: Success\r\nActionID: f\r\nMessage: Success\r\n\r\n");
  auto exclude = log_in(ampd_, "mon");
  exclude->send("Action: Filter\r\nOperation: Add\r\nFilter: !Event: TestCall\r\n\r\n");
  EXPECT_NE(exclude->read_native().find("Success"), std::string::npos);
  auto advanced = log_in(ampd_, "mon", "Format: xml\r\n");
  advanced->send(
      "<command action=\"Filter\" Operation=\"Add\" "
      "Filter=\"action(include),header(Tag),method(exact) = beta\"/>");
  EXPECT_NE(advanced->read_xml().find("response=\"Success\""), std::string::npos);
  advanced->send(
      "<command action=\"Filter\" Operation=\"Add\" "
      "Filter=\"action(include),name(TestEnd),method(none) =\"/>");
  EXPECT_NE(advanced->read_xml().find("response=\"Success\""), std::string::npos);
  send_events(*admin_);
  EXPECT_EQ(seen(*include), "TestSystem TestEnd");
  EXPECT_EQ(seen(*exclude), "TestAgent TestUser TestSystem TestEnd");
  EXPECT_EQ(seen(*advanced), "TestAgent TestEnd");
}

TEST_F(EventClasses, BadMasksAndFiltersAreClearErrors) {
  auto c = ampd_.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\nEvents: calls\r\n\r\n");
  EXPECT_NE(c->read_native().find("unknown event class 'calls'"), std::string::npos);
  auto mon = log_in(ampd_, "mon");
  mon->send("Action: Events\r\nEventMask: call,nope\r\n\r\n");
  EXPECT_NE(mon->read_native().find("unknown event class 'nope'"), std::string::npos);
  mon->send("Action: Filter\r\nOperation: Add\r\nFilter: Event: (\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Filter did not compile"), std::string::npos);
  mon->send("Action: Filter\r\nOperation: Remove\r\nFilter: x\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Unknown operation"), std::string::npos);
  mon->send("Action: Filter\r\nOperation: Add\r\nFilter: method(fuzzy) = x\r\n\r\n");
  EXPECT_NE(mon->read_native().find("eventfilter method must be"), std::string::npos);
  // After all that the client still gets its events.
  send_events(*admin_);
  EXPECT_EQ(seen(*mon), "TestCall TestAgent TestUser TestSystem TestEnd");
}

TEST(EventClassesConfig, CheckConfigReportsBadReadAndEventfilterLines) {
  TempDir dir;
  dir.write("users.ini", "[u]\nsecret = " + secret_hash() +
                             "\ntypes = monitor\nread = call,bogus\neventfilter = Event: (\n"
                             "eventfilter(action(maybe)) = x\n");
  dir.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\n");
  std::string out;
  const int rc = run_command(
      {AMPD_BINARY, "--check-config", "--config-file=" + dir.file("ampd.ini")}, "", out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("unknown event class 'bogus'"), std::string::npos) << out;
  EXPECT_NE(out.find("bad regular expression"), std::string::npos) << out;
  EXPECT_NE(out.find("action must be include or exclude"), std::string::npos) << out;
}

}  // namespace
}  // namespace ampd::test
