#pragma once

// CPU time this process has used so far (user and system, every thread), to report
// what a benchmark's load cost in CPU per operation beside its wall-clock figures.

#include <sys/resource.h>

#include <cstdint>

namespace agg::bench {

inline int64_t process_cpu_us() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1'000'000 + static_cast<int64_t>(t.tv_usec);
  };
  return us(u.ru_utime) + us(u.ru_stime);
}

} // namespace agg::bench
