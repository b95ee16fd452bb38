// The reactor pieces the I/O threads rely on: a loop with nothing to watch keeps running until
// stopped, an I/O shard stops even before its loop has begun, and a paused connection reads
// nothing until resumed (event intake backpressure).
#include "reactor.hpp"

#include <arpa/inet.h>
#include <event2/event.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "io_shard.hpp"

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
    accepted = std::make_unique<Connection>(reactor, fd, std::move(peer));
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
