#pragma once

// The player WebSocket edge (Boost.Beast). Its own io_context threads accept
// connections on ws://address:port/v1; every connection runs on its own strand with
// a read limit, handshake and idle timeouts (with keep-alive pings), per-connection
// and per-address token buckets, and a bounded write queue with one write in flight.
// Each connection gets a player session actor from the factory; frames go to it as
// client_request, and it answers through the connection's client_sink.

#include "actors/core/address_rules.hpp"
#include "actors/core/metrics.hpp"
#include "actors/players/session_protocol.hpp"
#include "gateway/forwarded_for.hpp"
#include "gateway/static_files.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace agg::gateway {

struct ws_options {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 8080; // 0: any free port
  int threads = 1;
  size_t frame_bytes_max = 16 * 1024;
  std::chrono::milliseconds handshake_timeout{5'000};
  std::chrono::milliseconds idle_timeout{60'000};
  size_t write_queue_len_max = 256;
  double rate_per_s = 50;
  double burst = 100;
  double ip_rate_per_s = 500;
  double ip_burst = 1'000;
  int flood_strikes_max = 50;
  size_t connections_per_address_max = 256; // more are answered 429 and closed
  int send_buffer_bytes = 0; // the kernel's send buffer per connection; 0: the system's
  // Connections from these are taken to be from their X-Forwarded-For client (its
  // address goes to the session and the per-address request limit).
  trusted_proxies proxies;
  // The operators' address rules: a denied client is refused (403) before the
  // handshake. May be null.
  std::shared_ptr<address_rules> rules;
  // The player app's files, served to GET and HEAD requests that are no upgrade
  // (/app/, /common/; "/" is redirected to /app/). May be null: none.
  std::shared_ptr<const static_files> files;
};

// Makes the session actor of a new connection.
using session_factory = std::function<caf::actor(std::shared_ptr<client_sink>)>;

class ws_server {
public:
  ws_server(ws_options opts, session_factory make_session,
            std::shared_ptr<metrics> stats);
  ~ws_server();
  ws_server(const ws_server&) = delete;
  ws_server& operator=(const ws_server&) = delete;

  // Binds and starts accepting; returns the bound port. Throws on bind errors.
  uint16_t start();

  // Stops accepting, sends every connection a close frame (1001), waits up to `grace`
  // for them to finish, then stops the threads.
  void stop(std::chrono::milliseconds grace);

  size_t connections() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace agg::gateway
