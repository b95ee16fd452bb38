#include "app/ampd_app.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SyslogChannel.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <sys/resource.h>

#include <csignal>
#include <iostream>

#include "app/server.hpp"
#include "app/version.hpp"
#include "auth/secret_hash.hpp"
#include "auth/users.hpp"
#include "base/atomic_file.hpp"
#include "commands/plugin_listing.hpp"
#include "config/config.hpp"

namespace ampd {

using Poco::Util::Option;

void AmpdApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);  // --daemon, --pidfile, --umask
  options.addOption(Option("config-file", "c", "read the configuration from FILE")
                        .argument("FILE")
                        .repeatable(false));
  options.addOption(Option("help", "h", "print this help and exit"));
  options.addOption(Option("version", "V", "print the version and exit"));
  options.addOption(
      Option("check-config", "", "validate the configuration and users file, print each problem"));
  options.addOption(Option("list-plugins", "",
                           "list the plugins in DIR (default: [server] plugins) and their commands")
                        .argument("DIR", false));
  options.addOption(Option("hash-secret", "",
                           "read a secret on stdin and print the form stored in the users file"));
}

void AmpdApp::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  if (name == "config-file") {
    config_file_ = value;
  } else if (name == "list-plugins") {
    action_ = name;
    plugin_dir_ = value;
  } else if (name == "help" || name == "version" || name == "check-config" ||
             name == "hash-secret") {
    action_ = name;
    if (name == "help" || name == "version") stopOptionsProcessing();
  }
}

// Every client is a socket: take all the descriptors the hard limit allows (often 1024 soft).
void AmpdApp::raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int AmpdApp::check_config() {
  std::vector<std::string> problems;
  Config config;
  load_config(config_file_, config, problems);
  if (problems.empty() || !config.users_file.empty()) UserStore::load(config.users_file, problems);
  if (problems.empty()) {
    const auto dir = config.plugin_dir.empty() ? std::string(kDefaultPluginDir) : config.plugin_dir;
    for (auto& p : check_plugins(dir, config.plugin_sections)) problems.push_back(std::move(p));
  }
  for (const auto& p : problems) std::cout << p << "\n";
  if (!problems.empty()) return 1;
  std::cout << config_file_ << ": OK\n";
  return EXIT_OK;
}

int AmpdApp::list_plugins_in_dir() {
  if (plugin_dir_.empty()) {
    std::vector<std::string> problems;
    Config config;
    load_config(config_file_, config, problems);
    for (const auto& p : problems) std::cerr << "ampd: " << p << "\n";
    if (!problems.empty()) return EXIT_CONFIG;
    plugin_dir_ = config.plugin_dir.empty() ? kDefaultPluginDir : config.plugin_dir;
  }
  return list_plugins(plugin_dir_, std::cout);
}

int AmpdApp::hash_secret_from_stdin() {
  std::string secret;
  if (!std::getline(std::cin, secret) || secret.empty()) {
    std::cerr << "ampd: --hash-secret reads a non-empty secret on stdin\n";
    return EXIT_USAGE;
  }
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  std::cout << hash_secret(secret) << "\n";
  return EXIT_OK;
}

void AmpdApp::setup_logging(const LoggingConfig& logging) {
  Poco::AutoPtr<Poco::Channel> sink;
  if (logging.target == "file") {
    auto* file = new Poco::FileChannel(logging.file);
    sink = file;
  } else if (logging.target == "syslog") {
    sink = new Poco::SyslogChannel("ampd", Poco::SyslogChannel::SYSLOG_PID,
                                   Poco::SyslogChannel::SYSLOG_DAEMON);
  } else if (config().getBool("application.runAsDaemon", false)) {
    // A daemon's console is /dev/null: log to syslog rather than nowhere.
    sink = new Poco::SyslogChannel("ampd", Poco::SyslogChannel::SYSLOG_PID,
                                   Poco::SyslogChannel::SYSLOG_DAEMON);
  } else {
    sink = new Poco::ConsoleChannel(std::clog);
  }
  Poco::AutoPtr<Poco::PatternFormatter> pattern(
      new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(pattern, sink));
  // setChannel("") reaches every logger that already exists, not just the root: after SIGHUP the
  // rotated file is really let go.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(logging.level));
}

int AmpdApp::main(const std::vector<std::string>&) {
  if (action_ == "help") {
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[OPTIONS]");
    help.setHeader("ampd, the Asterisk Manager Proxy Daemon. Options:");
    help.setUnixStyle(true);
    help.format(std::cout);
    return EXIT_OK;
  }
  if (action_ == "version") {
    std::cout << "ampd " << kVersion << "\n";
    return EXIT_OK;
  }
  if (action_ == "hash-secret") return hash_secret_from_stdin();
  if (config_file_.empty()) config_file_ = kDefaultConfigFile;
  if (action_ == "check-config") return check_config();
  if (action_ == "list-plugins") return list_plugins_in_dir();

  std::vector<std::string> problems;
  Config config;
  load_config(config_file_, config, problems);
  auto users = problems.empty() ? UserStore::load(config.users_file, problems) : nullptr;
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "ampd: " << p << "\n";
    std::cerr << "ampd: not started; run 'ampd --check-config' after fixing the above\n";
    return EXIT_CONFIG;
  }
  setup_logging(config.logging);
  std::signal(SIGPIPE, SIG_IGN);  // a client vanishing mid-write is an ordinary close
  raise_file_limit();
  auto& log = Poco::Logger::get("ampd");
  for (const auto& left : remove_interrupted_writes(config.users_file)) {
    log.warning("removed %s, left by a write that was interrupted", left);
  }
  try {
    Server server(std::move(config), std::move(users));
    server.set_reloader([this, &log](Config& fresh, std::shared_ptr<const UserStore>& users) {
      std::vector<std::string> problems;
      load_config(config_file_, fresh, problems);
      if (problems.empty()) users = UserStore::load(fresh.users_file, problems);
      for (const auto& p : problems) log.error("reload: %s", p);
      if (!problems.empty()) return false;
      setup_logging(fresh.logging);  // also reopens the log file after rotation
      return true;
    });
    server.start();
    server.run([&] {
      log.information("ampd %s started (config %s)", std::string(kVersion), config_file_);
    });
  } catch (const std::exception& e) {
    log.critical("ampd cannot run: %s", std::string(e.what()));
    return EXIT_SOFTWARE;
  }
  log.information("ampd stopped");
  return EXIT_OK;
}

}  // namespace ampd
