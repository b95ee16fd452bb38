// The JSON wire format: rendering (messages, replies, events) and decoding through InputDecoder.
#include "wire/json_codec.hpp"

#include <gtest/gtest.h>

#include "clients/event_fanout.hpp"
#include "wire/input_decoder.hpp"
#include "wire/message_render.hpp"
#include "wire/reply.hpp"

namespace ampd {
namespace {

using namespace std::string_literals;

const Message kRequest{{"Action", "queueinfo"}, {"ActionID", "7"}};

std::string json(const Message& m) {
  std::string out;
  render_json(m, out);
  return out;
}

std::string json_string(std::string_view value) {
  std::string out;
  append_json_string(value, out);
  return out;
}

std::string reply_json(const Reply& reply, const Message& request = kRequest) {
  std::string out;
  render_reply(reply, request, WireFormat::Json, out);
  return out;
}

std::vector<Decoded> decode_all(InputDecoder& d) {
  std::vector<Decoded> out;
  while (auto item = d.next()) out.push_back(std::move(*item));
  return out;
}

std::vector<Decoded> decode(std::string_view text, const WireLimits& limits = {}) {
  InputDecoder d{limits};
  d.append(text);
  return decode_all(d);
}

// --- Rendering ---

TEST(JsonRender, EventKeyIsLowercaseOthersKeepTheirNames) {
  EXPECT_EQ(json({{"Event", "Newstate"},
                  {"Privilege", "call,all"},
                  {"Channel", "SIP/100-1"},
                  {"ChannelState", "6"}}),
            "{\"event\":\"Newstate\",\"Privilege\":\"call,all\",\"Channel\":\"SIP/100-1\","
            "\"ChannelState\":\"6\"}\r\n");
}

TEST(JsonRender, RepeatedHeadersBecomeOneArrayAtTheFirstPosition) {
  EXPECT_EQ(json({{"Action", "Command"},
                  {"Output", "line 1"},
                  {"Response", "Success"},
                  {"output", "line 2"},
                  {"Output", "line 3"}}),
            "{\"Action\":\"Command\",\"Output\":[\"line 1\",\"line 2\",\"line 3\"],"
            "\"Response\":\"Success\"}\r\n");
}

TEST(JsonRender, EmptyMessageIsAnEmptyObject) { EXPECT_EQ(json({}), "{}\r\n"); }

TEST(JsonRender, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(json_string("\x01\x1f\0x"s), "\"\\u0001\\u001f\\u0000x\"");
  EXPECT_EQ(json_string("/\x7f<>&'"), "\"/\x7f<>&'\"");
  EXPECT_EQ(json_string(""), "\"\"");
}

TEST(JsonRender, ValidUtf8IsKeptAndLineSeparatorsEscaped) {
  EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("a\xe2\x80\xa8"
                        "b\xe2\x80\xa9"),
            "\"a\\u2028b\\u2029\"");
}

TEST(JsonRender, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(json_string("caf\xe9"), "\"caf" + fffd + "\"");                  // Latin-1
  EXPECT_EQ(json_string("\xe2\x82"), "\"" + fffd + fffd + "\"");             // truncated
  EXPECT_EQ(json_string("\xc0\x80"), "\"" + fffd + fffd + "\"");             // overlong NUL
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"),
            "\"" + std::string() + fffd + fffd + fffd + fffd + "\"");    // past U+10FFFF
  EXPECT_EQ(json_string("\x80x\xff"), "\"" + fffd + "x" + fffd + "\"");  // stray bytes
}

TEST(JsonRender, NamesAreEscapedToo) {
  EXPECT_EQ(json({{"We\"ird", "v"}}), "{\"We\\\"ird\":\"v\"}\r\n");
}

TEST(JsonRender, ResponseHasTheNativeHeadersInOrder) {
  Reply r;
  r.action = "Command";
  r.message = "Command output follows";
  r.fields = {{"Output", "line 1"}, {"Output", "line \"2\""}};
  EXPECT_EQ(reply_json(r),
            "{\"Action\":\"Command\",\"Response\":\"Success\",\"ActionID\":\"7\","
            "\"Message\":\"Command output follows\",\"Output\":[\"line 1\",\"line \\\"2\\\"\"]}"
            "\r\n");
}

