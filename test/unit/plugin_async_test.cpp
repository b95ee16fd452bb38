// Asynchronous commands against the SDK's fake host: how AsyncRequest finishes its reply, how
// ami() answers reach `then`, and what the fake host checks.
#include <gtest/gtest.h>

#include <ampd/testing/fake_host.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::AmiStatus;
using ampd::sdk::AsyncRequest;
using ampd::sdk::Privilege;
using ampd::sdk::Registrar;
using ampd::sdk::testing::FakeHost;

// Raw C handlers, registered with a bare ampd_command_def: user_data is the host table.
const ampd_host* table_of(void* user_data) { return static_cast<const ampd_host*>(user_data); }

// A sync handler that tries ami_call_async anyway; it reports what its callback got.
void sync_asks_async(void* user_data, const ampd_request* request, ampd_reply* reply) {
  const ampd_host* host = table_of(user_data);
  struct Seen {
    const ampd_host* host;
    ampd_reply* reply;
    bool called = false;
  } seen{host, reply};
  ampd_ami_action* action = host->action_new("Ping");
  host->ami_call_async(
      request, action, 0,
      [](void* data, ampd_ami_result* result) {
        auto& s = *static_cast<Seen*>(data);
        s.called = true;
        s.host->reply_add_field(s.reply, "Status",
                                std::to_string(s.host->result_status(result)).c_str());
        s.host->reply_set_error(s.reply, s.host->result_error(result));
        s.host->result_free(result);
      },
      &seen);
  host->action_free(action);
  if (!seen.called) host->reply_set_error(reply, "the callback did not run");
}

// An async handler that forgets reply_finish.
void never_finishes(void*, const ampd_request*, ampd_reply*) {}

// An async handler that finishes twice.
void finishes_twice(void* user_data, const ampd_request*, ampd_reply* reply) {
  table_of(user_data)->reply_finish(reply);
  table_of(user_data)->reply_finish(reply);
}

void register_raw(Registrar& r, const char* name, ampd_handler_fn handler,
                  ampd_async_handler_fn async_handler) {
  ampd_command_def def{};
  def.struct_size = sizeof def;
  def.name = name;
  def.privilege = AMPD_PRIVILEGE_MONITOR;
  def.handler = handler;
  def.async_handler = async_handler;
  def.user_data = const_cast<ampd_host*>(r.host());
  char error[256] = "";
  if (r.host()->register_command(r.self(), &def, error, sizeof error) != 0) {
    throw std::runtime_error(error);
  }
}

void load(Registrar& r) {
  r.async_command("AsyncNow", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.reply().message("Hello, " + call.request().user());
  });
  r.async_command("AsyncOne", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.ami(AmiAction("Ping").add("Tag", call.request().get("Tag")),
             [](AsyncRequest call, AmiResult result) {
               call.reply().add("Ping", result.response().get("Ping"));
             });
  });
  // The second question is asked from the first answer.
  r.async_command("AsyncTwo", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.ami(AmiAction("First"), [](AsyncRequest call, AmiResult first) {
      call.reply().add("Answer", first.response().get("Value"));
      call.ami(AmiAction("Second").add("After", first.response().get("Value")),
               [](AsyncRequest call, AmiResult second) {
                 call.reply().add("Answer", second.response().get("Value"));
               });
    });
  });
  // Two questions at once: answers come in the order asked, after the handler returned.
  r.async_command("AsyncBoth", Privilege::Monitor, {}, [](AsyncRequest call) {
    auto returned = std::make_shared<bool>(false);
    for (const char* name : {"First", "Second"}) {
      call.ami(AmiAction(name), [returned](AsyncRequest call, AmiResult result) {
        call.reply().add("Answer", result.response().get("Value"));
        call.reply().add("HandlerHadReturned", *returned ? "yes" : "no");
      });
    }
    *returned = true;
  });
  r.async_command("HandlerThrows", Privilege::Monitor, {},
                  [](AsyncRequest) { throw std::runtime_error("handler boom"); });
  // Throws after asking: the pending answer still finishes the reply, once.
  r.async_command("ThrowsAfterAsking", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.ami(AmiAction("Ping"),
             [](AsyncRequest call, AmiResult) { call.reply().add("Answered", "yes"); });
    throw std::runtime_error("asked, then failed");
  });
  r.async_command("ThenThrows", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.ami(AmiAction("Ping"), [](AsyncRequest call, AmiResult) {
      call.reply().add("Half", "built");
      throw std::runtime_error("then boom");
    });
  });
  r.async_command("AsyncStatus", Privilege::Monitor, {}, [](AsyncRequest call) {
    call.ami(AmiAction("Ping"), [](AsyncRequest call, AmiResult result) {
      call.reply().add("Status", std::to_string(static_cast<int>(result.status())));
      call.reply().add("Ok", result.ok() ? "yes" : "no");
      if (!result.success()) call.reply().error(result.error());
    });
  });
  register_raw(r, "SyncAsksAsync", &sync_asks_async, nullptr);
  register_raw(r, "NeverFinishes", nullptr, &never_finishes);
  register_raw(r, "FinishesTwice", nullptr, &finishes_twice);
}

