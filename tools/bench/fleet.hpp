// A set of clients sharing one loop: logs them in a bounded number at a time (so neither
// listen backlog overflows) and runs them for a bounded time.
#pragma once

#include <memory>
#include <vector>

#include "client.hpp"
#include "loop.hpp"

namespace bench {

class Fleet {
 public:
  Fleet() = default;
  void add(const ClientSetup& setup, int count);
  // Connects and logs in every client; returns the seconds it took. Throws when a client
  // fails or `deadline_s` passes.
  double login_all(double deadline_s);
  void enable_events();
  // Runs the loop for `seconds`.
  void run_for(double seconds);
  // Starts counting at once, runs `seconds`, stops counting; returns the measured seconds.
  double measure_for(double seconds);
  const std::vector<std::unique_ptr<Client>>& clients() const { return clients_; }
  Measure& measure() { return measure_; }

 private:
  Loop loop_;
  Measure measure_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace bench
