#pragma once

// Token buckets for the edge: one per connection (owned by it, not thread-safe) and
// one per client address (shared, thread-safe, bounded in size).

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agg::gateway {

class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  token_bucket(double rate_per_s, double burst)
      : rate_(rate_per_s), burst_(burst), tokens_(burst), last_(clock::now()) {}

  // Takes one token if there is one.
  bool take(clock::time_point now = clock::now()) {
    tokens_ = std::min(
        burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // True when the bucket has refilled completely (nothing to remember).
  bool full(clock::time_point now) const {
    return tokens_ + rate_ * std::chrono::duration<double>(now - last_).count() >= burst_;
  }

private:
  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

class address_limiter {
public:
  address_limiter(double rate_per_s, double burst, size_t addresses_max = 100'000)
      : rate_(rate_per_s), burst_(burst), addresses_max_(addresses_max) {}

  bool take(const std::string& address);

private:
  std::mutex mtx_;
  double rate_;
  double burst_;
  size_t addresses_max_;
  std::unordered_map<std::string, token_bucket> buckets_;
};

} // namespace agg::gateway