TEST(JsonRender, ListHasListItemsAndRecordsWithoutEventListOrActionIds) {
  Reply r;
  r.action = "QueueInfo";
  r.is_list = true;
  r.records.push_back({"QueueMember", {{"Queue", "sales"}, {"Name", "A&B"}}});
  r.records.push_back({"Queue Entry", {{"Position", "1"}, {"Position", "2"}}});
  EXPECT_EQ(reply_json(r),
            "{\"Action\":\"QueueInfo\",\"Response\":\"Success\",\"ActionID\":\"7\","
            "\"Message\":\"Results will follow\",\"ListItems\":\"2\",\"records\":["
            "{\"event\":\"QueueMember\",\"Queue\":\"sales\",\"Name\":\"A&B\"},"
            "{\"event\":\"Queue Entry\",\"Position\":[\"1\",\"2\"]}]}\r\n");
}

TEST(JsonRender, EmptyListKeepsItsShape) {
  Reply r;
  r.action = "DBShow";
  r.is_list = true;
  r.message = "Database entries follow";
  r.fields = {{"Family", "none"}};
  EXPECT_EQ(reply_json(r, Message{{"Action", "dbshow"}}),
            "{\"Action\":\"DBShow\",\"Response\":\"Success\",\"Message\":\"Database entries "
            "follow\",\"Family\":\"none\",\"ListItems\":\"0\",\"records\":[]}\r\n");
}

TEST(JsonRender, ErrorOfAListCommandIsASingleResponse) {
  Reply r;
  r.action = "QueueInfo";
  r.is_list = true;
  r.success = false;
  r.message = "No such queue";
  EXPECT_EQ(reply_json(r),
            "{\"Action\":\"QueueInfo\",\"Response\":\"Error\",\"ActionID\":\"7\","
            "\"Message\":\"No such queue\"}\r\n");
}

TEST(JsonRender, RenderMessagePicksTheFormat) {
  const Message event{{"Event", "Shutdown"}, {"Shutdown", "Cleanly"}};
  const Message response{{"Action", "Ping"}, {"Response", "Success"}};
  std::string out;
  render_message(event, WireFormat::Json, out);
  EXPECT_EQ(out, "{\"event\":\"Shutdown\",\"Shutdown\":\"Cleanly\"}\r\n");
  out.clear();
  render_message(event, WireFormat::Xml, out);
  EXPECT_EQ(out, "<event name=\"Shutdown\" shutdown=\"Cleanly\" />\r\n");
  out.clear();
  render_message(response, WireFormat::Xml, out);
  EXPECT_EQ(out, "<command action=\"ping\" response=\"Success\" />\r\n");
  out.clear();
  render_message(response, WireFormat::Native, out);
  EXPECT_EQ(out, "Action: Ping\r\nResponse: Success\r\n\r\n");
}

TEST(JsonRender, RenderedEventHasSixVariantsEachMadeOnce) {
  const Message event{{"Event", "Hangup"}, {"Channel", "SIP/1-1"}};
  RenderedEvent rendered(event);
  const auto& json_nul = rendered.bytes(WireFormat::Json, true);
  EXPECT_EQ(json_nul.str(), "{\"event\":\"Hangup\",\"Channel\":\"SIP/1-1\"}\r\n\0"s);
  EXPECT_EQ(rendered.bytes(WireFormat::Json, false).str(),
            "{\"event\":\"Hangup\",\"Channel\":\"SIP/1-1\"}\r\n");
  EXPECT_EQ(rendered.bytes(WireFormat::Native, false).str(),
            "Event: Hangup\r\nChannel: SIP/1-1\r\n\r\n");
  EXPECT_EQ(rendered.bytes(WireFormat::Xml, true).str().back(), '\0');
  EXPECT_EQ(rendered.bytes(WireFormat::Xml, false).str().substr(0, 6), "<event");
  EXPECT_EQ(rendered.bytes(WireFormat::Native, true).str().back(), '\0');
  // The same bytes again, not a new rendering.
  EXPECT_EQ(&rendered.bytes(WireFormat::Json, true).str(), &json_nul.str());
}

TEST(JsonFormat, NameParsesAndPrints) {
  EXPECT_EQ(parse_wire_format("JSON"), WireFormat::Json);
  EXPECT_EQ(parse_wire_format("json"), WireFormat::Json);
  EXPECT_STREQ(wire_format_name(WireFormat::Json), "json");
  EXPECT_FALSE(parse_wire_format("jsonx"));
}

// --- Decoding ---

