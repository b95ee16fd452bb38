// The system plugin's status and peer commands through the real ampd and simulator: Asterisk
// 1.4, Asterisk 20 with chan_sip, and modern Asterisk without it (PJSIP only).
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
  bool chan_sip = false;
};

// Test names and failure messages show the flavour's name.
void PrintTo(const Flavour& flavour, std::ostream* out) { *out << flavour.name; }

class SystemCommands : public ::testing::TestWithParam<Flavour> {
 protected:
  void SetUp() override {
    sim = std::make_unique<SimInstance>(GetParam().sim_options);
    ampd = std::make_unique<AmpdInstance>(AmpdSetup{.sections = sim->section()});
    native = std::make_unique<AmpdSession>(*ampd, false, "mon", "monitor");
    xml = std::make_unique<AmpdSession>(*ampd, true, "mon", "monitor");
  }

  std::unique_ptr<SimInstance> sim;
  std::unique_ptr<AmpdInstance> ampd;
  std::unique_ptr<AmpdSession> native, xml;
};

TEST_P(SystemCommands, ExtensionState) {
  auto answer = native->ask("ExtensionState", {{"Exten", "100"}, {"Context", "default"}});
  EXPECT_TRUE(has(answer,
                  "Response: Success\r\nActionID: t1\r\nMessage: Extension Status\r\n"
                  "Exten: 100\r\nContext: default\r\nHint: SIP/peer1\r\nStatus: 4\r\n"
                  "StatusText: Unavailable\r\n"))
      << answer;
  answer = xml->ask("ExtensionState", {{"Exten", "101"}, {"Context", "default"}});
  EXPECT_TRUE(has(answer, "Hint=\"Custom:lamp101\" Status=\"0\" StatusText=\"Idle\"")) << answer;
  answer = xml->ask("ExtensionState", {{"Exten", "100"}});
  EXPECT_TRUE(has(answer, "response=\"Error\"")) << answer;
  EXPECT_TRUE(has(answer, "ExtensionState requires the argument Context")) << answer;
}

TEST_P(SystemCommands, Mailboxes) {
  auto answer = native->ask("MailboxCount", {{"Mailbox", "1234"}, {"Context", "default"}});
  EXPECT_TRUE(has(answer, "Message: Mailbox Message Count\r\nMailbox: 1234@default\r\n")) << answer;
  EXPECT_TRUE(has(answer, "NewMessages: 1\r\nOldMessages: 0\r\n")) << answer;
  answer = xml->ask("MailboxStatus", {{"Mailbox", "1234"}, {"Context", "default"}});
  EXPECT_TRUE(has(answer, "Message=\"Mailbox Status\" Mailbox=\"1234@default\" Waiting=\"1\""))
      << answer;
  answer = native->ask("MailboxCount", {{"Mailbox", "1234"}});
  EXPECT_TRUE(has(answer, "Message: MailboxCount requires the argument Context")) << answer;
  // Asterisk's own error: an empty mailbox.
  answer = xml->ask("MailboxStatus", {{"Mailbox", ""}, {"Context", ""}});
  EXPECT_TRUE(has(answer, "response=\"Error\"")) << answer;
}

TEST_P(SystemCommands, ParkedCallInfo) {
  auto answer = native->ask("ParkedCallInfo");
  EXPECT_TRUE(has(answer, "Response: Success\r\nActionID: t1\r\nEventList: start")) << answer;
  EXPECT_TRUE(has(answer,
                  "Event: ParkedCallInfoComplete\r\nActionID: t1\r\nEventList: "
                  "Complete\r\nListItems: 0\r\n"))
      << answer;
  answer = xml->ask("ParkedCallInfo");
  EXPECT_TRUE(has(answer,
                  "<command action=\"parkedcallinfo\" response=\"Success\" "
                  "ActionID=\"t1\" ListItems=\"0\">"
                  "</command>"))
      << answer;
}