class AsyncPlugin : public ::testing::Test {
 protected:
  void SetUp() override { host.load(load); }
  FakeHost host;
};

TEST_F(AsyncPlugin, RegistersAsAsynchronous) {
  ASSERT_NE(host.command("AsyncOne"), nullptr);
  EXPECT_NE(host.command("AsyncOne")->async_handler, nullptr);
  EXPECT_EQ(host.command("AsyncOne")->handler, nullptr);
  ASSERT_NE(host.command("SyncAsksAsync"), nullptr);
  EXPECT_EQ(host.command("SyncAsksAsync")->async_handler, nullptr);
}

TEST_F(AsyncPlugin, RepliesWithoutAskingAsterisk) {
  ampd::sdk::testing::Caller alice;
  alice.user = "alice";
  const auto reply = host.run("AsyncNow", {}, alice);
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.message, "Hello, alice");
  EXPECT_TRUE(host.actions().empty());
}

TEST_F(AsyncPlugin, OneQuestionThenTheReply) {
  host.on_ami([](const AmiAction& a) {
    EXPECT_EQ(a.action(), "Ping");
    return FakeHost::Answer::success({{"Ping", "Pong " + a.get("Tag")}});
  });
  const auto reply = host.run("AsyncOne", {{"Tag", "t7"}});
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.get("Ping"), "Pong t7");
  ASSERT_EQ(host.actions().size(), 1u);
}

TEST_F(AsyncPlugin, ASecondQuestionFromTheFirstAnswer) {
  host.on_ami([](const AmiAction& a) {
    if (a.action() == "First") return FakeHost::Answer::success({{"Value", "one"}});
    EXPECT_EQ(a.get("After"), "one");
    return FakeHost::Answer::success({{"Value", "two"}});
  });
  const auto reply = host.run("AsyncTwo");
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.get_all("Answer"), (std::vector<std::string>{"one", "two"}));
  ASSERT_EQ(host.actions().size(), 2u);
  EXPECT_EQ(host.actions()[0].action(), "First");
  EXPECT_EQ(host.actions()[1].action(), "Second");
}

TEST_F(AsyncPlugin, AnswersComeAfterTheHandlerReturnedInTheOrderAsked) {
  host.on_ami([](const AmiAction& a) {
    return FakeHost::Answer::success({{"Value", a.action()}});
  });
  const auto reply = host.run("AsyncBoth");
  EXPECT_EQ(reply.get_all("Answer"), (std::vector<std::string>{"First", "Second"}));
  EXPECT_EQ(reply.get_all("HandlerHadReturned"), (std::vector<std::string>{"yes", "yes"}));
}

TEST_F(AsyncPlugin, AnExceptionInTheHandlerIsAnErrorReply) {
  const auto reply = host.run("HandlerThrows");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "handler boom");
}

TEST_F(AsyncPlugin, AnExceptionAfterAskingStillWaitsForTheAnswer) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  const auto reply = host.run("ThrowsAfterAsking");  // would throw if not finished exactly once
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "asked, then failed");
  EXPECT_EQ(reply.get("Answered"), "yes");
}

TEST_F(AsyncPlugin, AnExceptionInThenIsAnErrorReply) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  const auto reply = host.run("ThenThrows");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "then boom");
  EXPECT_EQ(reply.get("Half"), "built");
}

TEST_F(AsyncPlugin, AFailedCallReachesThen) {
  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Timeout, "Asterisk did not answer in time");
  });
  auto reply = host.run("AsyncStatus");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Asterisk did not answer in time");
  EXPECT_EQ(reply.get("Status"), std::to_string(AMPD_AMI_TIMEOUT));
  EXPECT_EQ(reply.get("Ok"), "no");

  host.on_ami([](const AmiAction&) {
    return FakeHost::Answer::failure(AmiStatus::Down, "Asterisk pbx is not connected");
  });
  reply = host.run("AsyncStatus");
  EXPECT_EQ(reply.message, "Asterisk pbx is not connected");
  EXPECT_EQ(reply.get("Status"), std::to_string(AMPD_AMI_DOWN));

  // Asterisk's own Response: Error is an answer (Ok), but not a success.
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::asterisk_error("No such thing"); });
  reply = host.run("AsyncStatus");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "No such thing");
  EXPECT_EQ(reply.get("Status"), std::to_string(AMPD_AMI_OK));
  EXPECT_EQ(reply.get("Ok"), "yes");
}

