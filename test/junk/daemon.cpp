#include "daemon.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "ampd_instance.hpp"

namespace ampd::test {

Daemon::Daemon(const DaemonOptions& options) {
  dir_.write("users.ini", standard_users());
  dir_.write("ampd.ini",
             "[server]\nlisten = 127.0.0.1:0\nusers = users.ini\nworker_threads = 4\n"
             "plugins = " AMPD_BUILD_PLUGIN_DIR "\n" +
                 io_threads_line(options.server) + options.server +
                 "\n[logging]\ntarget = file\nfile = " + dir_.file("ampd.log") +
                 "\nlevel = " + options.level + "\n\n" + options.sections);
  std::vector<std::string> argv = options.wrapper;
  argv.push_back(AMPD_BINARY);
  argv.push_back("--config-file=" + dir_.file("ampd.ini"));
  process_ = std::make_unique<Process>(argv);
  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto text = log();
    const auto pos = text.find("(port ");
    if (pos != std::string::npos && text.find('\n', pos) != std::string::npos) {
      port_ = std::stoi(text.substr(pos + 6));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port_ == 0) {
    throw std::runtime_error("ampd did not start:\n" + log() + process_->output());
  }
  if (options.sections.find("[asterisk.") != std::string::npos &&
      !wait_for_log("(AMI ", options.start_timeout)) {
    throw std::runtime_error("ampd did not reach Asterisk:\n" + log());
  }
}

std::string Daemon::log() const {
  std::ifstream in(dir_.file("ampd.log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Daemon::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

long Daemon::rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(process_->pid()) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
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

}  // namespace ampd::test
