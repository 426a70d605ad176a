#pragma once

// The wall clock every layer reads: microseconds and milliseconds since the Unix epoch
// (what the ledger, tokens and events record). Durations and deadlines use
// std::chrono::steady_clock instead.

#include <chrono>
#include <cstdint>

namespace agg {

inline int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

inline int64_t now_ms() {
  return now_us() / 1'000;
}

} // namespace agg
