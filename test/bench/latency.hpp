#pragma once

// Latency samples in microseconds and their percentiles.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace agg::bench {

struct latency {
  std::vector<int64_t> samples_us;

  void add(int64_t us) { samples_us.push_back(us); }
  void merge(const latency& other) {
    samples_us.insert(samples_us.end(), other.samples_us.begin(), other.samples_us.end());
  }
  // p in [0, 100]; sorts on first use.
  int64_t percentile(double p) {
    if (samples_us.empty()) return 0;
    if (!sorted_) {
      std::sort(samples_us.begin(), samples_us.end());
      sorted_ = true;
    }
    auto idx =
        static_cast<size_t>(p / 100.0 * static_cast<double>(samples_us.size() - 1));
    return samples_us[idx];
  }
  int64_t max() { return percentile(100); }

private:
  bool sorted_ = false;
};

} // namespace agg::bench
