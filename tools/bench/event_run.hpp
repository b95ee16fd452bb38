// One measurement of event delivery: a fresh simulator at --events-per-second max, ampd in
// front of it or not, `readers` clients reading and `stalled` clients that never read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "options.hpp"
#include "wire.hpp"

namespace bench {

struct Endpoint {
  bool via_ampd = false;
  Wire wire = Wire::Native;
};

struct EventFigures {
  double total = 0, min = 0, median = 0;  // events/s read by the readers
  std::int64_t p50 = 0, p99 = 0;          // event latency, microseconds
  std::uint64_t dropped = 0;              // events ampd dropped for readers (announced)
  std::uint64_t errors = 0;               // wrong events and lost clients
  std::vector<std::string> samples;
  long rss_base_kib = 0, rss_peak_kib = 0;  // the server's (ampd or simulator) memory
};

EventFigures run_events(const Options& opt, const Endpoint& endpoint, int readers, int stalled,
                        long client_output_cap);

std::string endpoint_name(const Endpoint& endpoint);

}  // namespace bench
