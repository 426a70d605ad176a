#pragma once

// What the operator API and the vendor listener share: a cpp-httplib server on a
// thread pool with size and time limits, JSON error bodies for what no route
// answers, and a start that returns only once the server runs.

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace agg::gateway {

class http_listener {
public:
  // `what` names the listener in errors ("the operator API").
  http_listener(std::string what, size_t threads, size_t body_bytes_max);
  ~http_listener();
  http_listener(const http_listener&) = delete;
  http_listener& operator=(const http_listener&) = delete;

  httplib::Server& server() { return srv_; }

  // Binds (port 0: any free port) and serves on a thread of its own; returns the
  // bound port. Throws std::runtime_error when it cannot bind.
  uint16_t start(const std::string& address, uint16_t port);
  void stop();

private:
  std::string what_;
  httplib::Server srv_;
  socket_t listen_fd_ = INVALID_SOCKET; // the socket the server binds
  std::thread thread_;
};

} // namespace agg::gateway
