#include "clock.h"

#include <sys/time.h>

#include <cstdio>

namespace sim {

uint64_t now_us() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return static_cast<uint64_t>(tv.tv_sec) * 1000000u + static_cast<uint64_t>(tv.tv_usec);
}

std::string timestamp_us() {
  const uint64_t us = now_us();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(us / 1000000u),
                static_cast<unsigned long long>(us % 1000000u));
  return buf;
}

std::string format_date(time_t t) {
  tm tmv{};
  localtime_r(&t, &tmv);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tmv);
  return buf;
}

std::string format_time(time_t t) {
  tm tmv{};
  localtime_r(&t, &tmv);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tmv);
  return buf;
}

std::string event_tv() {
  const uint64_t us = now_us();
  const time_t t = static_cast<time_t>(us / 1000000u);
  tm tmv{};
  gmtime_r(&t, &tmv);
  char buf[48];
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tmv);
  std::snprintf(buf, sizeof buf, "%s.%03u+0000", date,
                static_cast<unsigned>((us % 1000000u) / 1000u));
  return buf;
}

}  // namespace sim
