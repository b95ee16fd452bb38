// Faults and floods on purpose, through the real binaries and sockets, each bounded in time:
// Asterisk killed and frozen under load, ampd killed in the middle of writes, thousands of
// silent connections, clients that never read beside clients that do. Each test prints its
// figures (README's Testing section quotes a run).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "auth/users.hpp"
#include "chaos_support.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

// How long a fresh client takes to connect, log in and get its Ping answered by ampd.
std::chrono::milliseconds fresh_client_round_trip(int port) {
  const auto started = Clock::now();
  auto c = admin_client(port, 10s);
  if (!c) return 10s;
  c->send("Action: Ping\r\nActionID: fresh\r\n\r\n");
  const auto pong = c->read_native();
  EXPECT_NE(pong.find("Pong"), std::string::npos) << pong;
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
}

void expect_clean_run(const ClosedLoop& loop) {
  for (const auto& c : loop.clients()) {
    EXPECT_EQ(c.unanswered, 0) << c.first_problem;
    EXPECT_EQ(c.foreign, 0) << c.first_problem;
    EXPECT_EQ(c.late, 0) << c.first_problem;
  }
}

// 200 clients in a closed loop of actions; Asterisk is killed with SIGKILL and started again
// a second later. Every action is answered (an error while Asterisk is away) within
// action_timeout, nobody gets another's answer, and service is back within 5 s of the restart.
TEST(Chaos, AsteriskKilledAndRestartedUnder200Clients) {
  constexpr auto kActionTimeout = 3000ms;
  auto sim = std::make_unique<SimInstance>();
  const int sim_port = sim->port();
  AmpdInstance ampd({.server = "max_in_flight = 4\n",
                     .sections = sim->section("pbx", "action_timeout = 3000\n"),
                     .log_to_file = true,
                     .level = "information"});
  ClosedLoop loop(ampd.port(), 200, kActionTimeout + 500ms);
  ASSERT_TRUE(loop.wait_until_all_succeeded(20s)) << "not every client got going";
  std::this_thread::sleep_for(1s);
  sim->process().signal(SIGKILL);
  sim->process().wait();
  std::this_thread::sleep_for(1s);
  sim = std::make_unique<SimInstance>(std::vector<std::string>{}, sim_port);
  loop.mark();
  const bool back = loop.wait_until_all_succeed_after_mark(15s);
  std::this_thread::sleep_for(1s);
  loop.stop();
  const auto took = report(loop, "Asterisk SIGKILL and restart");
  EXPECT_TRUE(back) << "some client never got service back";
  EXPECT_LT(took, 5s) << "service back within 5 s of Asterisk";
  expect_clean_run(loop);
}

// 50 clients in a closed loop; Asterisk is frozen (SIGSTOP) for 8 s, then resumed. Each action
// is answered within action_timeout (those sent while Asterisk is frozen fail), nothing is
// foreign, and service is back within reconnect_max (5 s) and a little of the resume.
TEST(Chaos, AsteriskFrozenAndResumedUnder50Clients) {
  constexpr auto kActionTimeout = 2000ms;
  SimInstance sim;
  AmpdInstance ampd({.sections = sim.section("pbx", "action_timeout = 2000\n"),
                     .log_to_file = true,
                     .level = "information"});
  ClosedLoop loop(ampd.port(), 50, kActionTimeout + 500ms);
  ASSERT_TRUE(loop.wait_until_all_succeeded(20s));
  sim.process().signal(SIGSTOP);
  std::this_thread::sleep_for(8s);
  sim.process().signal(SIGCONT);
  loop.mark();
  const bool back = loop.wait_until_all_succeed_after_mark(15s);
  std::this_thread::sleep_for(1s);
  loop.stop();
  const auto took = report(loop, "Asterisk SIGSTOP 8 s and SIGCONT");
  EXPECT_TRUE(back) << "some client never got service back";
  EXPECT_LT(took, 7s) << "service back within reconnect_max of the resume";
  EXPECT_TRUE(ampd.wait_for_log("connection lost", 1s)) << "the frozen link was never dropped";
  expect_clean_run(loop);
}

std::vector<std::string> leftovers(const TempDir& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const auto name = entry.path().filename().string();
    if (name.rfind(".users.ini.", 0) == 0) found.push_back(name);
  }
  return found;
}

