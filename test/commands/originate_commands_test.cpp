// Originate through the real ampd and simulator, in both dialects and both client formats.
#include <gtest/gtest.h>

#include "ampd_instance.hpp"
#include "ampd_session.hpp"

namespace ampd::test {
namespace {

class OriginateCommand : public ::testing::TestWithParam<std::string> {
 protected:
  bool old_asterisk() const { return GetParam() == "1.4"; }
};

// A synchronous Originate holds its Asterisk session until the call is answered: here the
// far end answers after 1.2 s while ampd's own action timeout is 0.5 s.
TEST_P(OriginateCommand, SynchronousOriginateWaitsForTheAnswer) {
  SimInstance sim({"--dialect", GetParam(), "--answer-delay-ms", "1200"});
  AmpdInstance ampd({.sections = sim.section("pbx", "action_timeout = 500\n")});
  AmpdSession native(ampd, false), xml(ampd, true);

  auto answer = native.ask("Originate", {{"Channel", "Local/100@default"},
                                         {"Context", "default"},
                                         {"Exten", "101"},
                                         {"Priority", "1"},
                                         {"CallerID", "AMI Test <5551000>"},
                                         {"Timeout", "5000"}});
  EXPECT_TRUE(has(answer, "Response: Success\r\n")) << answer;
  EXPECT_TRUE(has(answer, "ActionID: t1\r\n")) << answer;
  EXPECT_TRUE(has(answer, "Message: Originate successfully queued")) << answer;

  answer = xml.ask("Originate",
                   {{"Channel", "Local/500@default"}, {"Application", "Wait"}, {"Data", "1"}});
  EXPECT_TRUE(has(answer, "<command action=\"originate\" response=\"Success\" ActionID=\"t1\""))
      << answer;
}

// Async: the answer at once, then the call's result as an event carrying the client's
// ActionID; every Variable reaches the channel.
TEST_P(OriginateCommand, AsyncOriginateWithVariables) {
  SimInstance sim({"--dialect", GetParam()});
  AmpdInstance ampd({.sections = sim.section()});
  AmpdSession native(ampd, false, "admin", "administrator", true);
  AmpdSession xml(ampd, true, "admin", "administrator", true);
  const std::string result_event = old_asterisk() ? "OriginateSuccess" : "OriginateResponse";

  native.client().send(AmpdSession::native_request("Originate",
                                                   {{"Channel", "Local/100@default"},
                                                    {"Context", "default"},
                                                    {"Exten", "101"},
                                                    {"Async", "true"},
                                                    {"Variable", "A=1"},
                                                    {"Variable", "B=2"}},
                                                   "async-1"));
  // Events about the new channels may come first: they travel on another Asterisk session.
  const auto response = native.read_message_with("Response: Success");
  EXPECT_TRUE(has(response, "Message: Originate successfully queued")) << response;
  EXPECT_TRUE(has(response, "ActionID: async-1")) << response;
  const auto event = native.read_message_with("Event: " + result_event);
  EXPECT_TRUE(has(event, "ActionID: async-1\r\n")) << event;
  const auto at = event.find("Channel: ");
  ASSERT_NE(at, std::string::npos) << event;
  const auto channel = event.substr(at + 9, event.find("\r\n", at) - at - 9);

  // XML gives repeated keys as child elements.
  xml.client().send(
      "<command action=\"originate\" channel=\"Local/100@default\" application=\"Wait\" "
      "data=\"600\" async=\"true\" actionid=\"async-2\"><variable>C=3</variable>"
      "<variable>D=4</variable></command>");
  const auto xml_response = xml.read_message_with("<command action=\"originate\"");
  EXPECT_TRUE(has(xml_response, "response=\"Success\"")) << xml_response;
  const auto xml_event = xml.read_message_with("<event name=\"" + result_event + "\"");
  EXPECT_TRUE(has(xml_event, "actionid=\"async-2\"")) << xml_event;

  AmpdSession reader(ampd, false);
  for (const auto& [name, value] : {std::pair{"A", "1"}, std::pair{"B", "2"}}) {
    const auto got = reader.ask("Getvar", {{"Channel", channel}, {"Variable", name}});
    EXPECT_TRUE(has(got, std::string("Value: ") + value + "\r\n")) << got;
  }
}

TEST_P(OriginateCommand, RefusalsAndAsteriskErrors) {
  SimInstance sim({"--dialect", GetParam()});
  AmpdInstance ampd({.sections = sim.section()});
  AmpdSession native(ampd, false), xml(ampd, true);

  auto answer = native.ask("Originate", {{"Context", "default"}, {"Exten", "101"}});
  EXPECT_TRUE(has(answer, "Response: Error")) << answer;
  EXPECT_TRUE(has(answer, "Message: Originate requires the argument Channel")) << answer;

  answer = xml.ask("Originate", {{"Channel", "Local/100@default"}});
  EXPECT_TRUE(has(answer, "response=\"Error\"")) << answer;
  EXPECT_TRUE(has(answer, "Originate needs a destination")) << answer;

  // The simulated far end fails ("fail" in the dial string): Asterisk's own error.
  answer = native.ask("Originate",
                      {{"Channel", "Local/fail@default"}, {"Application", "Wait"}, {"Data", "1"}});
  EXPECT_TRUE(has(answer, "Response: Error")) << answer;
  EXPECT_TRUE(has(answer, "Message: Originate failed")) << answer;
  answer = xml.ask("Originate", {{"Channel", "nonsense"}, {"Application", "Wait"}});
  EXPECT_TRUE(has(answer, "Message=\"Invalid channel\"")) << answer;

  // Originate changes calls: a monitor client may not.
  AmpdSession monitor(ampd, false, "mon", "monitor");
  answer = monitor.ask("Originate", {{"Channel", "Local/100@default"}, {"Application", "Wait"}});
  EXPECT_TRUE(has(answer, "Permission denied")) << answer;
}

INSTANTIATE_TEST_SUITE_P(Dialects, OriginateCommand, ::testing::Values("modern", "1.4"),
                         [](const auto& info) {
                           return info.param == "1.4" ? std::string("Asterisk14")
                                                      : std::string("Modern");
                         });

}  // namespace
}  // namespace ampd::test
