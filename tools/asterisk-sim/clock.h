// Wall-clock formatting helpers for AMI fields.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace sim {

// "1795734307.599352": seconds.microseconds, as Ping's Timestamp and timestampevents.
std::string timestamp_us();
uint64_t now_us();
// "2026-11-26" / "23:04:00" in local time (CoreStatus CoreStartupDate/Time).
std::string format_date(time_t t);
std::string format_time(time_t t);
// "2026-11-26T23:05:15.558+0000" (security events' EventTV).
std::string event_tv();

}  // namespace sim