// ampd killed with SIGKILL while an administrator streams ProfileUpdates, ten times over the
// same directory: after each restart every acknowledged profile is there and logs in, the file
// is valid, and no leftover of an interrupted write remains.
TEST(Chaos, AmpdKilledDuringProfileUpdatesTenTimes) {
  auto dir = std::make_shared<TempDir>();
  std::vector<std::string> acknowledged;
  int leftovers_removed = 0;
  for (int round = 0; round < 10; ++round) {
    AmpdInstance ampd({.dir = dir});
    EXPECT_EQ(leftovers(*dir), std::vector<std::string>{}) << "round " << round;
    if (ampd.log().find("interrupted") != std::string::npos) ++leftovers_removed;
    if (!acknowledged.empty()) {
      // The last profile acknowledged before the kill logs in.
      Client c(ampd.port());
      c.read_line();
      c.send("Action: Login\r\nUsername: " + acknowledged.back() + "\r\nSecret: pw\r\n\r\n");
      EXPECT_NE(c.read_native().find("Authentication accepted"), std::string::npos);
    }
    auto admin = admin_client(ampd.port(), 10s);
    ASSERT_TRUE(admin);
    // Updates pipelined, a few ahead of their answers, so that the kill lands mid-write.
    constexpr int kAhead = 4;
    const int total = 20 + round * 7;
    const auto name = [&](int i) { return "r" + std::to_string(round) + "u" + std::to_string(i); };
    const auto update = [&](int i) {
      admin->send("Action: ProfileUpdate\r\nUsername: " + name(i) + "\r\nActionID: " + name(i) +
                  "\r\nSecret: pw\r\nTypes: monitor\r\n\r\n");
    };
    for (int i = 0; i < kAhead; ++i) update(i);
    for (int i = 0; i < total; ++i) {
      // Updates run on worker threads and may be answered out of order: the ActionID says
      // which one was acknowledged.
      const auto answer = admin->read_native();
      ASSERT_NE(answer.find("Response: Success"), std::string::npos) << answer;
      const auto id = answer.find("ActionID: ");
      ASSERT_NE(id, std::string::npos) << answer;
      acknowledged.push_back(answer.substr(id + 10, answer.find('\r', id) - id - 10));
      update(i + kAhead);
    }
    ampd.process().signal(SIGKILL);
    ampd.process().wait();
    std::vector<std::string> problems;
    const auto users = UserStore::load(dir->file("users.ini"), problems);
    ASSERT_TRUE(users) << "round " << round;
    EXPECT_TRUE(problems.empty()) << problems.front();
    for (const auto& user : acknowledged) {
      EXPECT_TRUE(users->find(user)) << user << " acknowledged, then lost (round " << round << ")";
    }
  }
  AmpdInstance last({.dir = dir});
  EXPECT_EQ(leftovers(*dir), std::vector<std::string>{});
  std::printf("10 kills: %zu profiles acknowledged, all kept; %d restarts removed a leftover\n",
              acknowledged.size(), leftovers_removed);
}

// Raises this process's open-file limit (ampd, started later, inherits it); false if the hard
// limit is too low.
bool allow_open_files(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

int connect_silent(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// 10,000 connections that never say anything: ampd keeps serving a fresh client quickly while
// they pile up and while they are held, and closes every one of them at login_timeout.
TEST(Chaos, TenThousandSilentConnections) {
  constexpr int kSilent = 10000;
  if (!allow_open_files(kSilent + 1000)) {
    GTEST_SKIP() << "SKIP: the open-file hard limit is below " << kSilent + 1000;
  }
  AmpdInstance ampd(
      {.server = "login_timeout = 8000\n", .log_to_file = true, .level = "information"});
  const long baseline = ampd.status_kib();
  std::vector<int> silent;
  std::vector<std::chrono::milliseconds> fresh;
  const auto opening = Clock::now();
  for (int i = 0; i < kSilent; ++i) {
    const int fd = connect_silent(ampd.port());
    ASSERT_GE(fd, 0) << "connection " << i << " refused";
    silent.push_back(fd);
    if (i % 1000 == 999) fresh.push_back(fresh_client_round_trip(ampd.port()));
  }
  const auto opened = Clock::now();
  for (int i = 0; i < 5; ++i) fresh.push_back(fresh_client_round_trip(ampd.port()));
  const long held = ampd.status_kib();
  // Each silent connection is closed by ampd at login_timeout: its read sees the end.
  int closed = 0;
  const auto deadline = opened + 8s + 10s;
  for (const int fd : silent) {
    timeval wait{};
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    wait.tv_sec = std::max<long>(0, static_cast<long>(left.count() / 1000000));
    wait.tv_usec = std::max<long>(0, static_cast<long>(left.count() % 1000000));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char buffer[512];
    ssize_t n;
    while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) {
    }
    if (n == 0) ++closed;
    close(fd);
  }
  auto sorted = fresh;
  std::sort(sorted.begin(), sorted.end());
  std::printf(
      "%d silent connections opened in %lld ms; ampd VmRSS %ld KiB before, %ld KiB holding "
      "them (%ld bytes each); a fresh client's login + Ping: median %lld ms, slowest %lld ms; "
      "%d closed by ampd at login_timeout\n",
      kSilent,
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(opened - opening).count()),
      baseline, held, (held - baseline) * 1024 / kSilent,
      static_cast<long long>(sorted[sorted.size() / 2].count()),
      static_cast<long long>(sorted.back().count()), closed);
  EXPECT_EQ(closed, kSilent);
  EXPECT_LT(sorted.back(), 1000ms) << "a fresh client waited behind the silent ones";
  EXPECT_LT(held - baseline, 200 * 1024) << "KiB for 10,000 idle connections";
  EXPECT_LT(fresh_client_round_trip(ampd.port()), 1000ms);
}

