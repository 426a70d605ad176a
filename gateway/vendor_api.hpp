#pragma once

// The vendor-facing HTTP listener (Boost.Beast, asynchronous: its io threads hand each
// call to an actor and answer when the result comes back), separate from the operator
// API: studios that run their own games call our wallet here. Each studio has its own
// path prefix, /vendors/<id>/wallet/<op>, and its own wire format (a wallet_codec
// chosen by the studio's adapter kind). Calls are authenticated and decoded by the
// codec, then applied by the studio's vendor connection like any other wallet call.
//
// Errors outside a studio's protocol: an unknown vendor id or a studio without a
// wallet protocol answers 404 {"error":{"code":"unknown_vendor"}}; anything else the
// codec answers in the studio's own format with HTTP 200.

#include "actors/cluster/membership.hpp"
#include "actors/node.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace agg::gateway {

struct vendor_api_options {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 8082; // 0: any free port
  int threads = 2;      // io threads; no thread waits for a call
  // Open connections held at most; one more is answered 503 too_many_connections.
  size_t connections_max = 1024;
  size_t body_bytes_max = 64 * 1024;
  std::chrono::milliseconds request_timeout{15'000};
};

// What the listener calls into.
struct vendor_api_deps {
  server_options server; // the studios' sections
  std::shared_ptr<metrics> stats;
  // The vendor directory (each studio's connection); may return null (an edge node).
  std::function<caf::actor()> vendors;
  // In a cluster: a call for a player another node owns (the player id leads the
  // game session's token, or the call names the player) goes to that node's endpoint.
  std::shared_ptr<cluster_view> cluster;
};

class vendor_api {
public:
  // Builds the codec of every configured studio that has one (throws
  // std::invalid_argument on a bad setting, e.g. an unreadable key file).
  vendor_api(vendor_api_options opts, caf::actor_system& sys, vendor_api_deps deps);
  // The node's studios, in a cluster or not.
  vendor_api(vendor_api_options opts, caf::actor_system& sys, node& n,
             std::shared_ptr<cluster_view> cluster = nullptr);
  ~vendor_api();
  vendor_api(const vendor_api&) = delete;
  vendor_api& operator=(const vendor_api&) = delete;

  // Whether any configured studio calls our wallet; start() is a no-op otherwise.
  bool needed() const;
  // Binds and serves on threads of its own; returns the bound port (0 if not needed).
  uint16_t start();
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace agg::gateway
