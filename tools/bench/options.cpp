#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace bench {

namespace fs = std::filesystem;

const std::vector<std::string> kScenarioNames{"fanout", "roundtrip", "passthrough", "idle", "slow"};

bool Options::wants(const std::string& scenario) const {
  return scenarios.empty() ||
         std::find(scenarios.begin(), scenarios.end(), scenario) != scenarios.end();
}

std::string usage() {
  return "Usage: ampd-bench [options]\n"
         "Measures ampd against clients connected straight to the Asterisk simulator.\n"
         "\n"
         "  --quick             every scenario at small sizes (under a minute)\n"
         "  --scenario NAME     fanout, roundtrip, passthrough, idle or slow; repeatable\n"
         "                      (default all)\n"
         "  --duration SECONDS  length of each measurement (default 5, quick 1)\n"
         "  --ampd PATH         the ampd binary (default: the build tree's)\n"
         "  --sim PATH          the ampd-asterisk-sim binary (default: the build tree's)\n"
         "  --plugins DIR       ampd's plugin directory (default: the build tree's)\n"
         "  --io-threads N      run ampd with io_threads = N (default: ampd's default)\n"
         "  --help              show this help\n"
         "\n"
         "Prints a markdown table and one 'RESULT key=value ...' line per figure. Exits 1 when\n"
         "a scenario could not run or an answer or event was wrong; never because of speed.\n";
}

bool parse_options(int argc, char** argv, Options& opt, std::string& error) {
  for (int i = 0; i < argc; ++i) {
    if (i > 0) opt.command_line += ' ';
    opt.command_line += argv[i];
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        error = "missing value for " + a;
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      opt.help = true;
    } else if (a == "--quick") {
      opt.quick = true;
    } else if (a == "--scenario") {
      if (!value(v)) return false;
      if (std::find(kScenarioNames.begin(), kScenarioNames.end(), v) == kScenarioNames.end()) {
        error = "unknown scenario " + v + " (fanout, roundtrip, passthrough, idle, slow)";
        return false;
      }
      opt.scenarios.push_back(v);
    } else if (a == "--duration") {
      if (!value(v)) return false;
      char* end = nullptr;
      opt.duration = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || opt.duration < 0.2 || opt.duration > 60) {
        error = "bad --duration (0.2 to 60 seconds)";
        return false;
      }
      opt.duration_set = true;
    } else if (a == "--ampd") {
      if (!value(opt.ampd)) return false;
    } else if (a == "--sim") {
      if (!value(opt.sim)) return false;
    } else if (a == "--plugins") {
      if (!value(opt.plugins)) return false;
    } else if (a == "--io-threads") {
      if (!value(v)) return false;
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || n < 1 || n > 64) {
        error = "bad --io-threads (1 to 64)";
        return false;
      }
      opt.io_threads = static_cast<unsigned>(n);
    } else {
      error = "unknown option " + a;
      return false;
    }
  }
  if (opt.quick && !opt.duration_set) opt.duration = 1.0;
  return true;
}

void default_paths(const char* argv0, Options& opt) {
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) self = fs::absolute(argv0, ec);
  const auto dir = self.parent_path();  // <build>/tools/bench or <prefix>/bin
  auto first = [&](std::initializer_list<fs::path> candidates) {
    for (const auto& c : candidates) {
      if (fs::exists(c, ec)) return c.lexically_normal().string();
    }
    return std::string();
  };
  if (opt.ampd.empty()) opt.ampd = first({dir / "../../core/ampd", dir / "../sbin/ampd"});
  if (opt.sim.empty()) {
    opt.sim = first({dir / "../asterisk-sim/ampd-asterisk-sim", dir / "ampd-asterisk-sim"});
  }
  if (opt.plugins.empty()) {
    opt.plugins = first({dir / "../../lib/ampd/plugins", dir / "../lib/ampd/plugins"});
  }
}

}  // namespace bench
