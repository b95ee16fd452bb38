// Helpers shared by the statistics' model, queries and snapshot (statistics*.cpp only).
#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "statistics.hpp"

namespace ampd_statistics::support {

inline std::int64_t to_ms(Statistics::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline std::int64_t seconds(std::int64_t ms) { return ms / 1000; }

inline bool is_any(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(name, n); });
}

// A non-negative integer, or nothing when absent or malformed.
// `out` is left alone on failure.
inline bool parse_count(std::string_view s, std::int64_t& out) {
  s = trim(s);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) return false;
  out = v;
  return true;
}

inline std::string strip_agent_prefix(std::string_view s) {
  if (s.size() > 6 && iequals(s.substr(0, 6), "Agent/")) s.remove_prefix(6);
  return std::string(s);
}

inline bool any_paused(const std::map<std::string, bool>& queues) {
  return std::any_of(queues.begin(), queues.end(), [](const auto& q) { return q.second; });
}

}  // namespace ampd_statistics::support
