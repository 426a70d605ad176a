#pragma once

// The operator port of an edge node (docs/cluster.md): /health, /ready (a core node
// up, the node set agreed), /metrics (the edge's own), GET /v1/cluster (with an API
// key) here; every other call goes to the node that serves it (cluster_http.hpp).

#include "actors/cluster/membership.hpp"
#include "actors/core/metrics.hpp"
#include "gateway/http_api.hpp"
#include "gateway/http_listener.hpp"

#include <memory>

namespace agg::gateway {

class edge_api {
public:
  edge_api(http_options opts, caf::actor_system& sys, std::shared_ptr<metrics> stats,
           std::chrono::milliseconds status_timeout);
  uint16_t start();
  void stop();

private:
  http_options opts_;
  caf::actor_system& sys_;
  std::shared_ptr<metrics> stats_;
  std::chrono::milliseconds status_timeout_;
  http_listener listener_;
};

} // namespace agg::gateway
