// Starts the real ampd binary on a free loopback port with a generated config and users file.
#pragma once

#include <memory>
#include <string>

#include "client.hpp"
#include "process.hpp"

namespace ampd::test {

// Every test user's secret.
inline constexpr const char* kSecret = "secret";

struct AmpdSetup {
  std::string server{};    // extra lines for [server]
  std::string sections{};  // extra sections (e.g. [asterisk.pbx])
  std::string users{};     // extra users
};

class AmpdInstance {
 public:
  explicit AmpdInstance(const AmpdSetup& setup = {});
  int port() const { return port_; }
  Process& process() { return *process_; }
  const TempDir& dir() const { return dir_; }
  std::unique_ptr<Client> connect() const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// Users in every instance: admin (administrator, monitor), mon (monitor), agent1 (agent 1001),
// multi (monitor, agent; agentid 1002), xmlmon (monitor, format xml).
std::string standard_users();

}  // namespace ampd::test
