// The db plugin's handlers against the SDK's fake host.
#include "db/db_plugin.hpp"

#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>
#include <cstdio>

#include "db/db_cli.hpp"

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiStatus;
using ampd::sdk::Privilege;
using ampd::sdk::testing::FakeHost;
using ampd::sdk::testing::FieldList;

// "database show" lines as main/db.c prints them.
std::string show_line(const std::string& key, const std::string& val) {
  char line[256];
  std::snprintf(line, sizeof line, "%-50s: %-25s", key.c_str(), val.c_str());
  return line;
}

FakeHost::Answer cli_output(std::vector<std::string> lines) {
  auto answer = FakeHost::Answer::success({{"Message", "Command output follows"}});
  answer.output = std::move(lines);
  return answer;
}

FakeHost::Answer unknown(const std::string& action) {
  return FakeHost::Answer::asterisk_error("Invalid/unknown command: " + action +
                                          ". Use Action: ListCommands to show available commands.");
}

class DbPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load_db_plugin); }
  void asterisk(int major) { host.set_server({"pbx", true, major, "", ""}); }
  FakeHost host;
};

TEST_F(DbPlugin, DeclaresItsCommands) {
  struct Expect {
    const char* name;
    Privilege privilege;
    std::vector<const char*> required, optional;
  };
  const std::vector<Expect> expected = {
      {"DBGet", Privilege::Monitor, {"Family"}, {"Key"}},
      {"DBShow", Privilege::Monitor, {}, {"Family"}},
      {"DBPut", Privilege::Administrator, {"Family", "Key", "Val"}, {}},
      {"DBDel", Privilege::Administrator, {"Family", "Key"}, {}},
      {"DBDeltree", Privilege::Administrator, {"Family"}, {"Key"}},
  };
  for (const auto& e : expected) {
    const auto* c = host.command(e.name);
    ASSERT_NE(c, nullptr) << e.name;
    EXPECT_EQ(c->privilege, e.privilege) << e.name;
    for (const char* arg : e.required) EXPECT_TRUE(c->requires_arg(arg)) << e.name << " " << arg;
    for (const char* arg : e.optional) EXPECT_FALSE(c->requires_arg(arg)) << e.name << " " << arg;
  }
}

TEST_F(DbPlugin, DBPutInEveryGeneration) {
  for (int major : {22, 1}) {
    asterisk(major);
    host.on_ami([](const AmiAction&) {
      return FakeHost::Answer::success({{"Message", "Updated database successfully"}});
    });
    const auto reply = host.run("DBPut", {{"Family", "f"}, {"Key", "k"}, {"Val", "a value"}});
    EXPECT_TRUE(reply.success);
    EXPECT_EQ(reply.message, "Updated database successfully");
    EXPECT_EQ(host.actions().back().action(), "DBPut");
    EXPECT_EQ(host.actions().back().fields(),
              (FieldList{{"Family", "f"}, {"Key", "k"}, {"Val", "a value"}}));
  }
}

TEST_F(DbPlugin, DBGetGivesTheValueAsFields) {
  for (int major : {20, 1}) {
    asterisk(major);
    host.on_ami([major](const AmiAction& a) {
      EXPECT_EQ(a.action(), "DBGet");
      auto answer = FakeHost::Answer::success({{"Message", "Result will follow"}});
      answer.events = {{{"Event", "DBGetResponse"}, {"Family", "f"}, {"Key", "k"}, {"Val", "v 1"}}};
      if (major != 1) answer.complete = {{"Event", "DBGetComplete"}, {"ListItems", "1"}};
      return answer;
    });
    const auto reply = host.run("DBGet", {{"Family", "f"}, {"Key", "k"}});
    EXPECT_TRUE(reply.success);
    EXPECT_FALSE(reply.is_list);
    EXPECT_EQ(reply.fields, (FieldList{{"Family", "f"}, {"Key", "k"}, {"Val", "v 1"}}));
  }
}

