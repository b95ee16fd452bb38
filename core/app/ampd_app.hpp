// The daemon: command-line options, configuration, logging, then the server.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>

namespace ampd {

class AmpdApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  int main(const std::vector<std::string>& args) override;

 private:
  int check_config();
  static void raise_file_limit();
  int hash_secret_from_stdin();
  int list_plugins_in_dir();
  void setup_logging(const struct LoggingConfig& logging);

  std::string config_file_;
  std::string action_;  // help, version, check-config, hash-secret, list-plugins, or empty to serve
  std::string plugin_dir_;  // --list-plugins=DIR
};

}  // namespace ampd
