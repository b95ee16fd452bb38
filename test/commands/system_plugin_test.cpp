// The system plugin's status and peer commands against the SDK's fake host (ServerVersion and
// Command are covered by test/unit/plugin_system_test.cpp).
#include "system/system_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

FakeHost::Answer unknown(const std::string& action) {
  return FakeHost::Answer::asterisk_error("Invalid/unknown command: " + action +
                                          ". Use Action: ListCommands to show available commands.");
}

class SystemCommands : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_system_plugin); }
  void asterisk(int major) {
    host.set_server({"pbx", true, major, major == 1 ? "1.4.44" : std::to_string(major) + ".1.0",
                     major == 1 ? "1.0" : "9.0.0"});
  }
  std::vector<std::string> sent_actions() const {
    std::vector<std::string> out;
    for (const auto& a : host.actions()) out.push_back(a.action());
    return out;
  }
  FakeHost host;
};

TEST_F(SystemCommands, DeclaresItsCommands) {
  struct Expected {
    const char* name;
    std::vector<const char*> required;
  };
  const std::vector<Expected> expected = {{"ExtensionState", {"Exten", "Context"}},
                                          {"MailboxCount", {"Mailbox", "Context"}},
                                          {"MailboxStatus", {"Mailbox", "Context"}},
                                          {"ParkedCallInfo", {}},
                                          {"PeerInfo", {}},
                                          {"SIPshowpeer", {"Peer"}}};
  for (const auto& e : expected) {
    const auto* c = host.command(e.name);
    ASSERT_NE(c, nullptr) << e.name;
    EXPECT_EQ(c->privilege, Privilege::Monitor) << e.name;
    std::size_t required = 0;
    for (const auto& a : c->args) required += a.required ? 1 : 0;
    EXPECT_EQ(required, e.required.size()) << e.name;
    for (const char* arg : e.required) EXPECT_TRUE(c->requires_arg(arg)) << e.name << " " << arg;
  }
  // ServerVersion and Command are still there.
  EXPECT_NE(host.command("ServerVersion"), nullptr);
  EXPECT_NE(host.command("Command"), nullptr);
}

TEST_F(SystemCommands, ExtensionStateOnModernAsterisk) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.fields(), (FieldList{{"Exten", "100"}, {"Context", "default"}}));
    return FakeHost::Answer::success({{"ActionID", "x"},
                                      {"Message", "Extension Status"},
                                      {"Exten", "100"},
                                      {"Context", "default"},
                                      {"Hint", "SIP/peer1"},
                                      {"Status", "4"},
                                      {"StatusText", "Unavailable"}});
  });
  const auto reply = host.run("ExtensionState", {{"Exten", "100"}, {"Context", "default"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Extension Status");
  EXPECT_EQ(reply.fields, (FieldList{{"Exten", "100"},
                                     {"Context", "default"},
                                     {"Hint", "SIP/peer1"},
                                     {"Status", "4"},
                                     {"StatusText", "Unavailable"}}));
}

TEST_F(SystemCommands, ExtensionStateOnAsterisk14GetsStatusText) {
  asterisk(1);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Extension Status"},
                                      {"Exten", "101"},
                                      {"Context", "default"},
                                      {"Hint", "Custom:lamp101"},
                                      {"Status", "0"}});
  });
  const auto reply = host.run("ExtensionState", {{"Exten", "101"}, {"Context", "default"}});
  EXPECT_EQ(reply.get("Status"), "0");
  EXPECT_EQ(reply.get("StatusText"), "Idle");
}

TEST_F(SystemCommands, ExtensionStateErrorIsAsterisks) {
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Extension not found"); });
  const auto reply = host.run("ExtensionState", {{"Exten", "1"}, {"Context", "x"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Extension not found");
}

TEST_F(SystemCommands, MailboxCountJoinsMailboxAndContext) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "MailboxCount");
    return FakeHost::Answer::success({{"Message", "Mailbox Message Count"},
                                      {"Mailbox", a.get("Mailbox")},
                                      {"UrgMessages", "0"},
                                      {"NewMessages", "1"},
                                      {"OldMessages", "0"}});
  });
  const auto reply = host.run("MailboxCount", {{"Mailbox", "1234"}, {"Context", "default"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Mailbox", "1234@default"}}));
  EXPECT_EQ(reply.fields, (FieldList{{"Mailbox", "1234@default"},
                                     {"UrgMessages", "0"},
                                     {"NewMessages", "1"},
                                     {"OldMessages", "0"}}));
  // A mailbox already written mailbox@context goes as it is.
  host.run("MailboxCount", {{"Mailbox", "1234@other"}, {"Context", "default"}});
  EXPECT_EQ(host.actions().back().get("Mailbox"), "1234@other");
}

TEST_F(SystemCommands, MailboxStatus) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "MailboxStatus");
    return FakeHost::Answer::success(
        {{"Message", "Mailbox Status"}, {"Mailbox", a.get("Mailbox")}, {"Waiting", "1"}});
  });
  const auto reply = host.run("MailboxStatus", {{"Mailbox", "1234"}, {"Context", "default"}});
  EXPECT_EQ(reply.fields, (FieldList{{"Mailbox", "1234@default"}, {"Waiting", "1"}}));

  // An empty mailbox goes as it is, for Asterisk to refuse.
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Mailbox not specified"); });
  const auto refused = host.run("MailboxStatus", {{"Mailbox", ""}, {"Context", "default"}});
  EXPECT_FALSE(refused.success);
  EXPECT_EQ(refused.message, "Mailbox not specified");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Mailbox", ""}}));
}

