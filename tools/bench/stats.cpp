#include "stats.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace bench {

int Histogram::bucket(std::uint64_t v) {
  if (v < (1u << kSubBits)) return static_cast<int>(v);
  const int top = 63 - std::countl_zero(v);  // >= kSubBits
  const int shift = top - kSubBits;
  const auto sub = static_cast<int>((v >> shift) & ((1u << kSubBits) - 1));
  return ((shift + 1) << kSubBits) + sub;
}

std::uint64_t Histogram::bucket_value(int b) {
  if (b < (1 << kSubBits)) return static_cast<std::uint64_t>(b);
  const int shift = (b >> kSubBits) - 1;
  const auto sub = static_cast<std::uint64_t>(b & ((1 << kSubBits) - 1));
  // Upper edge of the bucket: an honest (never flattering) latency.
  return (((1ull << kSubBits) | sub) << shift) + ((1ull << shift) - 1);
}

void Histogram::add(std::int64_t micros) {
  const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(micros, 0));
  ++counts_[static_cast<std::size_t>(bucket(v))];
  ++count_;
  max_ = std::max(max_, static_cast<std::int64_t>(v));
}

std::int64_t Histogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[static_cast<std::size_t>(b)];
    if (seen >= rank) {
      return std::min(static_cast<std::int64_t>(bucket_value(b)), max_);
    }
  }
  return max_;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto mid = values.begin() + static_cast<long>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

double minimum(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}

std::string si(double value) {
  char buf[32];
  if (value >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", value / 1e6);
  } else if (value >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", value / 1e3);
  } else if (value >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", value);
  }
  return buf;
}

std::string duration_text(std::int64_t micros) {
  char buf[32];
  if (micros < 1000) {
    std::snprintf(buf, sizeof buf, "%lld us", static_cast<long long>(micros));
  } else if (micros < 1000000) {
    std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(micros) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(micros) / 1e6);
  }
  return buf;
}

std::string mib_text(double kib) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", kib / 1024.0);
  return buf;
}

}  // namespace bench
