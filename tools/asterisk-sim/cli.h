// The few CLI commands the Command action understands, rendered as text lines.
#pragma once

#include <string>
#include <vector>

#include "options.h"
#include "state.h"

namespace sim {

// Runs `command`; fills `lines` (no line terminators). Returns false when the command is
// unknown, with the CLI's "No such command ..." text in `lines`.
bool run_cli(SimState& st, const Options& opt, const std::string& command,
             std::vector<std::string>& lines);

}  // namespace sim
