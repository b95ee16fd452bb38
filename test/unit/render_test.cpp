#include <gtest/gtest.h>

#include <random>
#include <set>

#include "base/text.hpp"
#include "base/utf8.hpp"
#include "wire/native_codec.hpp"
#include "wire/xml_codec.hpp"

namespace ampd {
namespace {

TEST(Render, NativeKeepsOrderAndRepeats) {
  Message m{{"Response", "Success"}, {"Output", "a"}, {"Output", "b"}};
  std::string out;
  render_native(m, out);
  EXPECT_EQ(out, "Response: Success\r\nOutput: a\r\nOutput: b\r\n\r\n");
}

TEST(Render, XmlLoginAnswerAsTheReferenceShowsIt) {
  Message m{{"Action", "Login"}, {"Response", "Success"}, {"Message", "Authentication accepted"}};
  std::string out;
  render_xml_command(m, out);
  EXPECT_EQ(out,
            "<command action=\"login\" response=\"Success\" Message=\"Authentication accepted\" "
            "/>\r\n");
}

TEST(Render, XmlErrorCarriesTheMessageAsTextToo) {
  Message m{{"Action", "Unknown"}, {"Response", "Error"}, {"Message", "No <such> command"}};
  std::string out;
  render_xml_command(m, out);
  EXPECT_EQ(out,
            "<command action=\"unknown\" response=\"Error\" Message=\"No &lt;such&gt; command\">"
            "No &lt;such&gt; command</command>\r\n");
}

TEST(Render, XmlEscapesEverythingAndSanitizesNames) {
  Message m{{"Event", "Test"}, {"Weird Name!", "a&b\"c'd\ne"}, {"1st", "x"}, {"Ctl", "\x01"}};
  std::string out;
  render_xml_event(m, out);
  EXPECT_EQ(out,
            "<event name=\"Test\" weird_name_=\"a&amp;b&quot;c&apos;d&#10;e\" _1st=\"x\" "
            "ctl=\"?\" />\r\n");
}

TEST(Render, XmlRepeatedKeysAreNotLost) {
  Message m{{"Event", "VarSet"}, {"Variable", "a=1"}, {"Variable", "b=2"}, {"variable", "c=3"}};
  std::string out;
  render_xml_event(m, out);
  EXPECT_EQ(out,
            "<event name=\"VarSet\" variable=\"a=1\" variable-1=\"b=2\" variable-2=\"c=3\" />\r\n");
}

// The renaming rules as first written (sets of lowercased names), against which the renderer's
// fast path for lists without repeated names is checked.
std::string reference_attributes(const Message& attributes, bool lower) {
  std::string out;
  std::set<std::string> used;
  for (const auto& h : attributes.headers()) used.insert(to_lower(xml_name(h.name, lower)));
  std::set<std::string> written;
  for (const auto& h : attributes.headers()) {
    auto key = xml_name(h.name, lower);
    if (!written.insert(to_lower(key)).second) {
      const auto base = key;
      for (int n = 1;; ++n) {
        key = base + "-" + std::to_string(n);
        if (!used.contains(to_lower(key)) && !written.contains(to_lower(key))) break;
      }
      written.insert(to_lower(key));
    }
    out.append(" ").append(key).append("=\"");
    append_xml_escaped(h.value, out);
    out.append("\"");
  }
  return out;
}

TEST(Render, XmlAttributeNamesMatchTheReferenceRules) {
  // Short names from an alphabet full of collisions: case, invalid characters, the '_' prefix
  // for names that cannot start an XML name, and suffixes that look like renamed repeats.
  const std::string alphabet = "aA_1-. \xc3";
  std::mt19937 random(12345);
  for (int round = 0; round < 20000; ++round) {
    Message attributes;
    const auto count = 1 + random() % 5;
    for (unsigned i = 0; i < count; ++i) {
      std::string name;
      const auto length = random() % 4;
      for (unsigned k = 0; k < length; ++k) name.push_back(alphabet[random() % alphabet.size()]);
      attributes.add(name, "v" + std::to_string(i));
    }
    for (const bool lower : {false, true}) {
      std::string out;
      append_xml_attributes(attributes, lower, out);
      ASSERT_EQ(out, reference_attributes(attributes, lower)) << "round " << round;
    }
  }
}

TEST(Render, XmlEventMatchesTheReferenceRules) {
  Message m{{"Event", "X"}, {"name", "n"}, {"EVENT", "again"}, {"A b", "1"}, {"a_b", "2"}};
  std::string out;
  render_xml_event(m, out);
  Message attributes{{"name", "X"}, {"name", "n"}, {"A b", "1"}, {"a_b", "2"}};
  EXPECT_EQ(out, "<event" + reference_attributes(attributes, true) + " />\r\n");
  EXPECT_EQ(out, "<event name=\"X\" name-1=\"n\" a_b=\"1\" a_b-1=\"2\" />\r\n");
}

TEST(Render, XmlEventsOfEverySizeMatchTheReferenceRules) {
  // Small events gather their attributes on the stack, larger ones on the heap, and past 64
  // the repeated-name check switches to sets: every size renders alike.
  for (const std::size_t count : {1u, 30u, 31u, 32u, 33u, 63u, 64u, 65u, 200u}) {
    Message m{{"Event", "Big"}};
    Message attributes{{"name", "Big"}};
    for (std::size_t i = 0; i < count; ++i) {
      const auto name = "Var" + std::to_string(i % 40);  // repeats from 40 on
      const auto value = "value <" + std::to_string(i) + ">";
      m.add(name, value);
      attributes.add(name, value);
    }
    std::string out;
    render_xml_event(m, out);
    EXPECT_EQ(out, "<event" + reference_attributes(attributes, true) + " />\r\n") << count;
  }
}

TEST(Render, XmlOutputParsesBack) {
  Message m{{"Action", "X"}, {"Response", "Success"}, {"Data", "<&>\"'\t\r\n"}};
  std::string out;
  render_xml_command(m, out);
  Message back;
  ASSERT_EQ(parse_xml_command(out, WireLimits{}, back), "");
  EXPECT_EQ(back.get("Data"), "<&>\"'\t\r\n");
}

// Asterisk may send Latin-1 ("Jos\xe9"), and a client any byte in its ActionID: XML output stays
// well-formed UTF-8, each bad byte one U+FFFD, valid UTF-8 kept as it is.
TEST(Render, XmlTurnsBytesThatAreNotUtf8IntoReplacementCharacters) {
  Message m{{"Event", "Newchannel"},
            {"CallerIDName", "Jos\xe9"},
            {"Valid", "Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e"},
            {"Truncated", "a\xe2\x82"},
            {"Surrogate", "\xed\xa0\x80"},
            {"NotAnXmlCharacter", "\xef\xbf\xbf"}};
  std::string out;
  render_xml_event(m, out);
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_NE(out.find("calleridname=\"Jos" + fffd + "\""), std::string::npos) << out;
  EXPECT_NE(out.find("valid=\"Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e\""), std::string::npos);
  EXPECT_NE(out.find("truncated=\"a" + fffd + fffd + "\""), std::string::npos) << out;
  EXPECT_NE(out.find("surrogate=\"" + fffd + fffd + fffd + "\""), std::string::npos) << out;
  EXPECT_NE(out.find("notanxmlcharacter=\"" + fffd + fffd + fffd + "\""), std::string::npos);
  EXPECT_EQ(valid_utf8_copy(out), out);
}

}  // namespace
}  // namespace ampd
