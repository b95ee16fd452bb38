// The db commands through the real ampd and simulator binaries, against both Asterisk
// generations (the simulator's modern and 1.4 dialects), in native and XML.
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include "ampd_instance.hpp"
#include "native_client.hpp"

namespace ampd::test {
namespace {

class DbCommands : public ::testing::TestWithParam<std::string> {
 protected:
  bool old_asterisk() const { return GetParam() == "1.4"; }
  void put(Client& admin, const std::string& family, const std::string& key,
           const std::string& val) {
    admin.send("Action: DBPut\r\nFamily: " + family + "\r\nKey: " + key + "\r\nVal: " + val +
               "\r\n\r\n");
    EXPECT_NE(admin.read_native().find("Message: Updated database successfully\r\n"),
              std::string::npos);
  }
  SimInstance sim{{"--dialect", GetParam()}};
  AmpdInstance ampd{{.sections = sim.section()}};
};

TEST_P(DbCommands, PutThenGetNative) {
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: DBPut\r\nFamily: amitest\r\nKey: k1\r\nVal: value one\r\nActionID: p\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: DBPut\r\nResponse: Success\r\nActionID: p\r\n"
            "Message: Updated database successfully\r\n\r\n");
  c->send("Action: DBGet\r\nFamily: amitest\r\nKey: k1\r\nActionID: g\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: DBGet\r\nResponse: Success\r\nActionID: g\r\n"
            "Family: amitest\r\nKey: k1\r\nVal: value one\r\n\r\n");
}

TEST_P(DbCommands, GetXmlAndAsteriskError) {
  auto c = login(ampd, "xmlmon");
  c->send("<command action=\"dbget\" family=\"DND\" key=\"100\" actionid=\"g1\"/>");
  EXPECT_EQ(c->read_line(),
            "<command action=\"dbget\" response=\"Success\" ActionID=\"g1\" Family=\"DND\" "
            "Key=\"100\" Val=\"YES\" />\r\n");
  c->send("<command action=\"dbget\" family=\"DND\" key=\"nokey\"/>");
  EXPECT_EQ(c->read_line(),
            "<command action=\"dbget\" response=\"Error\" Message=\"Database entry not found\">"
            "Database entry not found</command>\r\n");
  auto n = login(ampd, "mon", kMonitor);
  n->send("Action: DBGet\r\nFamily: DND\r\nKey: nokey\r\n\r\n");
  EXPECT_EQ(n->read_native(),
            "Action: DBGet\r\nResponse: Error\r\nMessage: Database entry not found\r\n\r\n");
}

// A Latin-1 value in Asterisk's database reaches an XML client as well-formed XML (a real
// parser reads it), the bad byte as U+FFFD; a native client gets Asterisk's bytes unchanged.
TEST_P(DbCommands, ALatin1ValueStaysWellFormedXml) {
  auto admin = login(ampd, "admin", kAdmin);
  put(*admin, "names", "caller", "caf\xe9");
  auto x = login(ampd, "xmlmon");
  x->send(
      "<command action=\"dbget\" family=\"names\" key=\"caller\" actionid=\"\xff"
      "1\"/>");
  const auto line = x->read_line();
  tinyxml2::XMLDocument doc;
  ASSERT_EQ(doc.Parse(line.data(), line.size()), tinyxml2::XML_SUCCESS) << doc.ErrorStr() << line;
  ASSERT_NE(doc.RootElement(), nullptr);
  EXPECT_STREQ(doc.RootElement()->Attribute("Val"), "caf\xEF\xBF\xBD") << line;
  EXPECT_STREQ(doc.RootElement()->Attribute("ActionID"),
               "\xEF\xBF\xBD"
               "1")
      << line;
  admin->send("Action: DBGet\r\nFamily: names\r\nKey: caller\r\n\r\n");
  EXPECT_NE(admin->read_native().find("Val: caf\xe9\r\n"), std::string::npos);
}

TEST_P(DbCommands, GetWithoutKeyListsTheFamily) {
  auto admin = login(ampd, "admin", kAdmin);
  put(*admin, "fam", "a", "1");
  put(*admin, "fam", "b", "2");
  auto c = login(ampd, "mon", kMonitor);
  c->send("Action: DBGet\r\nFamily: fam\r\n\r\n");
  const auto list = read_list(*c);
  EXPECT_NE(list.find("Event: DBGetTreeResponse\r\nFamily: fam\r\nKey: a\r\nVal: 1\r\n\r\n"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("Family: fam\r\nKey: b\r\nVal: 2\r\n"), std::string::npos) << list;
  EXPECT_NE(list.find("Event: DBGetComplete\r\nEventList: Complete\r\nListItems: 2\r\n"),
            std::string::npos)
      << list;
}

TEST_P(DbCommands, ShowListsTheDatabaseNative) {
  auto c = login(ampd, "mon", kMonitor);
  c->send("Action: DBShow\r\nActionID: s\r\n\r\n");
  const auto list = read_list(*c);
  EXPECT_EQ(
      list.rfind("Action: DBShow\r\nResponse: Success\r\nActionID: s\r\nEventList: start\r\n", 0),
      0u)
      << list;
  EXPECT_NE(list.find("Event: DBGetTreeResponse\r\nActionID: s\r\nFamily: DND\r\nKey: 100\r\n"
                      "Val: YES\r\n\r\n"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("Family: cidname\r\nKey: 5551000\r\nVal: AMI Test\r\n"), std::string::npos)
      << list;
  EXPECT_NE(list.find("Event: DBShowComplete\r\nActionID: s\r\nEventList: Complete\r\n"
                      "ListItems: 2\r\n"),
            std::string::npos)
      << list;
}

TEST_P(DbCommands, ShowOfOneFamilyXml) {
  auto c = login(ampd, "xmlmon");
  c->send("<command action=\"dbshow\" family=\"cidname\"/>");
  EXPECT_EQ(c->read_line(),
            "<command action=\"dbshow\" response=\"Success\" ListItems=\"1\"><dbgettreeresponse "
            "family=\"cidname\" key=\"5551000\" val=\"AMI Test\" /></command>\r\n");
  c->send("<command action=\"dbshow\" family=\"empty\"/>");
  EXPECT_EQ(c->read_line(),
            "<command action=\"dbshow\" response=\"Success\" ListItems=\"0\"></command>\r\n");
}

TEST_P(DbCommands, DelRemovesAKey) {
  auto c = login(ampd, "admin", kAdmin);
  put(*c, "amitest", "k1", "v");
  c->send("Action: DBDel\r\nFamily: amitest\r\nKey: k1\r\nActionID: d\r\n\r\n");
  const auto deleted = c->read_native();
  EXPECT_EQ(deleted, std::string("Action: DBDel\r\nResponse: Success\r\nActionID: d\r\nMessage: ") +
                         (old_asterisk() ? "Database entry removed." : "Key deleted successfully") +
                         "\r\n\r\n");
  c->send("Action: DBGet\r\nFamily: amitest\r\nKey: k1\r\n\r\n");
  EXPECT_NE(c->read_native().find("Message: Database entry not found"), std::string::npos);
  // Asterisk's error for a key that is not there: the manager's or (1.4) the CLI's.
  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"dbdel\" family=\"amitest\" key=\"k1\"/>");
  const std::string why =
      old_asterisk() ? "Database entry does not exist." : "Database entry not found";
  EXPECT_EQ(x->read_line(), "<command action=\"dbdel\" response=\"Error\" Message=\"" + why +
                                "\">" + why + "</command>\r\n");
}

TEST_P(DbCommands, DeltreeWithoutKeyDeletesTheFamily) {
  auto c = login(ampd, "admin", kAdmin);
  put(*c, "tree", "a", "1");
  put(*c, "tree", "b/c", "2");
  put(*c, "tree", "b/d", "3");
  c->send("Action: DBDeltree\r\nFamily: tree\r\nKey: b\r\n\r\n");
  EXPECT_NE(c->read_native().find("Response: Success"), std::string::npos);
  c->send("Action: DBShow\r\nFamily: tree\r\n\r\n");
  auto list = read_list(*c);
  EXPECT_NE(list.find("Key: a\r\n"), std::string::npos) << list;
  EXPECT_EQ(list.find("Key: b/"), std::string::npos) << list;

  auto x = login(ampd, "admin", kAdminXml);
  x->send("<command action=\"dbdeltree\" family=\"tree\"/>");
  EXPECT_EQ(x->read_line(),
            std::string("<command action=\"dbdeltree\" response=\"Success\" Message=\"") +
                (old_asterisk() ? "Database entries removed." : "Key tree deleted successfully") +
                "\" />\r\n");
  c->send("Action: DBShow\r\n\r\n");
  list = read_list(*c);
  EXPECT_EQ(list.find("Family: tree"), std::string::npos) << list;
  EXPECT_NE(list.find("Family: DND"), std::string::npos) << list;
  c->send("Action: DBDeltree\r\nFamily: tree\r\n\r\n");
  EXPECT_NE(c->read_native().find(old_asterisk() ? "Message: Database entries do not exist."
                                                 : "Message: Database entry not found"),
            std::string::npos);
}

TEST_P(DbCommands, MissingArgumentsAreRefusedInBothFormats) {
  auto c = login(ampd, "admin", kAdmin);
  c->send("Action: DBPut\r\nFamily: f\r\nKey: k\r\nActionID: m\r\n\r\n");
  EXPECT_EQ(c->read_native(),
            "Action: DBPut\r\nResponse: Error\r\nActionID: m\r\n"
            "Message: DBPut requires the argument Val\r\n\r\n");
  auto x = login(ampd, "xmlmon");
  x->send("<command action=\"dbget\" key=\"k\"/>");
  EXPECT_NE(x->read_line().find("Message=\"DBGet requires the argument Family\""),
            std::string::npos);
}

TEST_P(DbCommands, OnlyAdministratorsChangeTheDatabase) {
  auto mon = login(ampd, "mon", kMonitor);
  for (const char* change : {"DBPut\r\nFamily: f\r\nKey: k\r\nVal: v",
                             "DBDel\r\nFamily: DND\r\nKey: 100", "DBDeltree\r\nFamily: DND"}) {
    mon->send(std::string("Action: ") + change + "\r\n\r\n");
    EXPECT_NE(mon->read_native().find("Response: Error"), std::string::npos) << change;
  }
  mon->send("Action: DBGet\r\nFamily: DND\r\nKey: 100\r\n\r\n");
  EXPECT_NE(mon->read_native().find("Val: YES"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, DbCommands, ::testing::Values("modern", "1.4"),
                         [](const auto& info) { return info.param == "1.4" ? "v1_4" : "modern"; });

}  // namespace
}  // namespace ampd::test
