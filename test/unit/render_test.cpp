#include <gtest/gtest.h>

#include "native_codec.hpp"
#include "xml_codec.hpp"

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

TEST(Render, XmlOutputParsesBack) {
  Message m{{"Action", "X"}, {"Response", "Success"}, {"Data", "<&>\"'\t\r\n"}};
  std::string out;
  render_xml_command(m, out);
  Message back;
  ASSERT_EQ(parse_xml_command(out, WireLimits{}, back), "");
  EXPECT_EQ(back.get("Data"), "<&>\"'\t\r\n");
}

}  // namespace
}  // namespace ampd
