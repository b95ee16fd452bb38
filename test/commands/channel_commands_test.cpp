// The channel commands through the real ampd and simulator: Asterisk 1.4, modern with
// res_monitor (up to 20) and modern without it (21+, where MixMonitor stands in).
#include <gtest/gtest.h>

#include <ostream>

#include "ampd_instance.hpp"
#include "ampd_session.hpp"

namespace ampd::test {
namespace {

struct Flavour {
  std::string name;
  std::vector<std::string> sim_options;
  bool old_asterisk = false;
  bool monitor = false;  // res_monitor loaded
};

// Test names and failure messages show the flavour's name.
void PrintTo(const Flavour& flavour, std::ostream* out) { *out << flavour.name; }

class ChannelCommands : public ::testing::TestWithParam<Flavour> {
 protected:
  void SetUp() override {
    sim = std::make_unique<SimInstance>(GetParam().sim_options);
    ampd = std::make_unique<AmpdInstance>(AmpdSetup{.sections = sim->section()});
    native = std::make_unique<AmpdSession>(*ampd, false);
    xml = std::make_unique<AmpdSession>(*ampd, true);
  }

  // Starts a call (Local/100@default: two halves, ;2 parked in Wait) and returns its halves.
  std::pair<std::string, std::string> start_call() {
    const auto answer = native->ask(
        "Originate", {{"Channel", "Local/100@default"}, {"Application", "Wait"}, {"Data", "600"}});
    EXPECT_TRUE(has(answer, "Response: Success")) << answer;
    const auto list = native->ask("ChannelInfo");
    const auto at = list.find("Channel: Local/100@default-");
    EXPECT_NE(at, std::string::npos) << list;
    if (at == std::string::npos) return {};
    const auto name = list.substr(at + 9, list.find(';', at) - at - 9);
    return {name + ";1", name + ";2"};
  }

