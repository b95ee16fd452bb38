// The SDK's public string helpers, as plugins call them.
#include <gtest/gtest.h>

#include <ampd/sdk.hpp>

namespace {

using namespace ampd::sdk;

TEST(SdkHelpers, CompareAndSplitAsAmiNamesNeed) {
  EXPECT_TRUE(iequals("QueueCallerJoin", "queuecallerJOIN"));
  EXPECT_FALSE(iequals("Queue", "Queues"));
  EXPECT_TRUE(istarts_with("No such channel", "no such"));
  EXPECT_FALSE(istarts_with("No", "No such"));
  EXPECT_EQ(to_lower("AgentID"), "agentid");
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(split(" a, b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("x|y", '|'), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(split("").empty());
}

TEST(SdkHelpers, BooleansAndTheCliBanner) {
  EXPECT_EQ(parse_bool(" Yes"), true);
  EXPECT_EQ(parse_bool("off"), false);
  EXPECT_EQ(parse_bool("0"), false);
  EXPECT_EQ(parse_bool("maybe"), std::nullopt);
  EXPECT_EQ(cli_banner_version("Asterisk 1.4.44 built by root @ pbx on a x86_64"), "1.4.44");
  EXPECT_EQ(cli_banner_version("Asterisk 20.20.1"), "20.20.1");
  EXPECT_EQ(cli_banner_version("No such command"), "");
}

}  // namespace
