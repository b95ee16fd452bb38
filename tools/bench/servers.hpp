// Starts the two processes under test: the simulator, and ampd with a generated configuration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "child.hpp"
#include "options.hpp"

namespace bench {

// The simulator's AMI account and ampd's benchmark user.
inline constexpr const char* kSimUser = "admin";
inline constexpr const char* kSimSecret = "amp111";
inline constexpr const char* kAmpdUser = "bench";
inline constexpr const char* kAmpdSecret = "bench";

struct Sim {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Child> child;
  int port = 0;
};

struct Ampd {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Child> child;
  int port = 0;
};

// `extra` are simulator options, e.g. {"--events-per-second", "max"}. Throws on failure.
Sim start_sim(const Options& opt, const std::vector<std::string>& extra);
// ampd logged in to `sim_port`, ready for actions. Throws on failure.
Ampd start_ampd(const Options& opt, int sim_port, long client_output_cap);

}  // namespace bench
