#include "wire/input_decoder.hpp"

#include <gtest/gtest.h>

namespace ampd {
namespace {

std::vector<Decoded> decode_all(InputDecoder& d) {
  std::vector<Decoded> out;
  while (auto item = d.next()) out.push_back(std::move(*item));
  return out;
}

TEST(InputDecoder, NativeMessageEndsAtBlankLine) {
  InputDecoder d{WireLimits{}};
  d.append("Action: Login\r\nUsername: bob\r\nSecret: s3cr:et \r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Message);
  EXPECT_EQ(all[0].format, WireFormat::Native);
  EXPECT_EQ(all[0].message.get("action"), "Login");
  EXPECT_EQ(all[0].message.get("USERNAME"), "bob");
  EXPECT_EQ(all[0].message.get("Secret"), "s3cr:et ");  // values kept as sent
}

TEST(InputDecoder, BareLineFeedsAndPipelining) {
  InputDecoder d{WireLimits{}};
  d.append("Action: Ping\n\nAction: Ping\nActionID: 2\n\n\n\nAction: Logoff\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].message.get("ActionID"), "2");
  EXPECT_EQ(all[2].message.get("Action"), "Logoff");
}

// A line break smuggled in as an XML entity or a JSON escape would inject headers into the
// action ampd sends to Asterisk: refused in every format, and the stream goes on.
TEST(InputDecoder, LineBreaksInValuesAreRefusedInEveryFormat) {
  InputDecoder d{WireLimits{}};
  d.append("<command action=\"Custom\" CAction=\"Ping&#13;&#10;Action: Hangup\"/>\r\n");
  d.append("{\"Action\":\"Custom\",\"ActionID\":\"j\",\"CAction\":\"Ping\\nAction: Hangup\"}");
  d.append("{\"Action\":\"Ping\",\"A\\r\\nB\":\"x\"}");
  d.append("Action: Ping\r\nActionID: after\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].kind, Decoded::Kind::Error) << i;
    EXPECT_NE(all[i].error.find("contains a line break or NUL"), std::string::npos) << all[i].error;
  }
  EXPECT_EQ(all[1].message.get("ActionID"), "j");  // the error answer keeps the ActionID
  EXPECT_EQ(all[3].kind, Decoded::Kind::Message);
  EXPECT_EQ(all[3].message.get("ActionID"), "after");
}

TEST(InputDecoder, WholeMessagesNeedNoBlankLine) {
  InputDecoder d{WireLimits{}};
  d.append_whole_message("Action: Ping\nActionID: 1");
  d.append_whole_message("Action: Ping\r\nActionID: 2\r\n");
  d.append_whole_message("<command action=\"ping\" ActionID=\"3\"/>");
  d.append_whole_message("<command action=\"ping\"");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].message.get("ActionID"), "2");
  EXPECT_EQ(all[2].message.get("ActionID"), "3");
  EXPECT_GT(d.buffered(), 0u);  // the unfinished element waits...
  d.discard();                  // ...until the session drops it
  EXPECT_EQ(d.buffered(), 0u);
  d.append_whole_message("Action: Ping");
  EXPECT_EQ(decode_all(d).size(), 1u);
}

TEST(InputDecoder, PartialInputByteByByte) {
  InputDecoder d{WireLimits{}};
  const std::string text = "Action: Originate\r\nVariable: a=1\r\nVariable: b=2\r\n\r\n";
  std::vector<Decoded> all;
  for (char c : text) {
    d.append(std::string_view(&c, 1));
    while (auto item = d.next()) all.push_back(std::move(*item));
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].message.get_all("variable"), (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(InputDecoder, NulTerminatesMessagesFromFlashClients) {
  InputDecoder d{WireLimits{}};
  d.append(std::string("Action: Ping\r\n\0<command action=\"ping\"/>\0", 41));
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].format, WireFormat::Native);
  EXPECT_EQ(all[1].format, WireFormat::Xml);
}

TEST(InputDecoder, XmlSplitAcrossPacketsAndSeveralInOne) {
  InputDecoder d{WireLimits{}};
  d.append("<command action=\"register\" us");
  EXPECT_FALSE(d.next());
  d.append("er=\"bob\" secret=\"a&gt;b\"/><command ACTION='ping' ActionID=\"7\"/>\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message.get("user"), "bob");
  EXPECT_EQ(all[0].message.get("secret"), "a>b");
  EXPECT_EQ(all[1].message.get("action"), "ping");
  EXPECT_EQ(all[1].message.get("actionid"), "7");
}

TEST(InputDecoder, XmlQuotedGreaterThanAndChildren) {
  InputDecoder d{WireLimits{}};
  d.append(
      "<?xml version=\"1.0\"?><!-- hi --><command action=\"originate\" data=\"a>b\">"
      "<variable>x=1</variable><Variable>y=2</Variable></command>");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].kind, Decoded::Kind::Message) << all[0].error;
  EXPECT_EQ(all[0].message.get("data"), "a>b");
  EXPECT_EQ(all[0].message.get_all("variable"), (std::vector<std::string>{"x=1", "y=2"}));
}

TEST(InputDecoder, FormatsMixOnOneStream) {
  InputDecoder d{WireLimits{}};
  d.append("<command action=\"ping\"/>\r\nAction: Ping\r\n\r\n<command action=\"ping\"/>");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].format, WireFormat::Xml);
  EXPECT_EQ(all[1].format, WireFormat::Native);
  EXPECT_EQ(all[2].format, WireFormat::Xml);
}

