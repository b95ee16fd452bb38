#include "ampd_instance.hpp"

#include <cstdlib>
#include <stdexcept>

#include "auth/secret_hash.hpp"

namespace ampd::test {

const std::string& secret_hash() {
  // Few iterations: the tests check behaviour, not the cost of hashing.
  static const std::string hash = ampd::hash_secret(kSecret, 1000);
  return hash;
}

std::string standard_users() {
  const auto& hash = secret_hash();
  return "[admin]\nsecret = " + hash + "\ntypes = administrator, monitor\n\n" +
         "[mon]\nsecret = " + hash + "\ntypes = monitor\n\n" + "[agent1]\nsecret = " + hash +
         "\ntypes = agent\nagentid = 1001\n\n" + "[multi]\nsecret = " + hash +
         "\ntypes = monitor, agent\nagentid = 1002\n\n" + "[xmlmon]\nsecret = " + hash +
         "\ntypes = monitor\nformat = xml\n\n";
}

std::string io_threads_line(const std::string& server) {
  const char* threads = std::getenv("AMPD_TEST_IO_THREADS");
  if (threads == nullptr || server.find("io_threads") != std::string::npos) return {};
  return std::string("io_threads = ") + threads + "\n";
}

AmpdInstance::AmpdInstance(const AmpdSetup& setup) {
  dir_.write("users.ini", standard_users() + setup.users);
  const std::string plugins = setup.plugins ? "plugins = " AMPD_BUILD_PLUGIN_DIR "\n" : "";
  dir_.write("ampd.ini", "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\nworker_threads = 4\n" +
                             plugins + io_threads_line(setup.server) + setup.server +
                             "\n[logging]\nlevel = debug\n\n" + setup.sections);
  process_ = std::make_unique<Process>(
      std::vector<std::string>{AMPD_BINARY, "--config-file=" + dir_.file("ampd.ini")});
  const auto line = process_->wait_for_line("(port ");
  const auto pos = line.find("(port ");
  if (pos == std::string::npos) {
    throw std::runtime_error("ampd did not start:\n" + process_->output());
  }
  port_ = std::stoi(line.substr(pos + 6));
  // Logged from inside the running loop: signals sent from now on are handled.
  if (process_->wait_for_line(" started (config ").empty()) {
    throw std::runtime_error("ampd did not start its loop:\n" + process_->output());
  }
  // Tests start talking at once: wait until ampd is logged in to the (first) Asterisk.
  // (The link logs from its own thread, so its line may come before or after "started".)
  if (setup.sections.find("[asterisk.") != std::string::npos &&
      process_->output().find("(AMI ") == std::string::npos &&
      process_->wait_for_line("(AMI ").empty()) {
    throw std::runtime_error("ampd did not reach Asterisk:\n" + process_->output());
  }
}

SimInstance::SimInstance(const std::vector<std::string>& options, int port) {
  std::vector<std::string> argv{SIM_BINARY, "--port", std::to_string(port)};
  argv.insert(argv.end(), options.begin(), options.end());
  process_ = std::make_unique<Process>(argv);
  const auto line = process_->wait_for_line("LISTENING ");
  if (line.empty()) throw std::runtime_error("simulator did not start:\n" + process_->output());
  port_ = std::stoi(line.substr(line.find("LISTENING ") + 10));
}

std::string SimInstance::section(const std::string& name, const std::string& extra) const {
  return "[asterisk." + name + "]\nhost = 127.0.0.1\nport = " + std::to_string(port_) +
         "\nusername = admin\nsecret = amp111\n" + extra + "\n";
}

std::unique_ptr<Client> AmpdInstance::connect() const { return std::make_unique<Client>(port_); }

}  // namespace ampd::test
