#pragma once

// CPU time this process (or the calling thread) has used so far, user and system, to
// report what a benchmark's load cost in CPU per operation beside its wall-clock
// figures, and how much of it the load generator's own thread took.

#include <sys/resource.h>

#include <cstdint>

namespace agg::bench {

inline int64_t rusage_cpu_us(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto us = [](const timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1'000'000 + static_cast<int64_t>(t.tv_usec);
  };
  return us(u.ru_utime) + us(u.ru_stime);
}

inline int64_t process_cpu_us() {
  return rusage_cpu_us(RUSAGE_SELF);
}

inline int64_t thread_cpu_us() {
  return rusage_cpu_us(RUSAGE_THREAD);
}

} // namespace agg::bench
