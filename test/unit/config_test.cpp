#include "config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/login.hpp"
#include "auth/login_cache.hpp"
#include "auth/network_acl.hpp"
#include "auth/secret_hash.hpp"
#include "auth/users.hpp"

namespace ampd {
namespace {

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    // mkstemps: ctest runs each test in its own process, in parallel; names must not collide.
    path_ = (std::filesystem::temp_directory_path() / "ampd-unit-XXXXXX.ini").string();
    const int fd = mkstemps(path_.data(), 4);
    if (fd >= 0) close(fd);
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Config, DefaultsAndValues) {
  TempFile f(
      "[server]\nlisten = 127.0.0.1:1, [::1]:2\nformat = XML\ntrust = on\n"
      "trusted_networks = 10.0.0.0/8\nbanner = Asterisk Call Manager/9.9\n"
      "[asterisk.main]\nhost = 127.0.0.1\nusername = u\nsecret = s\n[asterisk.backup]\n"
      "username = v\n");
  Config c;
  std::vector<std::string> problems;
  EXPECT_TRUE(load_config(f.path(), c, problems)) << problems.front();
  EXPECT_EQ(c.listen, (std::vector<std::string>{"127.0.0.1:1", "[::1]:2"}));
  EXPECT_EQ(c.format, WireFormat::Xml);
  EXPECT_TRUE(c.trust);
  EXPECT_TRUE(c.trusted_networks.contains_peer("10.1.2.3:555"));
  EXPECT_EQ(c.banner, "Asterisk Call Manager/9.9");
  ASSERT_EQ(c.asterisk.size(), 2u);
  EXPECT_EQ(c.asterisk[0].name, "main");  // the order of sections is kept: first is default
  EXPECT_EQ(c.asterisk[1].port, 5038);
}

TEST(Config, FormatMayBeJson) {
  TempFile f("[server]\nlisten = 127.0.0.1:1\nformat = json\n");
  Config c;
  std::vector<std::string> problems;
  EXPECT_TRUE(load_config(f.path(), c, problems)) << problems.front();
  EXPECT_EQ(c.format, WireFormat::Json);
}

TEST(Config, EveryProblemIsReportedWithFileLineAndKey) {
  TempFile f("[server]\nlisten = 1.2.3.4:5\nbogus = 1\nformat = yaml\n[nope]\nmax_headers = x\n");
  Config c;
  std::vector<std::string> problems;
  EXPECT_FALSE(load_config(f.path(), c, problems));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], f.path() + ":3: [server] bogus: unknown key");
  EXPECT_NE(problems[1].find(":4: [server] format: must be asterisk, xml or json"),
            std::string::npos);
  EXPECT_NE(problems[2].find(":5: [nope]: unknown section"), std::string::npos);
}

TEST(NetworkAcl, MatchesPrefixes) {
  NetworkAcl acl;
  std::string error;
  ASSERT_TRUE(acl.parse("127.0.0.0/8, ::1, 192.168.1.0/24", error));
  EXPECT_TRUE(acl.contains_peer("127.9.9.9:1"));
  EXPECT_TRUE(acl.contains_peer("[::1]:5"));
  EXPECT_TRUE(acl.contains_peer("192.168.1.200:5"));
  EXPECT_FALSE(acl.contains_peer("192.168.2.1:5"));
  EXPECT_FALSE(acl.parse("300.1.1.1", error));
  EXPECT_FALSE(acl.parse("10.0.0.0/33", error));
}

TEST(SecretHash, RoundTripAndRejects) {
  const auto stored = hash_secret("pa55 word", 1000);
  EXPECT_TRUE(is_secret_hash(stored));
  EXPECT_TRUE(verify_secret("pa55 word", stored));
  EXPECT_FALSE(verify_secret("pa55 Word", stored));   // secrets are case-sensitive
  EXPECT_NE(stored, hash_secret("pa55 word", 1000));  // salted
  EXPECT_FALSE(is_secret_hash("plaintext"));
  EXPECT_FALSE(verify_secret("plaintext", "plaintext"));
}

class LoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto h = hash_secret("pw", 1000);
    std::vector<std::string> problems;
    const auto ini = IniFile::parse("[Alice]\nsecret=" + h + "\ntypes=monitor\n[bob]\nsecret=" + h +
                                        "\ntypes=agent,administrator\nagentid=42\nformat=xml\n",
                                    "users.ini", problems);
    users_ = UserStore::from_ini(ini, problems);
    ASSERT_TRUE(problems.empty());
  }
  LoginResult login(Message m, bool trusted = false) {
    return check_login(m, *users_, LoginPolicy{WireFormat::Native, trusted, nullptr, {}});
  }
  std::shared_ptr<const UserStore> users_;
};

