// Command-line options of ampd-asterisk-sim.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sim {

enum class Dialect { kModern, k14 };

struct Options {
  std::string host = "127.0.0.1";  // loopback only unless told otherwise
  uint16_t port = 5038;
  Dialect dialect = Dialect::kModern;
  std::string ami_version;       // banner / CoreSettings AMIversion; default per dialect
  std::string asterisk_version;  // CoreSettings / "core show version"; default per dialect
  std::vector<std::pair<std::string, std::string>> users;  // name, secret
  bool chan_sip = false;                    // modern: simulate chan_sip (Asterisk <= 20)
  bool res_monitor = false;                 // modern: simulate res_monitor (Asterisk <= 20)
  bool security_events = false;             // emit SuccessfulAuth/InvalidPassword events
  long events_per_second = 0;               // 0 = none
  int event_variables = 0;                  // extra ChanVariable headers on each load event
  bool events_max = false;                  // "max": as fast as each client reads
  uint64_t max_output_bytes = 64ull << 20;  // per-client output cap, then the client is dropped
  int answer_delay_ms = 100;                // Originate: time until the far end answers
  int auth_fail_delay_ms = 0;               // Asterisk sleeps 1 s before "Authentication failed"
  std::string script_file;                  // Sim actions run at start
  bool verbose = false;

  bool modern() const { return dialect == Dialect::kModern; }
};

// Parses argv. Returns false and fills `error` on bad input; sets `help` for --help.
bool parse_options(int argc, char** argv, Options& opt, bool& help, std::string& error);
std::string usage();

}  // namespace sim