TEST(JsonDecode, ObjectBecomesHeadersInOrder) {
  auto all = decode("{\"Action\":\"Login\",\"Username\":\"bob\",\"Secret\":\"s3:cr et \"}");
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].kind, Decoded::Kind::Message) << all[0].error;
  EXPECT_EQ(all[0].format, WireFormat::Json);
  const auto& h = all[0].message.headers();
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].name, "Action");
  EXPECT_EQ(h[1].name, "Username");
  EXPECT_EQ(h[2].value, "s3:cr et ");
  EXPECT_EQ(all[0].message.get("ACTION"), "Login");
  EXPECT_EQ(all[0].message.get("username"), "bob");
}

TEST(JsonDecode, ScalarsArraysAndNullMapToText) {
  auto all = decode(
      "{\"action\":\"Originate\",\"Priority\":1,\"Neg\":-7,\"Ratio\":1.5,\"Big\":"
      "18446744073709551615,\"Async\":true,\"Off\":false,\"Empty\":null,"
      "\"Variable\":[\"a=1\",\"b=2\",3],\"Esc\":\"\\u00e9\\t\\\"\"}");
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].kind, Decoded::Kind::Message) << all[0].error;
  const auto& m = all[0].message;
  EXPECT_EQ(m.get("Priority"), "1");
  EXPECT_EQ(m.get("Neg"), "-7");
  EXPECT_EQ(m.get("Ratio"), "1.5");
  EXPECT_EQ(m.get("Big"), "18446744073709551615");
  EXPECT_EQ(m.get("Async"), "true");
  EXPECT_EQ(m.get("Off"), "false");
  EXPECT_TRUE(m.has("Empty"));
  EXPECT_EQ(m.get("Empty", "x"), "");
  EXPECT_EQ(m.get_all("variable"), (std::vector<std::string>{"a=1", "b=2", "3"}));
  EXPECT_EQ(m.get("Esc"), "\xc3\xa9\t\"");
}

TEST(JsonDecode, SplitAtEveryByteGivesTheSameMessage) {
  const std::string text =
      " \r\n{ \"Action\" : \"Command\", \"Command\":\"echo {\\\"}\\\\\" ,\"X\":[\"]\",\"}\"]}\r\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    InputDecoder d{WireLimits{}};
    d.append(std::string_view(text).substr(0, cut));
    auto all = decode_all(d);
    d.append(std::string_view(text).substr(cut));
    for (auto& item : decode_all(d)) all.push_back(std::move(item));
    ASSERT_EQ(all.size(), 1u) << "cut at " << cut;
    ASSERT_EQ(all[0].kind, Decoded::Kind::Message) << all[0].error;
    EXPECT_EQ(all[0].message.get("Command"), "echo {\"}\\") << "cut at " << cut;
    EXPECT_EQ(all[0].message.get_all("X"), (std::vector<std::string>{"]", "}"}));
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(JsonDecode, ByteByByte) {
  const std::string text = "{\"Action\":\"Ping\",\"ActionID\":\"a{b}\"}{\"Action\":\"Ping\"}";
  InputDecoder d{WireLimits{}};
  std::vector<Decoded> all;
  for (char c : text) {
    d.append(std::string_view(&c, 1));
    while (auto item = d.next()) all.push_back(std::move(*item));
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message.get("ActionID"), "a{b}");
  EXPECT_EQ(all[1].message.get("Action"), "Ping");
}

TEST(JsonDecode, NestedObjectsAreAnErrorThatKeepsTheActionId) {
  auto all = decode(
      "{\"Action\":\"Originate\",\"ActionID\":\"n1\",\"Vars\":{\"a\":\"1\"}}"
      "{\"Action\":\"Ping\",\"List\":[{\"a\":1}]}"
      "{\"Action\":\"Ping\",\"ActionID\":\"ok\"}");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[0].error, "JSON values must be strings, numbers, booleans or arrays of them");
  EXPECT_EQ(all[0].message.get("ActionID"), "n1");
  EXPECT_EQ(all[0].message.get("Action"), "Originate");
  EXPECT_FALSE(all[0].message.has("a"));
  EXPECT_EQ(all[1].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[2].kind, Decoded::Kind::Message);
  EXPECT_EQ(all[2].message.get("ActionID"), "ok");
}

TEST(JsonDecode, ArraysOfArraysAreAnError) {
  auto all = decode("{\"Variable\":[[\"a\"]]}");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
}

