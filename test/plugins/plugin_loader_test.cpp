#include "commands/plugin_loader.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <sstream>

#include "commands/command_registry.hpp"
#include "commands/core_commands.hpp"
#include "commands/plugin_host.hpp"
#include "commands/plugin_listing.hpp"

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

  // As the daemon has it: the core's commands first, then the plugins'.
  static CommandRegistry with_core_commands() {
    CommandRegistry registry;
    add_core_commands(registry);
    return registry;
  }
  std::size_t plugin_command_count() const {
    std::size_t count = 0;
    for (const auto* c : registry_.commands()) count += c->plugin != kCorePlugin;
    return count;
  }

  Poco::AutoPtr<CaptureChannel> capture_{new CaptureChannel};
  CommandRegistry registry_ = with_core_commands();
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
  EXPECT_EQ(plugin_command_count(), 1u);
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
  EXPECT_EQ(plugin_command_count(), 0u);
  EXPECT_TRUE(loader_.loaded().empty());
}

const std::string kAbiDir = AMPD_ABI_FIXTURE_DIR;

std::string abi_file(const std::string& name) { return kAbiDir + "/abi_" + name + ".so"; }

// A plugin built before async_handler existed: its shorter definition is read only as far as
// it goes, and its worker handler runs as before.
TEST_F(PluginLoaderTest, AnOldSdkDefinitionStillLoads) {
  ASSERT_TRUE(loader_.load_file(abi_file("old_sdk"))) << loader_.refused().at(0).reason;
  const Command* echo = registry_.find("FixtureOldEcho");
  ASSERT_NE(echo, nullptr);
  EXPECT_NE(echo->handler, nullptr);
  EXPECT_EQ(echo->async_handler, nullptr);
  EXPECT_EQ(echo->summary, "Echo the Text field, old SDK");
  ASSERT_EQ(echo->args.size(), 1u);
  EXPECT_TRUE(echo->args[0].required);

  AsteriskStub asterisk;
  const Message request{{"Action", "FixtureOldEcho"}, {"Text", "from 1.0"}};
  Identity who;
  Reply reply;
  run_handler({*echo, request, who, "", {}, asterisk}, reply);
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.fields.get("Echo"), "from 1.0");
  loader_.unload_all();
}

TEST_F(PluginLoaderTest, ACommandNeedsExactlyOneKindOfHandler) {
  EXPECT_FALSE(loader_.load_file(abi_file("two_handlers")));
  EXPECT_FALSE(loader_.load_file(abi_file("no_handler")));
  ASSERT_EQ(loader_.refused().size(), 2u);
  EXPECT_EQ(loader_.refused()[0].reason,
            "load failed: command FixtureTwoHandlers needs exactly one of handler and "
            "async_handler");
  // This one ignored register_command's answer; the loader refuses it all the same.
  EXPECT_EQ(loader_.refused()[1].reason,
            "command FixtureNoHandler needs exactly one of handler and async_handler");
  EXPECT_EQ(plugin_command_count(), 0u);
  EXPECT_TRUE(loader_.loaded().empty());
}

// Answers when the test says so, like the link on a later loop pass.
class AsyncAsteriskStub : public AsteriskStub {
 public:
  void call_async(const CallContext&, const std::string&, Message action, std::chrono::milliseconds,
                  std::function<void(AmiResult)> done) override {
    actions.push_back(std::move(action));
    waiting.push_back(std::move(done));
  }
  std::vector<Message> actions;
  std::vector<std::function<void(AmiResult)>> waiting;
};

