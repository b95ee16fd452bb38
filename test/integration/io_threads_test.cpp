// Clients spread over several I/O threads (io_threads = 3), through the real ampd and simulator:
// every client on every thread gets every event in order and its own answers, the server-wide
// figures count clients on every thread, and shutdown reaches them all. (The other integration
// suites run once more with io_threads = 2, see AMPD_TEST_IO_THREADS.)
#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

constexpr int kThreads = 3;
constexpr int kClients = 2 * kThreads;  // sessions are dealt round-robin: two on every thread

std::string io_threads_setting() { return "io_threads = " + std::to_string(kThreads) + "\n"; }

std::unique_ptr<Client> login(const AmpdInstance& ampd, const std::string& user, bool events) {
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\n" +
          (user == "admin" ? "Type: administrator\r\n" : "") +
          "Events: " + (events ? "on" : "off") + "\r\n\r\n");
  const auto answer = c->read_native();
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

std::string header(const std::string& message, const std::string& name) {
  const auto at = message.find(name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 2;
  return message.substr(start, message.find("\r\n", start) - start);
}

TEST(IoThreads, EveryClientOnEveryThreadGetsEveryEventInOrder) {
  SimInstance sim({"--events-per-second", "3000"});
  AmpdInstance ampd({.server = io_threads_setting(), .sections = sim.section()});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(login(ampd, "mon", true));
  std::vector<int> seen(kClients, 0), gaps(kClients, 0);
  std::vector<std::thread> readers;
  for (int i = 0; i < kClients; ++i) {
    readers.emplace_back([&, i] {
      long last = -1;
      const auto until = std::chrono::steady_clock::now() + 1500ms;
      while (std::chrono::steady_clock::now() < until) {
        const auto seq = header(clients[i]->read_native(), "SequenceNumber");
        if (seq.empty()) continue;
        const long n = std::stol(seq);
        if (last >= 0 && n != last + 1) ++gaps[i];
        last = n;
        ++seen[i];
      }
    });
  }
  for (auto& r : readers) r.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_GT(seen[i], 1000) << "client " << i;
    EXPECT_EQ(gaps[i], 0) << "client " << i;
  }
}

TEST(IoThreads, CommandsFromEveryThreadGetTheirOwnAnswers) {
  SimInstance sim;
  AmpdInstance ampd({.server = io_threads_setting(), .sections = sim.section()});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(login(ampd, "admin", false));
  constexpr int kEach = 20;
  for (int i = 0; i < kClients; ++i) {
    std::string batch;
    for (int n = 0; n < kEach; ++n) {
      batch += "Action: Command\r\nCommand: core show version\r\nActionID: c" + std::to_string(i) +
               "-" + std::to_string(n) + "\r\n\r\n";
    }
    clients[i]->send(batch);
  }
  for (int i = 0; i < kClients; ++i) {
    std::set<std::string> answered;
    for (int n = 0; n < kEach; ++n) {
      const auto answer = clients[i]->read_native();
      EXPECT_NE(answer.find("Response: Success"), std::string::npos) << answer;
      answered.insert(header(answer, "ActionID"));
    }
    for (int n = 0; n < kEach; ++n) {
      EXPECT_TRUE(answered.contains("c" + std::to_string(i) + "-" + std::to_string(n)))
          << "client " << i << " answer " << n;
    }
  }
}

// The server record of StatisticInfo, after reading the whole list.
std::string server_figures(Client& c) {
  c.send("Action: StatisticInfo\r\nType: Server\r\n\r\n");
  std::string record;
  for (int i = 0; i < 20; ++i) {
    const auto m = c.read_native();
    if (m.empty() || m.find("EventList: Complete") != std::string::npos) break;
    if (m.find("ClientsConnected") != std::string::npos) record = m;
  }
  return record;
}

TEST(IoThreads, StatisticsCountClientsAndActionsOnEveryThread) {
  AmpdInstance ampd({.server = io_threads_setting()});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(login(ampd, "admin", false));
  const auto first = server_figures(*clients.back());
  EXPECT_EQ(header(first, "ClientsConnected"), std::to_string(kClients)) << first;
  // One more action from every thread.
  for (auto& c : clients) EXPECT_NE(server_figures(*c), "");
  const auto after = server_figures(*clients.front());
  EXPECT_EQ(std::stoul(header(after, "ActionsRun")),
            std::stoul(header(first, "ActionsRun")) + kClients + 1)
      << after;
  // A client that leaves is no longer counted, once its thread has closed it.
  clients.pop_back();
  std::string figures;
  for (int i = 0; i < 50; ++i) {
    figures = server_figures(*clients.front());
    if (header(figures, "ClientsConnected") == std::to_string(kClients - 1)) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(header(figures, "ClientsConnected"), std::to_string(kClients - 1)) << figures;
}

TEST(IoThreads, MaxClientsCountsEveryThread) {
  AmpdInstance ampd({.server = io_threads_setting() + "max_clients = 4\n"});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(login(ampd, "mon", false));
  auto refused = ampd.connect();
  refused->read_line();
  EXPECT_NE(refused->read_native().find("Too many clients (limit 4)"), std::string::npos);
  EXPECT_TRUE(refused->closed_by_peer());
}

TEST(IoThreads, ShutdownSaysGoodbyeOnEveryThread) {
  AmpdInstance ampd({.server = io_threads_setting()});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(login(ampd, "mon", false));
  ampd.process().signal(SIGTERM);
  for (int i = 0; i < kClients; ++i) {
    EXPECT_NE(clients[i]->read_native().find("Event: Shutdown"), std::string::npos)
        << "client " << i;
    EXPECT_TRUE(clients[i]->closed_by_peer()) << "client " << i;
  }
  EXPECT_EQ(ampd.process().wait(), 0) << ampd.process().output();
}

TEST(IoThreads, AReloadReachesEveryThread) {
  AmpdInstance ampd({.server = io_threads_setting()});
  ampd.dir().write("users.ini",
                   standard_users() + "[late]\nsecret = " + secret_hash() + "\ntypes = monitor\n");
  ampd.process().signal(SIGHUP);
  ASSERT_NE(ampd.process().wait_for_line("reloaded:"), "");
  for (int i = 0; i < kClients; ++i) login(ampd, "late", false);
}

}  // namespace
}  // namespace ampd::test
