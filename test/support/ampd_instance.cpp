#include "ampd_instance.hpp"

#include <stdexcept>

#include "secret_hash.hpp"

namespace ampd::test {

std::string standard_users() {
  // Few iterations: the tests check behaviour, not the cost of hashing.
  static const std::string hash = ampd::hash_secret(kSecret, 1000);
  return "[admin]\nsecret = " + hash + "\ntypes = administrator, monitor\n\n" +
         "[mon]\nsecret = " + hash + "\ntypes = monitor\n\n" + "[agent1]\nsecret = " + hash +
         "\ntypes = agent\nagentid = 1001\n\n" + "[multi]\nsecret = " + hash +
         "\ntypes = monitor, agent\nagentid = 1002\n\n" + "[xmlmon]\nsecret = " + hash +
         "\ntypes = monitor\nformat = xml\n\n";
}

AmpdInstance::AmpdInstance(const AmpdSetup& setup) {
  dir_.write("users.ini", standard_users() + setup.users);
  dir_.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\nworker_threads = 2\n" +
                             setup.server + "\n[logging]\nlevel = debug\n\n" + setup.sections);
  process_ = std::make_unique<Process>(
      std::vector<std::string>{AMPD_BINARY, "--config-file=" + dir_.file("ampd.ini")});
  const auto line = process_->wait_for_line("(port ");
  const auto pos = line.find("(port ");
  if (pos == std::string::npos) {
    throw std::runtime_error("ampd did not start:\n" + process_->output());
  }
  port_ = std::stoi(line.substr(pos + 6));
}

std::unique_ptr<Client> AmpdInstance::connect() const { return std::make_unique<Client>(port_); }

}  // namespace ampd::test