// Asterisk sends events as fast as ampd takes them; 5 clients never read, 20 read as fast as
// they can. The readers get every event in order, the non-readers cost at most their cap and
// are told what they lost, and a fresh client is served throughout.
TEST(Chaos, SlowConsumersUnderMaximumEventRate) {
  constexpr long kCap = 1024 * 1024;
  SimInstance sim({"--events-per-second", "max"});
  AmpdInstance ampd({.server = "client_output_cap = " + std::to_string(kCap) + "\n",
                     .sections = sim.section(),
                     .log_to_file = true,
                     .level = "information"});
  const auto login_monitor = [&] {
    auto c = std::make_unique<Client>(ampd.port(), 10s);
    c->read_line();
    c->send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
    EXPECT_NE(c->read_native().find("Authentication accepted"), std::string::npos);
    return c;
  };
  const long baseline = ampd.status_kib();
  std::vector<std::unique_ptr<Client>> stalled;
  for (int i = 0; i < 5; ++i) stalled.push_back(login_monitor());
  std::vector<std::unique_ptr<Client>> readers;
  for (int i = 0; i < 20; ++i) readers.push_back(login_monitor());
  std::vector<long> seen(readers.size(), 0), gaps(readers.size(), 0);
  std::vector<std::thread> threads;
  const auto until = Clock::now() + 5s;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    threads.emplace_back([&, i] {
      long last = -1;
      long announced = 0;  // a reader the machine starved may lose events, but never silently
      while (Clock::now() < until) {
        const auto m = readers[i]->read_native();
        if (m.empty()) return;
        if (const auto d = m.find("Event: EventsDropped"); d != std::string::npos) {
          announced = std::stol(m.substr(m.find("Count: ") + 7));
          continue;
        }
        const auto pos = m.find("SequenceNumber: ");
        if (pos == std::string::npos) continue;
        const long seq = std::stol(m.substr(pos + 16));
        if (last >= 0 && seq != last + 1 + announced) ++gaps[i];
        announced = 0;
        last = seq;
        ++seen[i];
      }
    });
  }
  std::vector<std::chrono::milliseconds> fresh;
  while (Clock::now() < until) {
    fresh.push_back(fresh_client_round_trip(ampd.port()));
    std::this_thread::sleep_for(500ms);
  }
  const long rss = ampd.status_kib();
  for (auto& t : threads) t.join();
  std::sort(fresh.begin(), fresh.end());
  const long total = std::accumulate(seen.begin(), seen.end(), 0L);
  std::printf(
      "max event rate, 5 stalled + 20 reading clients for 5 s: %ld events read in all (%ld "
      "per reader on average), ampd VmRSS %ld KiB (%ld before), fresh client's login + Ping "
      "slowest %lld ms\n",
      total, total / static_cast<long>(readers.size()), rss, baseline,
      static_cast<long long>(fresh.back().count()));
  for (std::size_t i = 0; i < readers.size(); ++i) {
    EXPECT_GT(seen[i], 1000) << "reader " << i;
    EXPECT_EQ(gaps[i], 0) << "reader " << i;
  }
  EXPECT_LT(fresh.back(), 1000ms);
  // Five stalled clients hold at most their caps (plus what the allocator keeps).
  EXPECT_LT(rss - baseline, 8 * 1024 + 5 * 2 * kCap / 1024) << "KiB";
  // Once a stalled client reads, it is told how many events it lost.
  for (auto& c : stalled) {
    bool told = false;
    for (int i = 0; i < 100000 && !told; ++i) {
      const auto m = c->read_native();
      if (m.empty()) break;
      told = m.find("Event: EventsDropped") != std::string::npos;
    }
    EXPECT_TRUE(told);
  }
}

}  // namespace
}  // namespace ampd::test
