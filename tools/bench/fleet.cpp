#include "fleet.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kParallelLogins = 128;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

void Fleet::add(const ClientSetup& setup, int count) {
  for (int i = 0; i < count; ++i) {
    clients_.push_back(
        std::make_unique<Client>(loop_, measure_, setup, static_cast<int>(clients_.size())));
  }
}

double Fleet::login_all(double deadline_s) {
  const auto start = Clock::now();
  std::size_t next = 0;
  while (measure_.logged_in < clients_.size()) {
    if (measure_.failed > 0) {
      throw std::runtime_error("login failed: " + measure_.samples.front());
    }
    if (seconds_since(start) > deadline_s) {
      throw std::runtime_error("only " + std::to_string(measure_.logged_in) + " of " +
                               std::to_string(clients_.size()) + " clients logged in within " +
                               std::to_string(static_cast<int>(deadline_s)) + " s");
    }
    while (next < clients_.size() && next - measure_.logged_in < kParallelLogins) {
      clients_[next++]->start();
    }
    loop_.poll(10);
  }
  return seconds_since(start);
}

void Fleet::enable_events() {
  for (auto& c : clients_) c->enable_events();
}

void Fleet::run_for(double seconds) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) loop_.poll(5);
}

double Fleet::measure_for(double seconds) {
  const auto start = Clock::now();
  measure_.measuring = true;
  run_for(seconds);
  measure_.measuring = false;
  return seconds_since(start);
}

}  // namespace bench