TEST(JsonDecode, InvalidJsonIsAnErrorAndTheStreamContinues) {
  auto all = decode(
      "{\"Action\":\"Ping\",\"ActionID\":\"x\",}\r\n"
      "{\"Action\" \"Ping\"}"
      "{\"Action\":\"Ping\",\"ActionID\":\"after\"}");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[0].error.rfind("Malformed JSON: ", 0), 0u) << all[0].error;
  EXPECT_EQ(all[0].message.get("ActionID"), "x");  // read before the parser failed
  EXPECT_EQ(all[1].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[2].kind, Decoded::Kind::Message);
  EXPECT_EQ(all[2].message.get("ActionID"), "after");
}

TEST(JsonDecode, EmptyKeyIsAnError) {
  auto all = decode("{\"\":\"x\"}");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[0].error, "JSON keys must not be empty");
}

TEST(JsonDecode, TooDeepIsAnErrorOfThatMessageOnly) {
  auto all = decode("{\"a\":[[[[[\"}\"]]]]]}{\"Action\":\"Ping\"}");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[0].error, "JSON nested too deeply (limit 4)");
  EXPECT_EQ(all[1].kind, Decoded::Kind::Message);
}

TEST(JsonDecode, TooManyHeadersCountsArrayElements) {
  WireLimits limits;
  limits.max_headers = 3;
  auto ok = decode("{\"a\":\"1\",\"v\":[\"1\",\"2\"]}", limits);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].kind, Decoded::Kind::Message);
  auto all = decode("{\"a\":\"1\",\"v\":[\"1\",\"2\",\"3\"]}{\"Action\":\"Ping\"}", limits);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[0].error, "Too many headers in message (limit 3)");
  EXPECT_EQ(all[1].kind, Decoded::Kind::Message);
}

TEST(JsonDecode, OversizedUnterminatedIsFatal) {
  WireLimits limits;
  limits.max_message = 64;
  InputDecoder d{limits};
  d.append("{\"Action\":\"Ping\",\"Data\":\"");
  EXPECT_FALSE(d.next());
  d.append(std::string(100, '}'));  // inside a string: no end of the object
  auto fatal = d.next();
  ASSERT_TRUE(fatal);
  EXPECT_EQ(fatal->kind, Decoded::Kind::Fatal);
  EXPECT_EQ(fatal->format, WireFormat::Json);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(JsonDecode, OversizedButTerminatedInOnePacketIsAnError) {
  WireLimits limits;
  limits.max_message = 32;
  auto all = decode("{\"Data\":\"" + std::string(40, 'x') + "\"}{\"Action\":\"Ping\"}", limits);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, Decoded::Kind::Error);
  EXPECT_EQ(all[1].kind, Decoded::Kind::Message);
}

TEST(JsonDecode, MixedNativeXmlAndJsonStream) {
  auto all = decode(
      "Action: Ping\r\nActionID: n\r\n\r\n"
      "{\"Action\":\"Ping\",\"ActionID\":\"j1\"}\r\n"
      "<command action=\"ping\" actionid=\"x\"/>"
      "{\"Action\":\"Ping\",\"ActionID\":\"j2\"}\0"
      "Action: Ping\r\nData: {not json}\r\n\r\n"s);
  ASSERT_EQ(all.size(), 5u);
  const WireFormat formats[] = {WireFormat::Native, WireFormat::Json, WireFormat::Xml,
                                WireFormat::Json, WireFormat::Native};
  const char* ids[] = {"n", "j1", "x", "j2", ""};
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].kind, Decoded::Kind::Message) << i << ": " << all[i].error;
    EXPECT_EQ(all[i].format, formats[i]) << i;
    EXPECT_EQ(all[i].message.get("ActionID"), ids[i]) << i;
  }
  EXPECT_EQ(all[4].message.get("Data"), "{not json}");
}

TEST(JsonDecode, RenderedOutputParsesBack) {
  const Message m{{"Action", "Originate"},
                  {"Variable", "a=\"1\""},
                  {"Variable", "b=\\2"},
                  {"Data", "caf\xc3\xa9\t{}"}};
  auto all = decode(json(m));
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].kind, Decoded::Kind::Message) << all[0].error;
  EXPECT_EQ(all[0].message.get_all("Variable"), m.get_all("Variable"));
  EXPECT_EQ(all[0].message.get("Data"), m.get("Data"));
}

}  // namespace
}  // namespace ampd
