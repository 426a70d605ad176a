#pragma once

// The operator API in a cluster (docs/cluster.md). A call about one player
// (/v1/players/{id}/..., and POST /v1/players by its username) is served by the
// player's owner; a call with ?node=<name> by that node; any other call by the node
// it reached (an edge node: the first core node up). A node that is not the one
// passes the call to it over the middleman (the target node's endpoint runs it against
// its own operator API on loopback) and answers with its reply, which names the node
// in X-Aggregator-Node. A call for a node that is down answers 503 `unavailable` as
// soon as the node is known down, or when its down_msg arrives mid-call.

#include "actors/cluster/membership.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace agg::gateway {

// The header a forwarded call carries (the node it came from): served where it lands.
inline constexpr const char* forwarded_header = "X-Aggregator-Forwarded";
inline constexpr const char* node_header = "X-Aggregator-Node";

// Where a call is served: a node's name; nothing: here. A ?node= that names no node
// of the set is returned as is (the caller answers 404 unknown_node).
std::optional<std::string> route_of(const httplib::Request& req,
                                    const cluster_view& view);

// Runs a call at `node` and writes its reply into `res` (503 unavailable when the
// node is down or goes down, 504 when it does not answer in `timeout`).
void forward_call(caf::actor_system& sys, const cluster_view& view,
                  const std::string& node, const httplib::Request& req,
                  httplib::Response& res, std::chrono::milliseconds timeout);

// In a route's handler (the body read): passes the call on when another node serves
// it, answering for it; false when it is this node's to serve.
bool pass_on(caf::actor_system& sys, const cluster_view& view,
             std::chrono::milliseconds timeout, const httplib::Request& req,
             httplib::Response& res);

// The executor of calls forwarded to this node: `workers` detached actors calling the
// operator API at 127.0.0.1:<port> (the port set once it listens).
caf::actor spawn_http_executor(caf::actor_system& sys,
                               std::shared_ptr<std::atomic<uint16_t>> port,
                               size_t workers, std::chrono::milliseconds timeout);

// GET /v1/cluster: this node, the set's epoch and digest, and every node with its
// role, address, state (self, up, down, refused), since when, why, and the status its
// endpoint tells (players, wallets, sessions, ledger sequence).
std::string cluster_json(caf::actor_system& sys, const cluster_view& view,
                         std::chrono::milliseconds timeout);

// The cluster's lines of /metrics: agg_cluster_peer_up{node,role} (1 up or this node,
// 0 down or refused) and agg_cluster_node_set_mismatch.
std::string cluster_metrics(const cluster_view& view);

// /ready in a cluster: this node's own readiness, and no node refused (its set is the
// cluster's); an edge also needs a core node up. Fills the body.
bool cluster_ready(const cluster_view& view, bool locally_ready, std::string& body);

} // namespace agg::gateway
