#include "options.h"

#include <charconv>
#include <string_view>

namespace sim {
namespace {

bool to_long(std::string_view s, long& out) {
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc() && r.ptr == end;
}

bool parse_port(std::string_view s, uint16_t& port) {
  long v = 0;
  if (!to_long(s, v) || v < 0 || v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

std::string usage() {
  return "Usage: ampd-asterisk-sim [options]\n"
         "Simulates an Asterisk Manager Interface (AMI) server for tests and demos.\n"
         "\n"
         "  --listen HOST:PORT        address to listen on (default 127.0.0.1:5038)\n"
         "  --port N                  port only (0 = pick a free port); prints 'LISTENING <port>'\n"
         "  --dialect modern|1.4      protocol dialect (default modern = Asterisk 18/20/22)\n"
         "  --ami-version V           banner version (default 9.0.0; 1.0 for dialect 1.4)\n"
         "  --asterisk-version V      reported Asterisk version (default 20.20.1 / 1.4.44)\n"
         "  --user NAME:SECRET        AMI account, repeatable (default admin:amp111)\n"
         "  --chan-sip                modern: simulate chan_sip (SIPpeers, SIPshowpeer, sip show)\n"
         "  --monitor                 modern: simulate res_monitor (Monitor, ChangeMonitor, ...)\n"
         "  --security-events         send SuccessfulAuth/InvalidPassword events\n"
         "  --events-per-second N|max synthetic load events (0 = none, max = as fast as read)\n"
         "  --event-variables N       add N ChanVariable headers to each load event (0)\n"
         "  --max-output-mib N        per-client output cap before the client is dropped (64)\n"
         "  --answer-delay-ms N       Originate answer delay (default 100)\n"
         "  --auth-fail-delay-ms N    delay before 'Authentication failed' (default 0; Asterisk "
         "1000)\n"
         "  --script FILE             run Sim actions from FILE at start (blank-line separated)\n"
         "  --verbose                 log connections and actions to stderr\n"
         "  --help                    show this help\n";
}

bool parse_options(int argc, char** argv, Options& opt, bool& help, std::string& error) {
  help = false;
  bool ami_set = false, ast_set = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto need = [&](std::string_view& v) {
      if (i + 1 >= argc) {
        error = std::string("missing value for ") + std::string(a);
        return false;
      }
      v = argv[++i];
      return true;
    };
    std::string_view v;
    long n = 0;
    if (a == "--help" || a == "-h") {
      help = true;
      return true;
    } else if (a == "--listen") {
      if (!need(v)) return false;
      auto colon = v.rfind(':');
      if (colon == std::string_view::npos || !parse_port(v.substr(colon + 1), opt.port)) {
        error = "bad --listen, expected HOST:PORT";
        return false;
      }
      opt.host = std::string(v.substr(0, colon));
      if (opt.host.size() > 2 && opt.host.front() == '[')
        opt.host = opt.host.substr(1, opt.host.size() - 2);
    } else if (a == "--port") {
      if (!need(v)) return false;
      if (!parse_port(v, opt.port)) {
        error = "bad --port";
        return false;
      }
    } else if (a == "--dialect") {
      if (!need(v)) return false;
      if (v == "modern") {
        opt.dialect = Dialect::kModern;
      } else if (v == "1.4") {
        opt.dialect = Dialect::k14;
      } else {
        error = "bad --dialect, expected modern or 1.4";
        return false;
      }
    } else if (a == "--ami-version") {
      if (!need(v)) return false;
      opt.ami_version = v;
      ami_set = true;
    } else if (a == "--asterisk-version") {
      if (!need(v)) return false;
      opt.asterisk_version = v;
      ast_set = true;
    } else if (a == "--user") {
      if (!need(v)) return false;
      auto colon = v.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        error = "bad --user, expected NAME:SECRET";
        return false;
      }
      opt.users.emplace_back(std::string(v.substr(0, colon)), std::string(v.substr(colon + 1)));
    } else if (a == "--chan-sip") {
      opt.chan_sip = true;
    } else if (a == "--monitor") {
      opt.res_monitor = true;
    } else if (a == "--security-events") {
      opt.security_events = true;
    } else if (a == "--events-per-second") {
      if (!need(v)) return false;
      if (v == "max") {
        opt.events_max = true;
      } else if (to_long(v, n) && n >= 0 && n <= 10'000'000) {
        opt.events_per_second = n;
      } else {
        error = "bad --events-per-second";
        return false;
      }
    } else if (a == "--event-variables") {
      if (!need(v)) return false;
      if (!to_long(v, n) || n < 0 || n > 500) {
        error = "bad --event-variables (0 to 500)";
        return false;
      }
      opt.event_variables = static_cast<int>(n);
    } else if (a == "--max-output-mib") {
      if (!need(v)) return false;
      if (!to_long(v, n) || n <= 0 || n > 65536) {
        error = "bad --max-output-mib";
        return false;
      }
      opt.max_output_bytes = static_cast<uint64_t>(n) << 20;
    } else if (a == "--answer-delay-ms" || a == "--auth-fail-delay-ms") {
      if (!need(v)) return false;
      if (!to_long(v, n) || n < 0 || n > 600'000) {
        error = std::string("bad ") + std::string(a);
        return false;
      }
      (a == "--answer-delay-ms" ? opt.answer_delay_ms : opt.auth_fail_delay_ms) =
          static_cast<int>(n);
    } else if (a == "--script") {
      if (!need(v)) return false;
      opt.script_file = v;
    } else if (a == "--verbose" || a == "-v") {
      opt.verbose = true;
    } else {
      error = std::string("unknown option ") + std::string(a);
      return false;
    }
  }
  const bool old = opt.dialect == Dialect::k14;
  if (!ami_set) opt.ami_version = old ? "1.0" : "9.0.0";
  if (!ast_set) opt.asterisk_version = old ? "1.4.44" : "20.20.1";
  if (opt.users.empty()) opt.users.emplace_back("admin", "amp111");
  return true;
}

}  // namespace sim