TEST_F(SystemCommands, ParkedCallInfoListsParkedCall) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "ParkedCalls");
    auto answer = FakeHost::Answer::success({{"Message", "Parked calls will follow"}});
    answer.events = {{{"Event", "ParkedCall"},
                      {"ParkeeChannel", "Local/500@default-00000004;2"},
                      {"ParkingSpace", "701"},
                      {"ActionID", "x"}}};
    answer.complete = {{"Event", "ParkedCallsComplete"}, {"ListItems", "1"}, {"Total", "1"}};
    return answer;
  });
  const auto reply = host.run("ParkedCallInfo");
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].name, "ParkedCall");
  EXPECT_EQ(reply.records[0].fields, (FieldList{{"ParkeeChannel", "Local/500@default-00000004;2"},
                                                {"ParkingSpace", "701"}}));

  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  const auto empty = host.run("ParkedCallInfo");
  EXPECT_TRUE(empty.is_list);
  EXPECT_TRUE(empty.records.empty());
}

// ---------------------------------------------------------------- peers

FakeHost::Answer sip_peers() {
  auto answer = FakeHost::Answer::success({{"Message", "Peer status list will follow"}});
  answer.events = {{{"Event", "PeerEntry"},
                    {"Channeltype", "SIP"},
                    {"ObjectName", "peer1"},
                    {"Status", "Unmonitored"}},
                   {{"Event", "PeerEntry"}, {"Channeltype", "SIP"}, {"ObjectName", "peer2"}}};
  answer.complete = {{"Event", "PeerlistComplete"}, {"ListItems", "2"}};
  return answer;
}

FakeHost::Answer pjsip_endpoints() {
  auto answer = FakeHost::Answer::success({{"EventList", "start"}});
  answer.events = {{{"Event", "EndpointList"}, {"ObjectType", "endpoint"}, {"ObjectName", "100"}},
                   {{"Event", "EndpointList"}, {"ObjectType", "endpoint"}, {"ObjectName", "101"}}};
  return answer;
}

FakeHost::Answer pjsip_endpoint(const std::string& name) {
  auto answer = FakeHost::Answer::success({{"EventList", "start"}});
  answer.events = {{{"Event", "EndpointDetail"},
                    {"ObjectType", "endpoint"},
                    {"ObjectName", name},
                    {"Callerid", "\"Desk " + name + "\" <" + name + ">"},
                    {"Context", "default"}},
                   {{"Event", "AorDetail"}, {"ObjectName", name}}};
  return answer;
}

TEST_F(SystemCommands, PeerInfoWithChanSipAddsEachPeersCallerId) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "SIPpeers") return sip_peers();
    EXPECT_EQ(a.action(), "SIPshowpeer");
    return FakeHost::Answer::success(
        {{"ObjectName", a.get("Peer")}, {"Callerid", "\"" + a.get("Peer") + "\" <100>"}});
  });
  const auto reply = host.run("PeerInfo");
  EXPECT_TRUE(reply.success) << reply.message;
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[0].name, "PeerEntry");
  EXPECT_EQ(reply.records[0].fields, (FieldList{{"Channeltype", "SIP"},
                                                {"ObjectName", "peer1"},
                                                {"Status", "Unmonitored"},
                                                {"Callerid", "\"peer1\" <100>"}}));
  EXPECT_EQ(reply.records[1].get("Callerid"), "\"peer2\" <100>");
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"SIPpeers", "SIPshowpeer", "SIPshowpeer"}));
}

