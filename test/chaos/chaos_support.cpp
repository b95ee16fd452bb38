#include "chaos_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace ampd::test {

std::unique_ptr<Client> admin_client(int port, std::chrono::milliseconds timeout) {
  auto c = std::make_unique<Client>(port, timeout);
  c->read_line();
  c->send(
      "Action: Login\r\nUsername: admin\r\nSecret: secret\r\nType: administrator\r\n"
      "Events: off\r\n\r\n");
  const auto answer = c->read_native();
  if (answer.find("Authentication accepted") == std::string::npos) {
    ADD_FAILURE() << "login refused: " << answer;
    return nullptr;
  }
  return c;
}

namespace {

std::string header(const std::string& message, const std::string& name) {
  const auto at = message.find(name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 2;
  return message.substr(start, message.find("\r\n", start) - start);
}

}  // namespace

ClosedLoop::ClosedLoop(int port, int count, std::chrono::milliseconds answer_bound)
    : port_(port), bound_(answer_bound), clients_(static_cast<std::size_t>(count)) {
  for (int i = 0; i < count; ++i) threads_.emplace_back([this, i] { run(i); });
}

ClosedLoop::~ClosedLoop() { stop(); }

void ClosedLoop::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ClosedLoop::mark() {
  std::lock_guard lock(mutex_);
  mark_ = Clock::now();
  marked_ = true;
}

bool ClosedLoop::all(bool since_mark) {
  std::lock_guard lock(mutex_);
  return std::all_of(clients_.begin(), clients_.end(), [&](const LoopClient& c) {
    return since_mark ? c.first_success_after_mark != Clock::time_point{} : c.successes > 0;
  });
}

bool ClosedLoop::wait_until_all(bool since_mark, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!all(since_mark)) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void ClosedLoop::run(int index) {
  // Reads wait longer than the bound: a late answer is counted, a missing one ends the client.
  auto client = admin_client(port_, bound_ + std::chrono::seconds(5));
  auto& me = clients_[static_cast<std::size_t>(index)];
  const auto problem = [&](const std::string& what) {
    if (me.first_problem.empty()) me.first_problem = what;
  };
  if (!client) {
    std::lock_guard lock(mutex_);
    ++me.unanswered;
    return problem("login failed");
  }
  for (long n = 0; !stop_; ++n) {
    const auto id = "c" + std::to_string(index) + "-" + std::to_string(n);
    const auto sent_at = Clock::now();
    client->send("Action: Custom\r\nCAction: Ping\r\nActionID: " + id + "\r\n\r\n");
    const auto answer = client->read_native();
    const auto now = Clock::now();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(now - sent_at);
    std::unique_lock lock(mutex_);
    ++me.sent;
    if (answer.empty()) {
      ++me.unanswered;
      return problem("no answer to " + id);
    }
    me.slowest = std::max(me.slowest, took);
    if (took > bound_) {
      ++me.late;
      problem(id + " answered after " + std::to_string(took.count()) + " ms");
    }
    if (header(answer, "ActionID") != id) {
      ++me.foreign;
      problem("sent " + id + ", got: " + answer);
    }
    if (answer.find("Response: Success") != std::string::npos) {
      ++me.successes;
      me.last_success = now;
      if (marked_ && sent_at >= mark_ && me.first_success_after_mark == Clock::time_point{}) {
        me.first_success_after_mark = now;
      }
    } else {
      ++me.errors;
      lock.unlock();
      // A closed loop on immediate errors would only spin: wait a little, as a client would.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

std::chrono::milliseconds report(const ClosedLoop& loop, const char* what) {
  LoopClient sum;
  std::chrono::milliseconds back{0};
  bool all_back = true;
  for (const auto& c : loop.clients()) {
    sum.sent += c.sent;
    sum.successes += c.successes;
    sum.errors += c.errors;
    sum.unanswered += c.unanswered;
    sum.foreign += c.foreign;
    sum.late += c.late;
    sum.slowest = std::max(sum.slowest, c.slowest);
    if (c.first_success_after_mark == Clock::time_point{}) {
      all_back = false;
    } else {
      back = std::max(back, std::chrono::duration_cast<std::chrono::milliseconds>(
                                c.first_success_after_mark - loop.mark_time()));
    }
  }
  std::printf(
      "%s: %zu clients, %ld actions, %ld successes, %ld errors, %ld unanswered, %ld foreign, "
      "%ld late, slowest answer %lld ms, service back for every client %lld ms after the "
      "mark%s\n",
      what, loop.clients().size(), sum.sent, sum.successes, sum.errors, sum.unanswered, sum.foreign,
      sum.late, static_cast<long long>(sum.slowest.count()), static_cast<long long>(back.count()),
      all_back ? "" : " (not for every client)");
  return all_back ? back : std::chrono::milliseconds{0};
}

}  // namespace ampd::test