TEST_F(DbPlugin, DBGetMissingKeyIsAsterisksError) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Database entry not found");
  });
  const auto reply = host.run("DBGet", {{"Family", "f"}, {"Key", "nokey"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Database entry not found");
}

TEST_F(DbPlugin, DBGetWithoutKeyListsTheFamily) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "DBGetTree");
    EXPECT_EQ(a.get("Family"), "DND");
    auto answer = FakeHost::Answer::success({{"Message", "Result will follow"}});
    answer.events = {{{"Event", "DBGetTreeResponse"}, {"Key", "/DND/100"}, {"Val", "YES"}}};
    return answer;
  });
  const auto reply = host.run("DBGet", {{"Family", "DND"}});
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].name, "DBGetTreeResponse");
  EXPECT_EQ(reply.records[0].fields,
            (FieldList{{"Family", "DND"}, {"Key", "100"}, {"Val", "YES"}}));
}

TEST_F(DbPlugin, DBShowUsesDBGetTreeWhereAsteriskHasIt) {
  asterisk(22);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "DBGetTree");
    EXPECT_EQ(a.get("Family"), "");
    auto answer = FakeHost::Answer::success({{"Message", "Result will follow"}});
    answer.events = {
        {{"Event", "DBGetTreeResponse"}, {"Key", "/DND/100"}, {"Val", "YES"}},
        {{"Event", "DBGetTreeResponse"}, {"Key", "/Queue/Persistent/support"}, {"Val", "a;b"}}};
    return answer;
  });
  const auto reply = host.run("DBShow");
  EXPECT_TRUE(reply.success);
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[1].fields,
            (FieldList{{"Family", "Queue"}, {"Key", "Persistent/support"}, {"Val", "a;b"}}));
}

TEST_F(DbPlugin, DBShowOfAnEmptyTreeIsAnEmptyList) {
  asterisk(20);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::asterisk_error("Database entry not found");
  });
  const auto reply = host.run("DBShow", {{"Family", "nothing"}});
  EXPECT_TRUE(reply.success);
  EXPECT_TRUE(reply.is_list);
  EXPECT_TRUE(reply.records.empty());
}

TEST_F(DbPlugin, DBShowFallsBackToTheCliWithoutDBGetTree) {
  asterisk(18);  // 18.0 - 18.13 lack DBGetTree
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "DBGetTree") return unknown("DBGetTree");
    EXPECT_EQ(a.get("Command"), "database show");
    return cli_output({show_line("/DND/100", "YES"), show_line("/cidname/5551000", "AMI Test"),
                       "2 results found."});
  });
  const auto reply = host.run("DBShow");
  EXPECT_TRUE(reply.success) << reply.message;
  ASSERT_EQ(reply.records.size(), 2u);
  EXPECT_EQ(reply.records[1].fields,
            (FieldList{{"Family", "cidname"}, {"Key", "5551000"}, {"Val", "AMI Test"}}));
  EXPECT_EQ(host.actions().size(), 2u);
}

TEST_F(DbPlugin, DBShowOnAsterisk14AsksTheCliOnly) {
  asterisk(1);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    EXPECT_EQ(a.get("Command"), "database show DND");
    return cli_output({show_line("/DND/100", "YES"), "1 results found."});
  });
  const auto reply = host.run("DBShow", {{"Family", "DND"}});
  ASSERT_EQ(reply.records.size(), 1u);
  EXPECT_EQ(reply.records[0].get("Val"), "YES");
  EXPECT_EQ(host.actions().size(), 1u);
}

TEST_F(DbPlugin, DBShowCliErrorComesBack) {
  asterisk(13);
  host.on_ami([](const AmiAction&) {
    auto answer = FakeHost::Answer::asterisk_error("Command output follows");
    answer.output = {
        "No such command 'database show' (type 'core show help database show' for "
        "other possible commands)"};
    return answer;
  });
  const auto reply = host.run("DBShow");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message.rfind("No such command 'database show'", 0), 0u) << reply.message;
}

