#include "gateway/rate_limiter.hpp"

namespace agg::gateway {

bool address_limiter::take(const std::string& address) {
  auto now = token_bucket::clock::now();
  std::lock_guard<std::mutex> guard{mtx_};
  if (buckets_.size() >= addresses_max_) {
    // Full buckets carry no information: forget them to stay within the bound.
    std::erase_if(buckets_, [&](auto& kv) { return kv.second.full(now); });
  }
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= addresses_max_)
      return false; // every tracked address is busy: refuse rather than grow
    it = buckets_.emplace(address, token_bucket{rate_, burst_}).first;
  }
  return it->second.take(now);
}

} // namespace agg::gateway
