// The reactor pieces the I/O threads rely on: a loop with nothing to watch keeps running until
// stopped, an I/O shard stops even before its loop has begun, and a paused connection reads
// nothing until resumed (event intake backpressure).
#include "net/reactor.hpp"

#include <arpa/inet.h>
#include <event2/event.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "clients/io_shard.hpp"
#include "net/connection.hpp"
#include "net/listener.hpp"
#include "net/output_queue.hpp"

namespace ampd {
namespace {

using namespace std::chrono_literals;

TEST(Reactor, RunKeepsGoingWithNothingToWatch) {
  Reactor reactor;
  std::thread loop([&reactor] { reactor.run(); });
  std::this_thread::sleep_for(50ms);
  std::atomic<bool> ran{false};
  reactor.post([&ran] { ran = true; });
  for (int i = 0; i < 200 && !ran; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(ran) << "the loop had returned before the task was posted";
  reactor.stop();
  loop.join();
}

TEST(IoShard, StopsAtOnceAfterStart) {
  for (int i = 0; i < 20; ++i) {
    IoShard shard;
    shard.start();
    shard.stop();  // hangs (ctest timeout) if the stop is lost before the loop begins
  }
}

class Recorder : public ConnectionHandler {
 public:
  void on_data(std::string_view bytes) override { received.append(bytes); }
  void on_closed(const std::string&) override { closed = true; }
  std::string received;
  bool closed = false;
};

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Runs the loop for about `time`, or until `done` holds.
template <typename Done>
void spin(Reactor& reactor, std::chrono::milliseconds time, Done done) {
  const auto until = std::chrono::steady_clock::now() + time;
  while (!done() && std::chrono::steady_clock::now() < until) {
    event_base_loop(reactor.base(), EVLOOP_NONBLOCK);
    std::this_thread::sleep_for(1ms);
  }
}

TEST(Connection, PausedReadsNothingUntilResumed) {
  Reactor reactor;
  Recorder recorder;
  std::unique_ptr<Connection> accepted;
  Listener listener(reactor, "127.0.0.1:0", [&](int fd, std::string peer) {
    accepted = Connection::accept(reactor, fd, std::move(peer));
    accepted->set_handler(&recorder);
  });
  const int client = connect_to(listener.port());
  ASSERT_GE(client, 0);
  spin(reactor, 2000ms, [&] { return accepted != nullptr; });
  ASSERT_NE(accepted, nullptr);

  accepted->pause_reading(true);
  ASSERT_EQ(::send(client, "held", 4, 0), 4);
  spin(reactor, 100ms, [] { return false; });
  EXPECT_EQ(recorder.received, "");

  accepted->pause_reading(false);
  spin(reactor, 2000ms, [&] { return recorder.received.size() >= 4; });
  EXPECT_EQ(recorder.received, "held");
  EXPECT_FALSE(recorder.closed);
  ::close(client);
  accepted->close();
}

}  // namespace
}  // namespace ampd

namespace ampd {
namespace {

// Reads everything available on `fd` within ~1 s or until `want` bytes have come.
std::string read_all(int fd, std::size_t want) {
  std::string got;
  char buffer[65536];
  for (int i = 0; i < 1000 && got.size() < want; ++i) {
    const auto n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      got.append(buffer, static_cast<std::size_t>(n));
    } else {
      std::this_thread::sleep_for(1ms);
    }
  }
  return got;
}

TEST(OutputQueue, SendsCopiedAndSharedBytesInOrderAcrossPartialWrites) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  int small = 4096;
  ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  OutputQueue queue;
  std::string expected;
  const SharedBytes event(std::string(3000, 'e'));
  for (int i = 0; i < 200; ++i) {
    const auto answer = "answer " + std::to_string(i) + "\n";
    queue.append(answer);
    queue.append_shared(event);
    expected += answer + event.str();
  }
  EXPECT_EQ(queue.size(), expected.size());
  std::string got;
  for (int round = 0; round < 10000 && !queue.empty(); ++round) {
    const auto sent = queue.send_to(fds[0], 64 * 1024);
    ASSERT_NE(sent, OutputQueue::Sent::Error) << std::strerror(errno);
    got += read_all(fds[1], 1);
  }
  got += read_all(fds[1], expected.size() - got.size());
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "bytes out of order or lost";
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(OutputQueue, ABudgetStopsASendEarlyAndABrokenSocketIsAnError) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  int large = 1 << 20;
  ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &large, sizeof large);
  OutputQueue queue;
  const SharedBytes event(std::string(1000, 'e'));
  for (int i = 0; i < 100; ++i) queue.append_shared(event);
  // One sendmsg takes 64 chunks; the budget is spent by then.
  EXPECT_EQ(queue.send_to(fds[0], 1), OutputQueue::Sent::Full);
  EXPECT_EQ(queue.size(), 36000u);
  ::close(fds[1]);
  queue.append("more");
  EXPECT_EQ(queue.send_to(fds[0], SIZE_MAX), OutputQueue::Sent::Error);
  ::close(fds[0]);
}

}  // namespace
}  // namespace ampd
