#include "ampd_instance.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

AmpdInstance::AmpdInstance(const AmpdSetup& setup)
    : dir_(setup.dir ? setup.dir : std::make_shared<TempDir>()), log_to_file_(setup.log_to_file) {
  if (!std::filesystem::exists(dir_->file("users.ini"))) {
    dir_->write("users.ini", standard_users() + setup.users);
  }
  const std::string plugins = setup.plugins ? "plugins = " AMPD_BUILD_PLUGIN_DIR "\n" : "";
  const std::string log_file =
      setup.log_to_file ? "target = file\nfile = " + dir_->file("ampd.log") + "\n" : "";
  dir_->write("ampd.ini",
              "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\nworker_threads = 4\n" + plugins +
                  io_threads_line(setup.server) + setup.server + "\n[logging]\n" + log_file +
                  "level = " + setup.level + "\n\n" + setup.sections);
  std::vector<std::string> argv = setup.wrapper;
  argv.push_back(AMPD_BINARY);
  argv.push_back("--config-file=" + dir_->file("ampd.ini"));
  process_ = std::make_unique<Process>(argv);
  const auto port_logged = wait_for_log("(port ", setup.start_timeout);
  const auto text = log();
  const auto pos = text.find("(port ");
  if (!port_logged || pos == std::string::npos) {
    throw std::runtime_error("ampd did not start:\n" + text + process_->output());
  }
  port_ = std::stoi(text.substr(pos + 6));
  // Logged from inside the running loop: signals sent from now on are handled.
  if (!wait_for_log(" started (config ", setup.start_timeout)) {
    throw std::runtime_error("ampd did not start its loop:\n" + log());
  }
  // Tests start talking at once: wait until ampd is logged in to the (first) Asterisk.
  // (The link logs from its own thread, so its line may come before or after "started".)
  if (setup.sections.find("[asterisk.") != std::string::npos &&
      !wait_for_log("(AMI ", setup.start_timeout)) {
    throw std::runtime_error("ampd did not reach Asterisk:\n" + log());
  }
}

std::string AmpdInstance::log() const {
  if (!log_to_file_) return process_->output();
  std::ifstream in(dir_->file("ampd.log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool AmpdInstance::wait_for_log(const std::string& needle,
                                std::chrono::milliseconds timeout) const {
  if (!log_to_file_) {
    const auto& seen = process_->output();
    if (const auto at = seen.find(needle);
        at != std::string::npos && seen.find('\n', at) != std::string::npos) {
      return true;
    }
    return !process_->wait_for_line(needle, timeout).empty();
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto text = log();
    // A whole line: the number after "(port " is complete once its line has ended.
    if (const auto at = text.find(needle);
        at != std::string::npos && text.find('\n', at) != std::string::npos) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

long AmpdInstance::status_kib(const std::string& field) const {
  return process_status_kib(process_->pid(), field);
}

bool reset_peak(int pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return out.good();
}

long process_status_kib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

std::vector<std::string> wrapper_from_environment() {
  std::vector<std::string> out;
  const char* text = std::getenv("AMPD_TEST_WRAPPER");
  if (text == nullptr) return out;
  std::istringstream words(text);
  for (std::string w; words >> w;) out.push_back(w);
  return out;
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
