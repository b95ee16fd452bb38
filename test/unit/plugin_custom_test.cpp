#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>

#include "custom/custom_plugin.hpp"

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiStatus;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

class CustomPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_custom_plugin); }
  FakeHost host;
};

TEST_F(CustomPlugin, DeclaresItsCommands) {
  for (const char* name : {"Custom", "CustomFreeForm"}) {
    ASSERT_NE(host.command(name), nullptr) << name;
    EXPECT_EQ(host.command(name)->privilege, Privilege::Administrator);
    EXPECT_TRUE(host.command(name)->requires_arg("CAction"));  // checked by the core
  }
}

TEST_F(CustomPlugin, CActionBecomesActionAndOtherKeysPassThrough) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  host.run("Custom", {{"Action", "custom"},
                      {"ActionID", "5"},
                      {"CAction", "MyModuleAction"},
                      {"Variable", "A=1"},
                      {"Server", "pbx2"},
                      {"Variable", "B=2"},
                      {"Foo", "bar"}});
  ASSERT_EQ(host.actions().size(), 1u);
  const auto& a = host.actions()[0];
  EXPECT_EQ(a.action(), "MyModuleAction");
  EXPECT_EQ(a.fields(), (std::vector<std::pair<std::string, std::string>>{
                            {"Variable", "A=1"}, {"Variable", "B=2"}, {"Foo", "bar"}}));
}

TEST_F(CustomPlugin, CustomAnswersWithTheResponseFieldsAndListEvents) {
  host.on_ami([](const AmiAction&) {
    auto answer = FakeHost::Answer::success(
        {{"EventList", "start"}, {"Message", "Items will follow"}, {"Total", "2"}});
    answer.events = {{{"Event", "Item"}, {"ActionID", "ampd-1"}, {"Name", "one"}},
                     {{"Event", "Item"}, {"Name", "two"}}};
    answer.complete = {{"Event", "ItemsComplete"}, {"ListItems", "2"}};
    return answer;
  });
  const auto reply = host.run("Custom", {{"CAction", "Items"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Items will follow");
  EXPECT_EQ(reply.fields, (FieldList{{"Total", "2"}}));
  EXPECT_TRUE(reply.is_list);
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[0].name, "Item");
  EXPECT_EQ(reply.records[0].fields, (FieldList{{"Name", "one"}}));
  EXPECT_EQ(reply.records[1].get("Name"), "two");
}

TEST_F(CustomPlugin, CustomSingleResponseIsNotAList) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Value", "42"}, {"Value", "43"}});
  });
  const auto reply = host.run("Custom", {{"CAction", "Getvar"}});
  EXPECT_FALSE(reply.is_list);
  EXPECT_EQ(reply.get_all("Value"), (std::vector<std::string>{"42", "43"}));
}

TEST_F(CustomPlugin, AsteriskErrorsComeBack) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error(
        "Invalid/unknown command: Nope. Use Action: "
        "ListCommands to show available commands.");
  });
  for (const char* name : {"Custom", "CustomFreeForm"}) {
    const auto reply = host.run(name, {{"CAction", "Nope"}});
    EXPECT_FALSE(reply.success);
    EXPECT_EQ(reply.message,
              "Invalid/unknown command: Nope. Use Action: ListCommands to show available "
              "commands.");
  }
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::failure(AmiStatus::Down, "down"); });
  EXPECT_EQ(host.run("Custom", {{"CAction", "X"}}).message, "down");
}

TEST_F(CustomPlugin, FreeFormReturnsOutputLines) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    EXPECT_EQ(a.get("Command"), "queue show");
    auto answer = FakeHost::Answer::success();
    answer.output = {"sales has 0 calls", "", "   No Members"};
    return answer;
  });
  const auto reply =
      host.run("CustomFreeForm", {{"CAction", "Command"}, {"Command", "queue show"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.get_all("Output"),
            (std::vector<std::string>{"sales has 0 calls", "", "   No Members"}));
}

}  // namespace