TEST_F(SystemCommands, PeerInfoForOnePeer) {
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "SIPpeers") return sip_peers();
    return FakeHost::Answer::success({{"Callerid", "\"\" <>"}});
  });
  auto reply = host.run("PeerInfo", {{"Type", "sip"}, {"Peer", "peer2"}});
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].get("ObjectName"), "peer2");
  EXPECT_EQ(host.actions().back().get("Peer"), "peer2");
  reply = host.run("PeerInfo", {{"Peer", "nosuchpeer"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Peer nosuchpeer not found");
}

TEST_F(SystemCommands, PeerInfoWithoutChanSipListsPjsipEndpoints) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "SIPpeers") return unknown("SIPpeers");
    if (a.action() == "PJSIPShowEndpoints") return pjsip_endpoints();
    return pjsip_endpoint(a.get("Endpoint"));
  });
  const auto reply = host.run("PeerInfo");
  EXPECT_TRUE(reply.success) << reply.message;
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[0].name, "EndpointList");
  EXPECT_EQ(reply.records[0].fields, (FieldList{{"ObjectType", "endpoint"},
                                                {"ObjectName", "100"},
                                                {"Callerid", "\"Desk 100\" <100>"}}));
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"SIPpeers", "PJSIPShowEndpoints",
                                                      "PJSIPShowEndpoint", "PJSIPShowEndpoint"}));
}

TEST_F(SystemCommands, PeerInfoOnAsterisk21DoesNotAskForChanSip) {
  asterisk(22);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "PJSIPShowEndpoints")
      return FakeHost::Answer::asterisk_error("No endpoints found");
    return pjsip_endpoint(a.get("Endpoint"));
  });
  const auto reply = host.run("PeerInfo", {{"Type", "SIP"}});
  EXPECT_TRUE(reply.success) << reply.message;  // no endpoint at all is an empty list
  EXPECT_TRUE(reply.is_list);
  EXPECT_TRUE(reply.records.empty());
  EXPECT_EQ(sent_actions(), (std::vector<std::string>{"PJSIPShowEndpoints"}));
}

TEST_F(SystemCommands, PeerInfoRefusesIax2AndUnknownTypes) {
  auto reply = host.run("PeerInfo", {{"Type", "iax2"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("IAX2"), std::string::npos);
  EXPECT_NE(reply.message.find("iax2 show peers"), std::string::npos) << reply.message;
  reply = host.run("PeerInfo", {{"Type", "H323"}});
  EXPECT_FALSE(reply.success);
  EXPECT_NE(reply.message.find("SIP or IAX2"), std::string::npos);
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(SystemCommands, PeerInfoPassesAsteriskErrorsBack) {
  host.on_ami(
      [](const AmiAction&) { return FakeHost::Answer::asterisk_error("Permission denied"); });
  const auto reply = host.run("PeerInfo");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Permission denied");
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(SystemCommands, SipShowPeerWithChanSip) {
  asterisk(1);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.fields(), (FieldList{{"Peer", "peer1"}}));
    return FakeHost::Answer::success({{"ActionID", "x"},
                                      {"Channeltype", "SIP"},
                                      {"ObjectName", "peer1"},
                                      {"Named Callgroup", ""},
                                      {"Callerid", "\"\" <>"}});
  });
  const auto reply = host.run("SIPshowpeer", {{"Peer", "peer1"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.fields, (FieldList{{"Channeltype", "SIP"},
                                     {"ObjectName", "peer1"},
                                     {"Named Callgroup", ""},
                                     {"Callerid", "\"\" <>"}}));
}

TEST_F(SystemCommands, SipShowPeerErrorIsAsterisks) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Peer nosuchpeer not found.");
  });
  const auto reply = host.run("SIPshowpeer", {{"Peer", "nosuchpeer"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Peer nosuchpeer not found.");
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(SystemCommands, SipShowPeerWithoutChanSipShowsThePjsipEndpoint) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "SIPshowpeer") return unknown("SIPshowpeer");
    EXPECT_EQ(a.fields(), (FieldList{{"Endpoint", "100"}}));
    return pjsip_endpoint("100");
  });
  auto reply = host.run("SIPshowpeer", {{"Peer", "100"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_NE(reply.message.find("chan_sip is not available"), std::string::npos) << reply.message;
  EXPECT_NE(reply.message.find("PJSIPShowEndpoint"), std::string::npos) << reply.message;
  EXPECT_EQ(reply.fields, (FieldList{{"Channeltype", "PJSIP"},
                                     {"ObjectType", "endpoint"},
                                     {"ObjectName", "100"},
                                     {"Callerid", "\"Desk 100\" <100>"},
                                     {"Context", "default"}}));

  asterisk(22);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Unable to retrieve endpoint nosuch");
  });
  reply = host.run("SIPshowpeer", {{"Peer", "nosuch"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Unable to retrieve endpoint nosuch");
  EXPECT_EQ(host.actions().back().action(), "PJSIPShowEndpoint");
}

}  // namespace
