#include "commands/command_dispatcher.hpp"

#include <gtest/gtest.h>

#include <ampd/sdk.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "commands/plugin_host.hpp"

namespace ampd {
namespace {

using namespace std::chrono_literals;

class FakeGateway : public AsteriskGateway {
 public:
  AmiResult call(const CallContext& context, const std::string& server, const Message& action,
                 std::chrono::milliseconds) override {
    std::lock_guard lock(mutex);
    contexts.push_back(context);
    servers.push_back(server);
    actions.push_back(action);
    AmiResult r;
    r.response = {{"Response", "Success"}, {"Ping", "Pong"}};
    return r;
  }
  // Answers come when the test calls answer_async(), like the link's on a later loop pass.
  void call_async(const CallContext& context, const std::string& server, Message action,
                  std::chrono::milliseconds timeout, std::function<void(AmiResult)> done) override {
    auto result = call(context, server, action, timeout);
    waiting.push_back([done = std::move(done), result = std::move(result)] { done(result); });
  }
  void answer_async() {
    auto now = std::move(waiting);
    waiting.clear();
    for (auto& answer : now) answer();
  }
  AsteriskInfo info(const std::string& server) const override {
    return {server.empty() ? "pbx" : server, true, "9.0.0", "20.20.1", 20};
  }
  std::vector<std::function<void()>> waiting;
  std::mutex mutex;
  std::vector<CallContext> contexts;
  std::vector<std::string> servers;
  std::vector<Message> actions;
};

// Stands in for the reactor: posted tasks run only when the test thread drains them.
class FakeReactor {
 public:
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_all();
  }
  // Runs posted tasks until `count` replies arrived (or a timeout).
  void run_until(const std::size_t& replies, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (replies < count && std::chrono::steady_clock::now() < deadline) {
      std::vector<std::function<void()>> now;
      {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, 50ms, [this] { return !tasks_.empty(); });
        now.swap(tasks_);
      }
      for (auto& t : now) t();
    }
  }
  // Runs what is posted now (and what that posts), without waiting for more.
  void run_pending() {
    while (true) {
      std::vector<std::function<void()>> now;
      {
        std::lock_guard lock(mutex_);
        now.swap(tasks_);
      }
      if (now.empty()) return;
      for (auto& t : now) t();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::function<void()>> tasks_;
};

Identity identity(std::string user, ClientType type) {
  Identity who;
  who.user = std::move(user);
  who.type = type;
  return who;
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plugin_.name = "test";
    plugin_.registry = &registry_;
    plugin_.loading = true;
    sdk::Registrar r(plugin_host_table(), to_handle(plugin_));
    r.command("Echo", sdk::Privilege::Monitor, {sdk::required("Text"), sdk::optional("More")},
              [this](const sdk::Request& req, sdk::Reply& reply) {
                ++handled_;
                reply.add("Text", req.get("Text"));
                reply.add("User", req.user());
                reply.add("Server", req.server()->name);
                reply.add("Ping", req.call(sdk::AmiAction("Ping")).response().get("Ping"));
              });
    r.command("Secret", sdk::Privilege::Administrator, {},
              [this](const sdk::Request&, sdk::Reply&) { ++handled_; });
    r.command("Throws", sdk::Privilege::Agent, {}, [](const sdk::Request&, sdk::Reply& reply) {
      reply.add("Half", "built");
      throw std::runtime_error("boom");
    });
    r.async_command("AsyncEcho", sdk::Privilege::Agent, {sdk::required("Text")},
                    [this](sdk::AsyncRequest call) {
                      ++handled_;
                      call.ami(sdk::AmiAction("Ping"),
                               [](sdk::AsyncRequest call, sdk::AmiResult result) {
                                 call.reply().add("Text", call.request().get("Text"));
                                 call.reply().add("Ping", result.response().get("Ping"));
                               });
                    });
    r.async_command("AsyncNow", sdk::Privilege::Monitor, {}, [this](sdk::AsyncRequest call) {
      ++handled_;
      call.reply().message("at once");
    });
    plugin_.loading = false;
  }
  void TearDown() override {
    for (auto& c : registry_.remove_plugin("test")) c.free_user_data(c.user_data);
  }

  Reply run(const Identity& who, const Message& request, WorkerPool& workers) {
    CommandDispatcher dispatcher(registry_, workers, gateway_,
                                 [this](std::function<void()> t) { reactor_.post(std::move(t)); });
    std::size_t replies = 0;
    Reply got;
    dispatcher.dispatch(who, 42, request, [&](Reply r) {
      got = std::move(r);
      ++replies;
    });
    EXPECT_EQ(replies, 0u) << "done must come through the reactor";
    reactor_.run_until(replies, 1);
    EXPECT_EQ(replies, 1u);
    return got;
  }

  CommandDispatcher dispatcher() {
    return CommandDispatcher(registry_, workers_, gateway_,
                             [this](std::function<void()> t) { reactor_.post(std::move(t)); });
  }

  CommandRegistry registry_;
  PluginState plugin_;
  FakeGateway gateway_;
  FakeReactor reactor_;
  WorkerPool workers_{2, 16};
  std::atomic<int> handled_{0};
  Identity monitor_ = identity("mon", ClientType::Monitor);
  Identity admin_ = identity("root", ClientType::Administrator);
};

TEST_F(DispatcherTest, RunsTheHandlerOnAWorkerAndAnswersThroughTheReactor) {
  const Message request{{"Action", "echo"}, {"ActionID", "a1"}, {"Text", "hi"}, {"Server", "b"}};
  const Reply reply = run(monitor_, request, workers_);
  EXPECT_TRUE(reply.success) << reply.message;
  EXPECT_EQ(reply.action, "Echo");
  EXPECT_EQ(reply.fields.get("Text"), "hi");
  EXPECT_EQ(reply.fields.get("User"), "mon");
  EXPECT_EQ(reply.fields.get("Server"), "b");
  EXPECT_EQ(reply.fields.get("Ping"), "Pong");
  ASSERT_EQ(gateway_.actions.size(), 1u);
  EXPECT_EQ(gateway_.actions[0].get("Action"), "Ping");
  EXPECT_EQ(gateway_.servers[0], "b");
  EXPECT_EQ(gateway_.contexts[0].session_id, 42u);
  EXPECT_EQ(gateway_.contexts[0].client_action_id, "a1");
}

TEST_F(DispatcherTest, MissingRequiredArgumentIsAnsweredByTheCore) {
  const Reply reply = run(monitor_, {{"Action", "Echo"}, {"More", "x"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Echo requires the argument Text");
  EXPECT_EQ(handled_, 0);
}

TEST_F(DispatcherTest, PrivilegeIsCheckedAndNamed) {
  Reply reply = run(monitor_, {{"Action", "Secret"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Permission denied: Secret requires administrator privilege");
  reply = run(monitor_, {{"Action", "Throws"}}, workers_);
  EXPECT_EQ(reply.message, "Permission denied: Throws requires agent privilege");
  EXPECT_EQ(handled_, 0);
  reply = run(admin_, {{"Action", "SECRET"}}, workers_);
  EXPECT_TRUE(reply.success);
  EXPECT_EQ(handled_, 1);
}

TEST_F(DispatcherTest, AThrowingHandlerGivesAnErrorReply) {
  const Reply reply = run(admin_, {{"Action", "Throws"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "boom");
}

TEST_F(DispatcherTest, AThrowingCHandlerIsCaughtByTheCore) {
  Command c;
  c.name = "RawThrow";
  c.plugin = "raw";
  c.handler = [](void*, const ampd_request*, ampd_reply*) { throw std::runtime_error("raw"); };
  std::string error;
  ASSERT_TRUE(registry_.add(c, error));
  const Reply reply = run(admin_, {{"Action", "RawThrow"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "RawThrow failed: raw");
  registry_.remove_plugin("raw");
}

TEST_F(DispatcherTest, UnknownCommand) {
  const Reply reply = run(admin_, {{"Action", "Nope"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Unknown command 'Nope'");
}

TEST_F(DispatcherTest, AFullQueueIsAnsweredBusyAtOnce) {
  WorkerPool one(1, 1);
  std::promise<void> started;
  std::promise<void> release;
  auto released = release.get_future().share();
  ASSERT_TRUE(one.try_post([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(one.try_post([] {}));  // the queue is now full
  const Reply reply = run(admin_, {{"Action", "Secret"}}, one);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Server busy: too many commands waiting, try again later");
  release.set_value();
  one.stop();
}

// Async handlers run on the reactor (here: the test thread) and answer when Asterisk does.
TEST_F(DispatcherTest, AnAsyncReplyComesOnlyAfterAsteriskAnswers) {
  auto d = dispatcher();
  std::size_t replies = 0;
  Reply got;
  const Message request{{"Action", "asyncecho"}, {"ActionID", "a9"}, {"Text", "hi"}};
  d.dispatch(admin_, 7, request, [&](Reply r) {
    got = std::move(r);
    ++replies;
  });
  EXPECT_EQ(handled_, 1) << "the handler ran during dispatch, not on a worker";
  EXPECT_EQ(d.in_flight(), 1u);
  reactor_.run_pending();
  EXPECT_EQ(replies, 0u) << "no answer from Asterisk yet";
  ASSERT_EQ(gateway_.waiting.size(), 1u);
  EXPECT_EQ(gateway_.actions[0].get("Action"), "Ping");
  EXPECT_EQ(gateway_.contexts[0].session_id, 7u);
  EXPECT_EQ(gateway_.contexts[0].client_action_id, "a9");

  gateway_.answer_async();
  reactor_.run_pending();
  ASSERT_EQ(replies, 1u);
  EXPECT_EQ(d.in_flight(), 0u);
  EXPECT_TRUE(got.success) << got.message;
  EXPECT_EQ(got.action, "AsyncEcho");
  EXPECT_EQ(got.fields.get("Text"), "hi");
  EXPECT_EQ(got.fields.get("Ping"), "Pong");
}

// Like a session, `done` holds only a weak reference; the command still counts until Asterisk
// answers, because its plugin callback is still to run.
TEST_F(DispatcherTest, AnAsyncCommandCountsUntilAnsweredEvenWhenItsClientHasGone) {
  auto d = dispatcher();
  auto client = std::make_shared<std::size_t>(0);
  std::size_t calls = 0;
  d.dispatch(admin_, 1, {{"Action", "AsyncEcho"}, {"Text", "a"}},
             [&calls, weak = std::weak_ptr<std::size_t>(client)](Reply) {
               ++calls;
               if (auto c = weak.lock()) ++*c;
             });
  d.dispatch(admin_, 1, {{"Action", "AsyncEcho"}, {"Text", "b"}}, [&calls](Reply) { ++calls; });
  EXPECT_EQ(d.in_flight(), 2u);
  client.reset();  // the client disconnects
  reactor_.run_pending();
  EXPECT_EQ(d.in_flight(), 2u);
  EXPECT_EQ(calls, 0u);

  gateway_.answer_async();
  reactor_.run_pending();
  EXPECT_EQ(d.in_flight(), 0u);
  EXPECT_EQ(calls, 2u);
}

TEST_F(DispatcherTest, AnAsyncCommandFinishedAtOnceIsStillAnsweredThroughTheReactor) {
  auto d = dispatcher();
  std::size_t replies = 0;
  Reply got;
  d.dispatch(monitor_, 3, {{"Action", "AsyncNow"}}, [&](Reply r) {
    got = std::move(r);
    ++replies;
  });
  EXPECT_EQ(handled_, 1);
  EXPECT_EQ(replies, 0u) << "done must not run before dispatch returns";
  EXPECT_EQ(d.in_flight(), 1u);
  EXPECT_TRUE(gateway_.waiting.empty());
  reactor_.run_pending();
  ASSERT_EQ(replies, 1u);
  EXPECT_EQ(d.in_flight(), 0u);
  EXPECT_TRUE(got.success);
  EXPECT_EQ(got.action, "AsyncNow");
  EXPECT_EQ(got.message, "at once");
}

TEST_F(DispatcherTest, AsyncCommandsAreCheckedBeforeTheirHandlerRuns) {
  Reply reply = run(monitor_, {{"Action", "AsyncEcho"}, {"Text", "x"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "Permission denied: AsyncEcho requires agent privilege");
  reply = run(admin_, {{"Action", "AsyncEcho"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.message, "AsyncEcho requires the argument Text");
  EXPECT_EQ(handled_, 0);
  EXPECT_TRUE(gateway_.actions.empty());
  EXPECT_TRUE(gateway_.waiting.empty());
}

// Through the real host table: a worker handler has no reactor to call back on.
TEST_F(DispatcherTest, AWorkerHandlerCannotCallAsynchronously) {
  Command c;
  c.name = "SyncAsksAsync";
  c.plugin = "raw";
  c.handler = [](void*, const ampd_request* request, ampd_reply* reply) {
    const ampd_host* host = plugin_host_table();
    ampd_ami_action* action = host->action_new("Ping");
    host->ami_call_async(
        request, action, 0,
        [](void* r, ampd_ami_result* result) {
          const ampd_host* h = plugin_host_table();
          auto* answer = static_cast<ampd_reply*>(r);
          h->reply_add_field(answer, "Status", std::to_string(h->result_status(result)).c_str());
          h->reply_set_error(answer, h->result_error(result));
          h->result_free(result);
        },
        reply);
    host->action_free(action);
  };
  std::string error;
  ASSERT_TRUE(registry_.add(c, error));
  const Reply reply = run(admin_, {{"Action", "SyncAsksAsync"}}, workers_);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.fields.get("Status"), std::to_string(AMPD_AMI_DOWN));
  EXPECT_NE(reply.message.find("needs an asynchronous command"), std::string::npos)
      << reply.message;
  EXPECT_TRUE(gateway_.actions.empty());
  registry_.remove_plugin("raw");
}

}  // namespace
}  // namespace ampd