TEST_F(LoginTest, SingleTypeMayBeLeftOut) {
  auto r = login({{"Action", "Login"}, {"username", "alice"}, {"secret", "pw"}});
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.identity.type, ClientType::Monitor);
  EXPECT_EQ(r.identity.user, "Alice");
}

TEST_F(LoginTest, BadUserAndBadSecretSayTheSame) {
  auto a = login({{"User", "nobody"}, {"Secret", "pw"}});
  auto b = login({{"User", "alice"}, {"Secret", "PW"}});
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.message, "Authentication failed");
  EXPECT_EQ(b.message, a.message);
}

TEST_F(LoginTest, TypeRules) {
  EXPECT_EQ(login({{"User", "bob"}, {"Secret", "pw"}}).message,
            "Login requires Type: this user may log in as agent, administrator");
  EXPECT_EQ(login({{"User", "bob"}, {"Secret", "pw"}, {"Type", "monitor"}}).message,
            "Type monitor is not allowed for this user");
  EXPECT_EQ(login({{"User", "bob"}, {"Secret", "pw"}, {"Type", "boss"}}).message,
            "Type must be monitor, agent or administrator, not 'boss'");
  auto agent = login({{"User", "bob"}, {"Secret", "pw"}, {"Type", "Agent"}});
  ASSERT_TRUE(agent.ok);
  EXPECT_EQ(agent.identity.agent_id, "42");
  EXPECT_EQ(agent.format, WireFormat::Xml);  // the profile's format
  EXPECT_FALSE(login({{"User", "bob"}, {"Secret", "pw"}, {"Type", "agent"}, {"AgentID", "7"}}).ok);
}

TEST_F(LoginTest, SecretOptionalOnlyForTrustedPeers) {
  EXPECT_EQ(login({{"User", "alice"}}).message, "Login requires Secret");
  EXPECT_TRUE(login({{"User", "alice"}}, true).ok);
  EXPECT_FALSE(login({{"User", "alice"}, {"Secret", "wrong"}}, true).ok);
}

TEST_F(LoginTest, FormatAndFlash) {
  auto r = login({{"User", "alice"}, {"Secret", "pw"}, {"Format", "XML"}, {"isFlash", "true"}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.format, WireFormat::Xml);
  EXPECT_TRUE(r.is_flash);
  const auto json = login({{"User", "alice"}, {"Secret", "pw"}, {"Format", "Json"}});
  ASSERT_TRUE(json.ok);
  EXPECT_EQ(json.format, WireFormat::Json);
  const auto bad = login({{"User", "alice"}, {"Secret", "pw"}, {"Format", "yaml"}});
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.message, "Format must be xml, json or asterisk, not 'yaml'");
  EXPECT_EQ(login({{"Secret", "pw"}}).message, "Login requires Username (or User)");
}

TEST_F(LoginTest, CacheRemembersOnlyVerifiedSecrets) {
  LoginCache cache;
  const auto* alice = users_->find("alice");
  EXPECT_FALSE(cache.known("Alice", "pw", alice->secret_hash));
  const LoginPolicy policy{WireFormat::Native, false, &cache, {}};
  EXPECT_FALSE(check_login({{"User", "alice"}, {"Secret", "nope"}}, *users_, policy).ok);
  EXPECT_FALSE(cache.known("Alice", "nope", alice->secret_hash));
  EXPECT_TRUE(check_login({{"User", "alice"}, {"Secret", "pw"}}, *users_, policy).ok);
  EXPECT_TRUE(cache.known("Alice", "pw", alice->secret_hash));
  EXPECT_FALSE(cache.known("Alice", "pw", "another stored hash"));  // users file changed
  EXPECT_FALSE(check_login({{"User", "alice"}, {"Secret", "PW"}}, *users_, policy).ok);
}

TEST(Users, ProblemsNameFileLineAndKey) {
  std::vector<std::string> problems;
  const auto ini = IniFile::parse("[x]\nsecret = clear\ntypes = monitor, god\ncolour = red\n",
                                  "u.ini", problems);
  const auto store = UserStore::from_ini(ini, problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0],
            "u.ini:2: [x] secret: not a hashed secret; create one with 'ampd --hash-secret'");
  EXPECT_EQ(problems[1], "u.ini:3: [x] types: unknown type 'god' (monitor, agent, administrator)");
  EXPECT_EQ(problems[2], "u.ini:4: [x] colour: unknown key");
  EXPECT_EQ(store->find("x"), nullptr);
}

}  // namespace
}  // namespace ampd