  std::unique_ptr<SimInstance> sim;
  std::unique_ptr<AmpdInstance> ampd;
  std::unique_ptr<AmpdSession> native, xml;
};

TEST_P(ChannelCommands, ChannelInfoListsChannelsInBothFormats) {
  auto answer = native->ask("ChannelInfo");
  EXPECT_TRUE(has(answer, "Response: Success\r\nActionID: t1\r\nEventList: start")) << answer;
  EXPECT_TRUE(has(answer,
                  "Event: ChannelInfoComplete\r\nActionID: t1\r\nEventList: Complete\r\n"
                  "ListItems: 0\r\n"))
      << answer;

  const auto [one, two] = start_call();
  const std::string record = GetParam().old_asterisk ? "Status" : "CoreShowChannel";
  answer = native->ask("ChannelInfo");
  EXPECT_TRUE(has(answer, "Event: " + record + "\r\nActionID: t1\r\nChannel: " + one)) << answer;
  EXPECT_TRUE(has(answer, "Channel: " + two)) << answer;
  EXPECT_TRUE(has(answer, "ListItems: 2\r\n")) << answer;

  answer = xml->ask("ChannelInfo", {}, "x1");
  EXPECT_TRUE(has(answer, "<command action=\"channelinfo\" response=\"Success\" ActionID=\"x1\""))
      << answer;
  EXPECT_TRUE(has(answer, "ListItems=\"2\"><" +
                              std::string(GetParam().old_asterisk ? "status" : "coreshowchannel") +
                              " channel=\"" + one + "\""))
      << answer;
  EXPECT_TRUE(has(answer, "</command>\r\n")) << answer;
}

TEST_P(ChannelCommands, VariablesOnAChannelAndGlobal) {
  const auto [one, two] = start_call();
  auto answer =
      native->ask("Setvar", {{"Channel", two}, {"Variable", "AMIVAR"}, {"Value", "set by ami"}});
  EXPECT_TRUE(has(answer, "Response: Success\r\nActionID: t1\r\nMessage: Variable Set")) << answer;
  answer = xml->ask("Getvar", {{"Channel", two}, {"Variable", "AMIVAR"}});
  EXPECT_TRUE(has(answer,
                  "response=\"Success\" ActionID=\"t1\" Variable=\"AMIVAR\" "
                  "Value=\"set by ami\""))
      << answer;

  // No Channel: global. No Value: the empty string.
  answer = xml->ask("Setvar", {{"Variable", "TESTGLOBAL"}});
  EXPECT_TRUE(has(answer, "response=\"Success\"")) << answer;
  answer = native->ask("Getvar", {{"Variable", "TESTGLOBAL"}});
  EXPECT_TRUE(has(answer, "Variable: TESTGLOBAL\r\nValue: \r\n")) << answer;

  // The missing argument and Asterisk's own error.
  answer = native->ask("Getvar", {{"Channel", two}});
  EXPECT_TRUE(has(answer, "Response: Error")) << answer;
  EXPECT_TRUE(has(answer, "Message: Getvar requires the argument Variable")) << answer;
  answer = xml->ask("Getvar", {{"Channel", "Local/nonexist@default-0000;1"}, {"Variable", "X"}});
  EXPECT_TRUE(has(answer, "response=\"Error\"")) << answer;
  EXPECT_TRUE(has(answer, ">No such channel</command>")) << answer;
}

TEST_P(ChannelCommands, RedirectTimeoutAndHangup) {
  const auto [one, two] = start_call();
  auto answer = native->ask(
      "Redirect", {{"Channel", one}, {"Context", "agents"}, {"Exten", "555"}, {"Priority", "1"}});
  EXPECT_TRUE(has(answer, "Message: Redirect successful")) << answer;
  answer = xml->ask("Redirect", {{"Channel", one}, {"Context", "agents"}, {"Exten", "555"}});
  EXPECT_TRUE(has(answer, "Redirect requires the argument Priority")) << answer;
  answer = native->ask("Redirect", {{"Channel", "SIP/nonexistent-1"},
                                    {"Context", "agents"},
                                    {"Exten", "555"},
                                    {"Priority", "1"}});
  EXPECT_TRUE(has(answer, "Message: Channel does not exist: SIP/nonexistent-1")) << answer;

  answer = xml->ask("AbsoluteTimeout", {{"Channel", one}, {"Timeout", "60"}});
  EXPECT_TRUE(has(answer, "response=\"Success\" ActionID=\"t1\" Message=\"Timeout Set\""))
      << answer;
  answer = native->ask("AbsoluteTimeout", {{"Channel", one}});
  EXPECT_TRUE(has(answer, "AbsoluteTimeout requires the argument Timeout")) << answer;

  // Hangup changes calls: a monitor client may not.
  AmpdSession monitor(*ampd, false, "mon", "monitor");
  answer = monitor.ask("Hangup", {{"Channel", two}});
  EXPECT_TRUE(has(answer, "Permission denied")) << answer;

  answer = native->ask("Hangup", {{"Channel", two}});
  EXPECT_TRUE(has(answer, "Message: Channel Hungup")) << answer;
  answer = xml->ask("Hangup", {{"Channel", "Local/nonexist@default-0000;1"}});
  EXPECT_TRUE(has(answer, "Message=\"No such channel\"")) << answer;
  answer = xml->ask("Hangup");
  EXPECT_TRUE(has(answer, "Hangup requires the argument Channel")) << answer;
}

TEST_P(ChannelCommands, MonitorFamily) {
  const auto [one, two] = start_call();
  const bool monitor = GetParam().monitor;
  auto answer = native->ask("Monitor", {{"Channel", two}, {"File", "amitest"}, {"Format", "wav"}});
  EXPECT_TRUE(has(answer, "Response: Success")) << answer;
  EXPECT_TRUE(has(answer, monitor ? "Recorder: Monitor"
                                  : "Recorder: MixMonitor\r\nFile: "
                                    "amitest.wav"))
      << answer;

  answer = xml->ask("ChangeMonitor", {{"Channel", two}, {"File", "amitest2"}});
  if (monitor) {
    EXPECT_TRUE(has(answer,
                    "response=\"Success\" ActionID=\"t1\" "
                    "Message=\"Changed monitor filename\""))
        << answer;
  } else {
    EXPECT_TRUE(has(answer, "response=\"Error\"")) << answer;
    EXPECT_TRUE(has(answer, "MixMonitor cannot change the file")) << answer;
    EXPECT_TRUE(has(answer, "use StopMonitor then Monitor")) << answer;
  }
  answer = native->ask("ChangeMonitor", {{"Channel", two}});
  EXPECT_TRUE(has(answer, "ChangeMonitor requires the argument File")) << answer;

  answer = xml->ask("StopMonitor", {{"Channel", two}});
  EXPECT_TRUE(has(answer, "response=\"Success\"")) << answer;
  EXPECT_TRUE(has(answer, monitor ? "Recorder=\"Monitor\"" : "Recorder=\"MixMonitor\"")) << answer;

  answer = native->ask("Monitor", {{"Channel", "SIP/nonexistent-1"}});
  EXPECT_TRUE(has(answer, "Response: Error\r\nActionID: t1\r\nMessage: No such channel")) << answer;
  answer = native->ask("StopMonitor");
  EXPECT_TRUE(has(answer, "StopMonitor requires the argument Channel")) << answer;
}

INSTANTIATE_TEST_SUITE_P(
    Asterisk, ChannelCommands,
    ::testing::Values(Flavour{"Asterisk14", {"--dialect", "1.4"}, true, true},
                      Flavour{"Asterisk20WithResMonitor", {"--monitor"}, false, true},
                      Flavour{"Asterisk20WithoutResMonitor", {}, false, false},
                      Flavour{"Asterisk22", {"--asterisk-version", "22.10.1"}, false, false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ampd::test
