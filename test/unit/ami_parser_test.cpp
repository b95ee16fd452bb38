#include "asterisk/ami_parser.hpp"

#include <gtest/gtest.h>

namespace ampd {
namespace {

std::vector<Message> parse_all(AmiParser& p) {
  std::vector<Message> out;
  while (auto m = p.next()) out.push_back(std::move(*m));
  return out;
}

TEST(AmiParser, BannerThenMessagesAsAsterisk20SendsThem) {
  AmiParser p;
  p.append("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: t10-dbget\r\n");
  EXPECT_EQ(p.banner(), "Asterisk Call Manager/9.0.0");
  EXPECT_TRUE(parse_all(p).empty());
  p.append(
      "EventList: start\r\nMessage: Result will follow\r\n\r\nEvent: DBGetResponse\r\n"
      "Family: amitest\r\nKey: k1\r\nVal: value one\r\nActionID: t10-dbget\r\n\r\n");
  const auto all = parse_all(p);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].get("EventList"), "start");
  EXPECT_EQ(all[1].get("Val"), "value one");
}

TEST(AmiParser, ModernCommandOutputKeepsRepeatedOutputHeaders) {
  AmiParser p;
  p.append(
      "Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: t7\r\nMessage: Command "
      "output follows\r\nOutput: Name/username   Host\r\nOutput: peer1   (Unspecified)\r\n"
      "Output: 1 sip peers\r\n\r\n");
  p.banner();
  const auto all = parse_all(p);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(
      all[0].get_all("Output"),
      (std::vector<std::string>{"Name/username   Host", "peer1   (Unspecified)", "1 sip peers"}));
}

TEST(AmiParser, Asterisk14FollowsWithBlankLinesAndColonsBecomesOutput) {
  AmiParser p;
  p.append("Asterisk Call Manager/1.0\r\n");
  p.banner();
  p.append(
      "Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\nName: first line\n\nthird "
      "line\n--END COMMAND--\r\n\r\nEvent: Newstate\r\nState: Up\r\n\r\n");
  const auto all = parse_all(p);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].get("Response"), "Follows");
  EXPECT_EQ(all[0].get("ActionID"), "c1");
  EXPECT_EQ(all[0].get_all("Output"),
            (std::vector<std::string>{"Name: first line", "", "third line"}));
  EXPECT_EQ(all[1].get("Event"), "Newstate");
}

TEST(AmiParser, FollowsSplitAnywhereAndMarkerGluedToLastLine) {
  AmiParser p;
  const std::string text =
      "Asterisk Call Manager/1.0\r\nResponse: Follows\r\nPrivilege: Command\r\n"
      "Asterisk 1.4.44 built by root--END COMMAND--\r\n\r\n";
  std::vector<Message> all;
  for (char c : text) {
    p.append(std::string_view(&c, 1));
    p.banner();
    while (auto m = p.next()) all.push_back(std::move(*m));
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].get_all("Output"), (std::vector<std::string>{"Asterisk 1.4.44 built by root"}));
}

TEST(AmiParser, ToleratesLoneLineFeedTerminators) {
  AmiParser p;
  p.append("Asterisk Call Manager/9.0.0\r\nEvent: CoreShowChannelMapComplete\r\n\nEvent: X\n\n");
  p.banner();
  EXPECT_EQ(parse_all(p).size(), 2u);
}

}  // namespace
}  // namespace ampd