TEST(InputDecoder, MalformedXmlIsAnErrorAndTheStreamGoesOn) {
  InputDecoder d{WireLimits{}};
  d.append("<command action=\"ping\" bad></oops><notcommand/>Action: Ping\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[1].kind, Decoded::Kind::Error);
  EXPECT_NE(all[1].error.find("<command"), std::string::npos);
  EXPECT_EQ(all[2].kind, Decoded::Kind::Message);
}

TEST(InputDecoder, TooManyHeadersIsAnError) {
  WireLimits limits;
  limits.max_headers = 4;
  InputDecoder d{limits};
  d.append("Action: Ping\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\nAction: Ping\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_NE(all[0].error.find("Too many headers"), std::string::npos);
  EXPECT_EQ(all[1].kind, Decoded::Kind::Message);
}

TEST(InputDecoder, LongLineIsAnError) {
  WireLimits limits;
  limits.max_line = 300;
  InputDecoder d{limits};
  d.append("Action: Ping\r\nX: " + std::string(400, 'x') + "\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_NE(all[0].error.find("Line too long"), std::string::npos);
}

TEST(InputDecoder, LineWithoutColonIsAnError) {
  InputDecoder d{WireLimits{}};
  d.append("Action: Ping\r\nhello there\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_NE(all[0].error.find("Malformed line"), std::string::npos);
}

TEST(InputDecoder, UnterminatedOversizeIsFatal) {
  WireLimits limits;
  limits.max_message = 1024;
  InputDecoder d{limits};
  d.append("Action: Ping\r\nX: " + std::string(2000, 'x'));
  auto item = d.next();
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, Decoded::Kind::Fatal);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(InputDecoder, DeepXmlNestingIsFatal) {
  InputDecoder d{WireLimits{}};
  std::string deep = "<command action=\"ping\">";
  for (int i = 0; i < 50; ++i) deep += "<a>";
  d.append(deep);
  auto item = d.next();
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, Decoded::Kind::Fatal);
}

TEST(InputDecoder, TerminatedOversizeIsAnError) {
  WireLimits limits;
  limits.max_message = 1024;
  limits.max_line = 4096;
  InputDecoder d{limits};
  d.append("Action: Ping\r\nX: " + std::string(1500, 'x') + "\r\n\r\nAction: Ping\r\n\r\n");
  auto all = decode_all(d);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[1].kind, Decoded::Kind::Message);
}

}  // namespace
}  // namespace ampd