TEST_F(AsyncPlugin, ASyncCommandCannotCallAsynchronously) {
  host.on_ami([](const AmiAction&) { return FakeHost::Answer::success(); });
  const auto reply = host.run("SyncAsksAsync");
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "not an asynchronous command");
  EXPECT_EQ(reply.get("Status"), std::to_string(AMPD_AMI_DOWN));
  EXPECT_TRUE(host.actions().empty()) << "nothing went to Asterisk";
}

TEST_F(AsyncPlugin, RunInsistsOnExactlyOneFinish) {
  try {
    host.run("NeverFinishes");
    ADD_FAILURE() << "run() accepted a reply that was never finished";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "NeverFinishes finished its reply 0 times");
  }
  EXPECT_THROW(host.run("FinishesTwice"), std::runtime_error);
}

// Like the daemon, the fake host takes a command with exactly one kind of handler.
TEST(AsyncFakeHost, RefusesBothHandlersOrNeither) {
  FakeHost host;
  host.load([](Registrar& r) {
    ampd_command_def def{};
    def.struct_size = sizeof def;
    def.name = "Neither";
    def.privilege = AMPD_PRIVILEGE_MONITOR;
    char error[256] = "";
    EXPECT_NE(r.host()->register_command(r.self(), &def, error, sizeof error), 0);
    EXPECT_STREQ(error, "command Neither needs exactly one of handler and async_handler");
    def.name = "Both";
    def.handler = &sync_asks_async;
    def.async_handler = &never_finishes;
    EXPECT_NE(r.host()->register_command(r.self(), &def, error, sizeof error), 0);
    EXPECT_STREQ(error, "command Both needs exactly one of handler and async_handler");
  });
  EXPECT_TRUE(host.commands().empty());
}

// finish() answers at once while the plugin keeps the request; later writes go nowhere and the
// reply is finished exactly once (the fake host checks), also when the last copy goes.
TEST(AsyncFakeHost, FinishAnswersNowWhileACopyIsHeld) {
  static std::vector<AsyncRequest> held;
  FakeHost host;
  host.load([](Registrar& r) {
    r.async_command("Early", Privilege::Monitor, {}, [](AsyncRequest call) {
      call.reply().add("Now", "1");
      call.finish();
      EXPECT_TRUE(call.finished());
      call.reply().add("Later", "1");
      EXPECT_THROW(call.ami(AmiAction("Ping"), [](AsyncRequest, AmiResult) {}), std::logic_error);
      held.push_back(call);
    });
  });
  const auto reply = host.run("Early");
  EXPECT_EQ(reply.get("Now"), "1");
  EXPECT_EQ(reply.get("Later"), "");
  held.clear();  // the last copy: no second finish
}

// Settings and events under the fake host, as a plugin author tests them.
TEST(AsyncFakeHost, SettingsAndEvents) {
  static std::vector<std::string> seen;
  FakeHost host;
  host.configure("Watch", "QueueCallerJoin");
  host.configure("verbose", "yes");
  host.load([](Registrar& r) {
    const auto watch = r.setting("watch", "Hangup");
    EXPECT_EQ(watch, "QueueCallerJoin");
    EXPECT_EQ(r.setting_int("limit", 7), 7);
    EXPECT_TRUE(r.setting_bool("verbose", false));
    r.on_event(watch, [](const ampd::sdk::Event& e) {
      seen.push_back(std::string(e.server) + ":" + e.name() + ":" + e.fields.get("Queue"));
    });
  });
  EXPECT_EQ(host.setting("LIMIT"), "7");
  host.emit("pbx", {{"Event", "Hangup"}});
  host.emit("pbx", {{"Event", "queuecallerjoin"}, {"Queue", "support"}});
  EXPECT_EQ(seen, std::vector<std::string>{"pbx:queuecallerjoin:support"});

  FakeHost typo;
  typo.configure("wacth", "x");
  EXPECT_THROW(typo.load([](Registrar& r) { r.setting("watch", ""); }), std::runtime_error);
}

// State kept across a reload: keep_state from unload, kept_state in the next load.
TEST(AsyncFakeHost, KeptState) {
  FakeHost before;
  before.load([](Registrar& r) { EXPECT_EQ(r.kept_state(), std::nullopt); });
  EXPECT_TRUE(ampd::sdk::keep_state("counts: 3"));
  ASSERT_TRUE(before.kept_state());
  FakeHost after;
  after.set_kept_state(*before.kept_state());
  static std::string seen;
  after.load([](Registrar& r) { seen = r.kept_state().value_or("none"); });
  EXPECT_EQ(seen, "counts: 3");
}

}  // namespace
