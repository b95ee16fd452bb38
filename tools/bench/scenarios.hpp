// The four scenarios of issue 7. Each measures the simulator directly and through ampd, adds
// its table and RESULT lines to the report, and reports failures instead of throwing.
#pragma once

#include "options.hpp"
#include "report.hpp"

namespace bench {

void scenario_fanout(const Options& opt, Report& report);
void scenario_roundtrip(const Options& opt, Report& report);
void scenario_passthrough(const Options& opt, Report& report);
void scenario_idle(const Options& opt, Report& report);
void scenario_slow(const Options& opt, Report& report);

// "0.53" or "-" when the direct figure is zero.
std::string ratio_text(double ampd, double direct);

}  // namespace bench
