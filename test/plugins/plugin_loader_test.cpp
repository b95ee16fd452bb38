#include "plugin_loader.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <sstream>

#include "command_registry.hpp"
#include "plugin_listing.hpp"

namespace ampd {
namespace {

// Keeps the lines logged to "ampd.plugins".
class CaptureChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& m) override { lines.push_back(m.getText()); }
  std::vector<std::string> lines;
};

class AsteriskStub : public AsteriskGateway {
 public:
  AmiResult call(const CallContext&, const std::string&, const Message&,
                 std::chrono::milliseconds) override {
    return {};
  }
  void call_async(const CallContext&, const std::string&, Message, std::chrono::milliseconds,
                  std::function<void(AmiResult)> done) override {
    done({});
  }
  AsteriskInfo info(const std::string&) const override { return {}; }
};

const std::string kDir = AMPD_FIXTURE_DIR;

std::string file(const std::string& name) { return kDir + "/" + name + ".so"; }

class PluginLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& logger = Poco::Logger::get("ampd.plugins");
    logger.setChannel(capture_);
    logger.setLevel(Poco::Message::PRIO_INFORMATION);
  }
  void TearDown() override { Poco::Logger::get("ampd.plugins").setChannel(nullptr); }

  std::string reason(const std::string& name) const {
    for (const auto& r : loader_.refused()) {
      if (r.file == file(name)) return r.reason;
    }
    return "(not refused)";
  }
  // The one log line about `name` (the file name followed by the reason or commands).
  std::string log_line(const std::string& name) const {
    std::string found;
    for (const auto& l : capture_->lines) {
      if (l.find(file(name) + ":") == std::string::npos) continue;
      EXPECT_TRUE(found.empty()) << "more than one line for " << name;
      found = l;
    }
    return found;
  }

  Poco::AutoPtr<CaptureChannel> capture_{new CaptureChannel};
  CommandRegistry registry_;
  PluginLoader loader_{registry_};
};

TEST_F(PluginLoaderTest, LoadsTheGoodAndRefusesEachBadOneWithItsReason) {
  ASSERT_TRUE(loader_.load_directory(kDir));
  const auto loaded = loader_.loaded();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].name, "good");
  EXPECT_EQ(loaded[0].version, "2.5");
  EXPECT_EQ(loaded[0].commands, std::vector<std::string>{"FixtureEcho"});

  EXPECT_EQ(reason("b_wrong_abi"), "built for plugin ABI version 2, this ampd speaks version 1");
  EXPECT_EQ(reason("c_small_descriptor"), "descriptor is 12 bytes, expected at least " +
                                              std::to_string(sizeof(ampd_plugin_descriptor)));
  EXPECT_EQ(reason("d_no_entry"), "no entry point ampd_plugin_entry");
  EXPECT_EQ(reason("e_failing_load"), "load failed: cannot read /nonexistent/fixture.conf");
  EXPECT_EQ(reason("f_duplicate"), "command fixtureecho is already registered by plugin good");
  EXPECT_EQ(reason("g_builtin"), "load failed: command Ping is built into ampd");
  EXPECT_EQ(reason("h_same_name"), "plugin good is already loaded from " + file("a_good"));
  EXPECT_NE(reason("i_garbage").find("cannot open: "), std::string::npos) << reason("i_garbage");
  EXPECT_EQ(loader_.refused().size(), 8u);

  // Refused plugins keep nothing they registered.
  EXPECT_EQ(registry_.commands().size(), 1u);
  EXPECT_EQ(registry_.find("FixtureFailing"), nullptr);
  EXPECT_EQ(registry_.find("FixtureOther"), nullptr);
  ASSERT_NE(registry_.find("fixtureECHO"), nullptr);
  EXPECT_EQ(registry_.find("FixtureEcho")->plugin, "good");

  // One line per file, naming it and the reason.
  EXPECT_EQ(log_line("b_wrong_abi"), "refused plugin " + file("b_wrong_abi") +
                                         ": built for plugin ABI version 2, this ampd speaks "
                                         "version 1");
  for (const auto& r : loader_.refused()) {
    EXPECT_NE(
        log_line(r.file.substr(kDir.size() + 1, r.file.size() - kDir.size() - 4)).find(r.reason),
        std::string::npos);
  }
  EXPECT_NE(log_line("a_good").find("loaded plugin good 2.5"), std::string::npos);
}

TEST_F(PluginLoaderTest, ALoadedHandlerRunsAndUnloadDropsItsCommands) {
  ASSERT_TRUE(loader_.load_file(file("a_good")));
  const Command* echo = registry_.find("FixtureEcho");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->privilege, ClientType::Monitor);
  ASSERT_EQ(echo->args.size(), 1u);
  EXPECT_TRUE(echo->args[0].required);
  EXPECT_EQ(echo->summary, "Echo the Text field");

  AsteriskStub asterisk;
  const Message request{{"Action", "FixtureEcho"}, {"Text", "hi there"}};
  Identity who;
  Reply reply;
  run_handler({*echo, request, who, "", {}, asterisk}, reply);
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(reply.fields.get("Echo"), "hi there");

  loader_.unload_all();
  EXPECT_TRUE(registry_.commands().empty());
  EXPECT_TRUE(loader_.loaded().empty());
}

TEST_F(PluginLoaderTest, AMissingDirectoryIsLoggedAndTheDaemonCarriesOn) {
  EXPECT_FALSE(loader_.load_directory(kDir + "/nonexistent"));
  ASSERT_EQ(capture_->lines.size(), 1u);
  EXPECT_NE(capture_->lines[0].find("cannot read plugin directory"), std::string::npos);
}

TEST(PluginListing, PrintsPluginsCommandsAndRefusals) {
  std::ostringstream out;
  EXPECT_EQ(list_plugins(kDir, out), 1);  // some fixtures are refused
  const auto text = out.str();
  EXPECT_NE(text.find("good 2.5 (" + file("a_good") +
                      ")\n"
                      "  FixtureEcho  monitor  Text  -- Echo the Text field\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("refused " + file("d_no_entry") + ": no entry point ampd_plugin_entry\n"),
            std::string::npos)
      << text;
}

TEST(PluginListing, TheBundledPlugins) {
  std::ostringstream out;
  EXPECT_EQ(list_plugins(AMPD_BUILD_PLUGIN_DIR, out), 0) << out.str();
  const auto text = out.str();
  for (const char* expected :
       {"  Command  administrator  Command", "  ServerVersion  monitor", "custom 1.0",
        "  Custom  administrator  CAction", "  CustomFreeForm  administrator  CAction"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

}  // namespace
}  // namespace ampd
