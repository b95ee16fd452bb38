// What the chaos tests share: clients in a closed loop of actions, each answer checked.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ampd_instance.hpp"

namespace ampd::test {

using Clock = std::chrono::steady_clock;

// A client logged in as administrator with events off; nullptr (and a test failure) if the
// login was refused.
std::unique_ptr<Client> admin_client(int port, std::chrono::milliseconds timeout);

// One client in a closed loop: one action (a Ping that Asterisk answers, through Custom), then
// its answer, then the next. What it saw is kept for the test to check.
struct LoopClient {
  long sent = 0;
  long successes = 0;
  long errors = 0;      // answered, but not with Success (Asterisk away, timeout, ...)
  long unanswered = 0;  // no answer within the read timeout: the client stops
  long foreign = 0;     // an answer with an ActionID it did not send, or out of order
  long late = 0;        // answered later than the bound
  std::chrono::milliseconds slowest{0};
  Clock::time_point last_success{};
  Clock::time_point first_success_after_mark{};
  std::string first_problem;
};

// `count` clients running the loop on threads of their own until stop() (or the destructor).
// An answer later than `answer_bound` counts as late.
class ClosedLoop {
 public:
  ClosedLoop(int port, int count, std::chrono::milliseconds answer_bound);
  ~ClosedLoop();
  // From now on, each client notes its first success (service is back).
  void mark();
  // Waits until every client has succeeded since mark(), up to `timeout`; false if not.
  bool wait_until_all_succeed_after_mark(std::chrono::milliseconds timeout) {
    return wait_until_all(true, timeout);
  }
  // Waits until every client has succeeded at least once.
  bool wait_until_all_succeeded(std::chrono::milliseconds timeout) {
    return wait_until_all(false, timeout);
  }
  void stop();
  // The clients' records; call after stop().
  const std::vector<LoopClient>& clients() const { return clients_; }
  Clock::time_point mark_time() const { return mark_; }

 private:
  void run(int index);
  bool all(bool since_mark);
  bool wait_until_all(bool since_mark, std::chrono::milliseconds timeout);

  int port_;
  std::chrono::milliseconds bound_;
  std::vector<LoopClient> clients_;
  std::mutex mutex_;  // guards clients_ while the threads run
  std::atomic<bool> stop_{false};
  Clock::time_point mark_{};
  std::atomic<bool> marked_{false};
  std::vector<std::thread> threads_;
};

// Sums the records of a run and prints them; returns the slowest time to service after the
// mark (zero if some client never got it back).
std::chrono::milliseconds report(const ClosedLoop& loop, const char* what);

}  // namespace ampd::test