TEST_P(SystemCommands, PeerInfo) {
  const bool sip = GetParam().chan_sip;
  auto answer = native->ask("PeerInfo");
  if (sip) {
    EXPECT_TRUE(has(answer,
                    "Event: PeerEntry\r\nActionID: t1\r\nChanneltype: SIP\r\n"
                    "ObjectName: peer1\r\n"))
        << answer;
    EXPECT_TRUE(has(answer, "Callerid: \"\" <>\r\n")) << answer;
    EXPECT_TRUE(has(answer, "ListItems: 1\r\n")) << answer;
  } else {
    EXPECT_TRUE(has(answer,
                    "Event: EndpointList\r\nActionID: t1\r\nObjectType: endpoint\r\n"
                    "ObjectName: 100\r\n"))
        << answer;
    EXPECT_TRUE(has(answer, "Callerid: \"Desk 100\" <100>\r\n")) << answer;
    EXPECT_TRUE(has(answer, "ListItems: 2\r\n")) << answer;
  }
  const std::string peer = sip ? "peer1" : "101";
  answer = xml->ask("PeerInfo", {{"Type", "SIP"}, {"Peer", peer}});
  EXPECT_TRUE(has(answer, "ListItems=\"1\"><" + std::string(sip ? "peerentry" : "endpointlist")))
      << answer;
  EXPECT_TRUE(has(answer, "objectname=\"" + peer + "\"")) << answer;

  answer = native->ask("PeerInfo", {{"Type", "IAX2"}});
  EXPECT_TRUE(has(answer, "Response: Error")) << answer;
  EXPECT_TRUE(has(answer, "use Command: iax2 show peers instead")) << answer;
  answer = xml->ask("PeerInfo", {{"Peer", "nosuchpeer"}});
  EXPECT_TRUE(has(answer, "Message=\"Peer nosuchpeer not found\"")) << answer;
}

TEST_P(SystemCommands, SipShowPeer) {
  const bool sip = GetParam().chan_sip;
  if (sip) {
    auto answer = native->ask("SIPshowpeer", {{"Peer", "peer1"}});
    EXPECT_TRUE(has(answer,
                    "Response: Success\r\nActionID: t1\r\nChanneltype: SIP\r\n"
                    "ObjectName: peer1\r\n"))
        << answer;
    EXPECT_TRUE(has(answer, "Callerid: \"\" <>\r\n")) << answer;
    answer = xml->ask("SIPshowpeer", {{"Peer", "peer1"}});
    EXPECT_TRUE(has(answer, "Channeltype=\"SIP\" ObjectName=\"peer1\"")) << answer;
    answer = native->ask("SIPshowpeer", {{"Peer", "nosuchpeer"}});
    EXPECT_TRUE(has(answer,
                    "Response: Error\r\nActionID: t1\r\nMessage: Peer nosuchpeer not "
                    "found."))
        << answer;
  } else {
    auto answer = native->ask("SIPshowpeer", {{"Peer", "100"}});
    EXPECT_TRUE(has(answer,
                    "Message: chan_sip is not available in this Asterisk: PJSIP "
                    "endpoint 100 shown instead (PJSIPShowEndpoint)\r\n"
                    "Channeltype: PJSIP\r\nObjectType: endpoint\r\nObjectName: 100\r\n"))
        << answer;
    answer = xml->ask("SIPshowpeer", {{"Peer", "101"}});
    EXPECT_TRUE(has(answer, "Callerid=\"&quot;Desk 101&quot; &lt;101&gt;\"")) << answer;
    answer = native->ask("SIPshowpeer", {{"Peer", "nosuchpeer"}});
    EXPECT_TRUE(has(answer,
                    "Response: Error\r\nActionID: t1\r\nMessage: Unable to retrieve "
                    "endpoint nosuchpeer"))
        << answer;
  }
  auto answer = xml->ask("SIPshowpeer");
  EXPECT_TRUE(has(answer, "SIPshowpeer requires the argument Peer")) << answer;
}

INSTANTIATE_TEST_SUITE_P(
    Asterisk, SystemCommands,
    ::testing::Values(Flavour{"Asterisk14", {"--dialect", "1.4"}, true, true},
                      Flavour{"Asterisk20WithChanSip", {"--chan-sip"}, false, true},
                      Flavour{"Asterisk20WithoutChanSip", {}, false, false},
                      Flavour{"Asterisk22", {"--asterisk-version", "22.10.1"}, false, false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ampd::test
