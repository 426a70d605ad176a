#pragma once

// CPU time this process (or the calling thread) has used so far, user and system, to
// report what a benchmark's load cost in CPU per operation beside its wall-clock
// figures, and how much of it the load generator's own thread took. Also the time the
// hypervisor has taken from this machine's CPUs (steal), so that a figure measured
// while the machine was not all ours can be told apart.

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

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

// Steal time of all CPUs so far (the eighth figure of /proc/stat's "cpu" line), or -1
// where the kernel does not report it.
inline int64_t steal_us() {
  std::ifstream in{"/proc/stat"};
  std::string line;
  if (!std::getline(in, line) || line.rfind("cpu ", 0) != 0) return -1;
  std::istringstream fields{line.substr(4)};
  int64_t v = 0;
  for (int i = 0; i < 8; ++i)
    if (!(fields >> v)) return -1;
  return v * 1'000'000 / ::sysconf(_SC_CLK_TCK);
}

} // namespace agg::bench
