// Latency histogram (log-linear buckets, ~1.5% resolution, constant memory) and small
// summary helpers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

class Histogram {
 public:
  void add(std::int64_t micros);
  std::uint64_t count() const { return count_; }
  // The value below which `fraction` of the samples fall, in microseconds.
  std::int64_t percentile(double fraction) const;
  std::int64_t max() const { return max_; }

 private:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;
  static int bucket(std::uint64_t v);
  static std::uint64_t bucket_value(int b);
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
};

double median(std::vector<double> values);
double minimum(const std::vector<double>& values);

// "12.3k", "1.23M": compact figures for the table.
std::string si(double value);
// Microseconds as "850 us", "1.20 ms" or "2.5 s".
std::string duration_text(std::int64_t micros);
std::string mib_text(double kib);

}  // namespace bench
