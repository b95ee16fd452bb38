// Minimal MD5 (RFC 1321), only for AMI's "AuthType: MD5" challenge login.
// Kept here so the simulator needs no crypto library.
#pragma once

#include <string>
#include <string_view>

namespace sim {

// Lower-case hex digest of `data`.
std::string md5_hex(std::string_view data);

}  // namespace sim
