// Backpressure through the real binary: a client that sends without reading costs ampd at most
// its output cap, logged in or not, and still gets every answer, in order, once it reads.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {
namespace {

using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizers run ampd ten times slower and keep freed memory in quarantine: fewer Pings, and
// the memory bound cannot be measured.
constexpr bool kSanitized = true;
constexpr long kPings = 200'000;
#else
constexpr bool kSanitized = false;
constexpr long kPings = 4'000'000;
#endif
// A cap of its own, so that "costs at most its cap" is measured against a bound of a few MiB
// (at the default 4 MiB cap ampd grew by 8.1 MiB: the queue plus what the allocator keeps).
constexpr long kOutputCap = 1024 * 1024;
constexpr long kMaxGrowthKiB = 4 * 1024;

std::string ping(long id) { return "Action: Ping\r\nActionID: " + std::to_string(id) + "\r\n\r\n"; }

// Sends kPings pipelined Pings from its own thread, as fast as the socket takes them.
class PingFlood {
 public:
  explicit PingFlood(int fd) : thread_([this, fd] { run(fd); }) {}
  ~PingFlood() { thread_.join(); }
  std::size_t sent() const { return sent_.load(); }
  bool done() const { return done_.load(); }

 private:
  void run(int fd) {
    std::string chunk;
    for (long id = 1; id <= kPings; ++id) {
      chunk += ping(id);
      if (chunk.size() < 64 * 1024 && id < kPings) continue;
      std::size_t off = 0;
      while (off < chunk.size()) {
        const auto n = ::send(fd, chunk.data() + off, chunk.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return done_.store(true);
        off += static_cast<std::size_t>(n);
        sent_.fetch_add(static_cast<std::size_t>(n));
      }
      chunk.clear();
    }
    done_.store(true);
  }
  std::atomic<std::size_t> sent_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Waits until the flood has made no progress for a second (ampd stopped reading), or is done.
void wait_for_stall(const PingFlood& flood) {
  auto last = flood.sent();
  auto still_since = std::chrono::steady_clock::now();
  const auto deadline = still_since + 120s;
  while (!flood.done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    const auto now = flood.sent();
    if (now != last) {
      last = now;
      still_since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - still_since > 1s) {
      return;
    }
  }
}

// Reads answers until the Pong of the last Ping; returns how many came in order, stopping at
// the first out of place.
long read_pongs_in_order(int fd, std::string& first_wrong) {
  std::string pending;
  char buffer[1 << 16];
  long expected = 1;
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (expected <= kPings && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) break;
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto end = pending.find("\r\n\r\n"); end != std::string::npos;
         end = pending.find("\r\n\r\n", start)) {
      const std::string_view message(pending.data() + start, end - start);
      const auto id = message.find("ActionID: ");
      const bool pong = message.find("Pong") != std::string_view::npos;
      if (!pong || id == std::string_view::npos ||
          std::atol(std::string(message.substr(id + 10)).c_str()) != expected) {
        first_wrong = std::string(message);
        return expected - 1;
      }
      ++expected;
      start = end + 4;
    }
    pending.erase(0, start);
  }
  return expected - 1;
}

void flood_without_reading(bool log_in) {
  AmpdInstance ampd({.server = "login_timeout = 600000\nclient_output_cap = " +
                               std::to_string(kOutputCap) + "\n"});
  const auto pid = ampd.process().pid();
  Client client(ampd.port(), 10s);
  ASSERT_EQ(client.read_line(), "Asterisk Call Manager/1.1\r\n");
  if (log_in) {
    client.send("Action: Login\r\nUsername: mon\r\nSecret: secret\r\n\r\n");
    ASSERT_NE(client.read_native().find("Success"), std::string::npos);
  }
  // A few answers first, so that ampd's buffers for answers exist before the baseline.
  for (int i = 0; i < 100; ++i) client.send(ping(0));
  for (int i = 0; i < 100; ++i) ASSERT_NE(client.read_native().find("Pong"), std::string::npos);
  const auto baseline = process_status_kib(pid, "VmRSS");
  const bool peak_known = reset_peak(pid);

  const int fd = client.native_handle();
  long in_order = 0;
  std::string first_wrong;
  {
    PingFlood flood(fd);
    wait_for_stall(flood);
    EXPECT_FALSE(flood.done()) << "ampd read all " << kPings << " Pings without their answers "
                               << "being read: nothing held its input back";
    const auto stalled = process_status_kib(pid, "VmRSS");
    std::printf(
        "ampd VmRSS %ld KiB before, %ld KiB with the client's input held (%zu bytes "
        "sent)\n",
        baseline, stalled, flood.sent());
    if (!kSanitized) {
      EXPECT_LT(stalled - baseline, kMaxGrowthKiB);
    }
    in_order = read_pongs_in_order(fd, first_wrong);
  }
  EXPECT_EQ(in_order, kPings) << "first answer out of place: " << first_wrong;
  const auto peak = process_status_kib(pid, "VmHWM");
  std::printf("ampd peak VmRSS over the run %ld KiB (%s)\n", peak,
              peak_known ? "since the baseline" : "since start: clear_refs refused");
  if (!kSanitized && peak_known) {
    EXPECT_LT(peak - baseline, kMaxGrowthKiB);
  }
  if (kSanitized) std::printf("memory bounds not checked: sanitizer build\n");
}

TEST(Backpressure, ClientThatNeverLogsInCostsAtMostItsSmallCap) { flood_without_reading(false); }

TEST(Backpressure, LoggedInClientThatDoesNotReadCostsAtMostItsCap) { flood_without_reading(true); }

}  // namespace
}  // namespace ampd::test
