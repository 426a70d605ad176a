#pragma once

// What tests on real sockets and threads wait with: a condition polled up to a
// deadline (never a bare sleep), and a loopback port free at the time of asking.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <thread>

namespace agg::test {

// Waits up to `limit` for `cond` to hold, asking every `poll`; returns whether it did.
inline bool wait_until(const std::function<bool()>& cond,
                       std::chrono::milliseconds limit = std::chrono::seconds{20},
                       std::chrono::milliseconds poll = std::chrono::milliseconds{2}) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

// A port on 127.0.0.1 that nothing listened on when asked (the kernel's pick), for a
// process that must be told its port before it starts. Throws when none is had.
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("free_port: no socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("free_port: no loopback port");
  return ntohs(a.sin_port);
}

} // namespace agg::test