TEST_F(PluginLoaderTest, AnAsyncCommandFromAPluginRunsUntilAsteriskAnswers) {
  ASSERT_TRUE(loader_.load_file(abi_file("async")));
  const Command* echo = registry_.find("FixtureAsyncEcho");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->handler, nullptr);
  ASSERT_NE(echo->async_handler, nullptr);

  AsyncAsteriskStub asterisk;
  std::optional<Reply> later;
  auto now = start_async_handler(
      *echo, AsyncCall{{}, {{"Action", "FixtureAsyncEcho"}, {"Text", "hi"}}, "", {}}, asterisk,
      [&later](Reply r) { later = std::move(r); });
  EXPECT_FALSE(now.has_value());
  EXPECT_FALSE(later.has_value());
  ASSERT_EQ(asterisk.waiting.size(), 1u);
  EXPECT_EQ(asterisk.actions[0].get("Action"), "Ping");

  AmiResult pong;
  pong.response = {{"Response", "Success"}, {"Ping", "Pong"}};
  asterisk.waiting[0](pong);
  ASSERT_TRUE(later.has_value());
  EXPECT_TRUE(later->success) << later->message;
  EXPECT_EQ(later->action, "FixtureAsyncEcho");
  EXPECT_EQ(later->fields.get("Echo"), "hi");
  EXPECT_EQ(later->fields.get("Ping"), "Pong");
  loader_.unload_all();
}

TEST_F(PluginLoaderTest, AMissingDirectoryIsLoggedAndTheDaemonCarriesOn) {
  EXPECT_FALSE(loader_.load_directory(kDir + "/nonexistent"));
  ASSERT_EQ(capture_->lines.size(), 1u);
  EXPECT_NE(capture_->lines[0].find("cannot read plugin directory"), std::string::npos);
}

// Loads the plugin in `file` against `host` as the loader would; returns load()'s error, or ""
// when it loaded (then it is unloaded again).
std::string load_against(const ampd_host& host, const std::string& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return "cannot open " + file;
  auto entry = reinterpret_cast<ampd_plugin_entry_fn>(dlsym(handle, AMPD_PLUGIN_ENTRY_SYMBOL));
  const ampd_plugin_descriptor* d = entry();
  CommandRegistry registry;
  PluginState state;
  state.name = d->name;
  state.registry = &registry;
  state.loading = true;
  char error[512] = "";
  const int rc = d->load(&host, to_handle(state), error, sizeof error);
  if (rc == 0 && d->unload) d->unload();
  for (auto& c : registry.remove_plugin(state.name)) {
    if (c.free_user_data) c.free_user_data(c.user_data);
  }
  drop_subscriptions(state);
  dlclose(handle);
  return rc == 0 ? std::string() : std::string(error[0] ? error : "failed");
}

// A plugin built against this SDK meets a daemon whose host table ends where ABI version 1's
// first table ended (the newer entries are not even there: zeroed, so calling one would
// crash). What uses only that table loads; a newer feature fails the load, naming it.
TEST(PluginAbi, APluginOfANewerSdkLoadsOnAnOlderDaemonIfItUsesNothingNewer) {
  ampd_host old = *plugin_host_table();
  std::memset(reinterpret_cast<char*>(&old) + AMPD_HOST_V1_SIZE, 0, sizeof old - AMPD_HOST_V1_SIZE);
  old.struct_size = AMPD_HOST_V1_SIZE;
  EXPECT_EQ(load_against(old, file("a_good")), "");
  EXPECT_EQ(load_against(old, abi_file("async")), "this ampd is too old for asynchronous commands");
  EXPECT_EQ(load_against(old, EVENT_COUNTER_PLUGIN), "this ampd is too old for plugin settings");
  // Against today's table all of them load.
  EXPECT_EQ(load_against(*plugin_host_table(), abi_file("async")), "");
  EXPECT_EQ(load_against(*plugin_host_table(), EVENT_COUNTER_PLUGIN), "");
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
       {"core (built into ampd)\n", "  StatisticInfo  monitor  [Type], [Queue], [Agent]",
        "  ProfileUpdate  administrator  Username", "  Ping  anyone", "  Events  monitor",
        "  Command  administrator  Command", "  ServerVersion  monitor", "custom 1.0",
        "  Custom  administrator  CAction", "  CustomFreeForm  administrator  CAction"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // StatisticInfo and AgentActivity come from the statistics plugin, not from the core.
  const auto statistics = text.find("statistics 1.0");
  ASSERT_NE(statistics, std::string::npos) << text;
  EXPECT_GT(text.find("  StatisticInfo"), statistics) << text;
  EXPECT_GT(text.find("  AgentActivity"), statistics) << text;
}

}  // namespace
}  // namespace ampd