TEST_F(DbPlugin, DBDelUsesTheActionOnModernAsterisk) {
  asterisk(20);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "DBDel");
    if (a.get("Key") == "gone") return FakeHost::Answer::asterisk_error("Database entry not found");
    return FakeHost::Answer::success({{"Message", "Key deleted successfully"}});
  });
  auto reply = host.run("DBDel", {{"Family", "f"}, {"Key", "k"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Key deleted successfully");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Family", "f"}, {"Key", "k"}}));
  reply = host.run("DBDel", {{"Family", "f"}, {"Key", "gone"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Database entry not found");
}

TEST_F(DbPlugin, DBDelOnAsterisk14UsesTheCli) {
  asterisk(1);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    if (a.get("Command") == "database del f k") return cli_output({"Database entry removed."});
    return cli_output({"Database entry does not exist."});
  });
  auto reply = host.run("DBDel", {{"Family", "f"}, {"Key", "k"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Database entry removed.");
  reply = host.run("DBDel", {{"Family", "f"}, {"Key", "two words"}});
  EXPECT_EQ(host.actions().back().get("Command"), "database del f \"two words\"");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Database entry does not exist.");
}

TEST_F(DbPlugin, DBDelWithUnknownVersionFallsBackToTheCli) {
  asterisk(0);
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "DBDel") return unknown("DBDel");
    return cli_output({"Database entry removed."});
  });
  const auto reply = host.run("DBDel", {{"Family", "f"}, {"Key", "k"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(host.actions().size(), 2u);
  EXPECT_EQ(host.actions().back().get("Command"), "database del f k");
}

TEST_F(DbPlugin, DBDeltreeWithoutKeyDeletesTheFamily) {
  asterisk(20);
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::success({{"Message", "Key tree deleted successfully"}});
  });
  auto reply = host.run("DBDeltree", {{"Family", "f"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.message, "Key tree deleted successfully");
  EXPECT_EQ(host.actions().back().action(), "DBDelTree");
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Family", "f"}}));
  reply = host.run("DBDeltree", {{"Family", "f"}, {"Key", "sub"}});
  EXPECT_EQ(host.actions().back().fields(), (FieldList{{"Family", "f"}, {"Key", "sub"}}));
}

TEST_F(DbPlugin, DBDeltreeOnAsterisk14UsesTheCli) {
  asterisk(1);
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Command");
    if (a.get("Command") == "database deltree none") {
      return cli_output({"Database entries do not exist."});
    }
    return cli_output({"Database entries removed."});
  });
  auto reply = host.run("DBDeltree", {{"Family", "f"}});
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(host.actions().back().get("Command"), "database deltree f");
  reply = host.run("DBDeltree", {{"Family", "f"}, {"Key", "sub"}});
  EXPECT_EQ(host.actions().back().get("Command"), "database deltree f sub");
  reply = host.run("DBDeltree", {{"Family", "none"}});
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Database entries do not exist.");
}

TEST_F(DbPlugin, LinkErrorsComeBack) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Timeout, "Asterisk did not answer in time");
  });
  for (const char* command : {"DBDel", "DBDeltree", "DBShow", "DBGet", "DBPut"}) {
    const auto reply = host.run(command, {{"Family", "f"}, {"Key", "k"}, {"Val", "v"}});
    EXPECT_FALSE(reply.success) << command;
    EXPECT_EQ(reply.message, "Asterisk did not answer in time") << command;
  }
}

TEST(DbCli, QuotesWordsTheCliWouldSplit) {
  using db_plugin::cli_word;
  EXPECT_EQ(cli_word("plain"), "plain");
  EXPECT_EQ(cli_word("two words"), "\"two words\"");
  EXPECT_EQ(cli_word("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(cli_word(""), "\"\"");
}

TEST(DbCli, ParsesDatabaseShowLines) {
  const std::string long_key = "/family/" + std::string(60, 'k');
  const auto entries =
      db_plugin::parse_database_show({show_line("/f/k: odd", "v"), long_key + ": long",
                                      show_line("/f/a/b", "with: colon"), "3 results found.", ""});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].family, "f");
  EXPECT_EQ(entries[0].key, "k: odd");
  EXPECT_EQ(entries[0].val, "v");
  EXPECT_EQ(entries[1].key, std::string(60, 'k'));
  EXPECT_EQ(entries[1].val, "long");
  EXPECT_EQ(entries[2].key, "a/b");
  EXPECT_EQ(entries[2].val, "with: colon");
}

}  // namespace
