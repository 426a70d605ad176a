#pragma once

// A node's place in its cluster (docs/cluster.md). Every node publishes one endpoint
// actor on its middleman port. The endpoint connects to every other node of the
// configured set (again every reconnect_ms while one is down), greets it with a
// node_hello, and monitors it: with the middleman's heartbeats on, a dead or frozen
// peer's down_msg arrives within connection_timeout_ms. A peer whose hello differs
// (application id, epoch, node set, unknown name) is refused with one log line
// naming the difference, both ways.
//
// Peers reach a node only through its endpoint: it attaches a player connection of
// theirs to a session here, runs an operator API call forwarded to it, passes a
// studio's wallet call to the studio's connection here, and tells its status.

#include "actors/core/cluster_messages.hpp"
#include "config/node_set.hpp"

#include <caf/all.hpp>

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace agg {

// What the cluster knows of each node; thread-safe, read by the listeners' threads.
class cluster_view {
public:
  enum class peer_state : uint8_t { self, up, down, refused };

  struct peer {
    cluster_node node;
    peer_state state = peer_state::down;
    caf::actor endpoint;  // valid when self or up
    std::string problem;  // why it is down or refused
    int64_t since_us = 0; // in this state since
  };

  cluster_view(node_set set, caf::actor self_endpoint = {});

  const node_set& set() const { return set_; }
  const cluster_node& self() const { return set_.self(); }
  // The node's endpoint when it is this node or up; null otherwise.
  caf::actor endpoint(const std::string& name) const;
  std::vector<peer> peers() const;
  // A peer refused this node or was refused by it, and no peer agrees with it: its
  // node set is not the cluster's. It then serves nothing that needs the cluster.
  bool mismatched() const;
  // A core node is up (this one included).
  bool any_core_up() const;
  // The first core node in the configured order that is up (this one, if it is a core).
  std::string first_core_up() const;

  void set_self(caf::actor endpoint);
  void set_up(const std::string& name, caf::actor endpoint);
  void set_down(const std::string& name, std::string problem);
  void set_refused(const std::string& name, std::string problem);

private:
  void set(const std::string& name, peer_state st, caf::actor ep, std::string problem);

  node_set set_;
  mutable std::shared_mutex mtx_;
  std::map<std::string, peer> peers_;
};

// What the endpoint serves with; set by the server before it starts. Any of them may
// be empty (an edge node has no vendors or status of a shard).
struct cluster_services {
  // Attaches a player connection of another node: the actor its requests go to.
  std::function<caf::actor(const caf::actor& connection, const std::string& address)>
      attach;
  // The actor that runs forwarded operator API calls here.
  std::function<caf::actor()> http;
  // The vendor directory here.
  std::function<caf::actor()> vendors;
  // This node's status.
  std::function<node_status()> status;
};

struct membership_options {
  cluster_config config;
  std::shared_ptr<cluster_view> view;
  cluster_services services;
};

// Spawns the endpoint and starts connecting to the peers; the caller publishes it on
// the node's middleman port.
caf::actor spawn_cluster_endpoint(caf::actor_system& sys, membership_options opts);

// Adds what crosses nodes to the config (both type-ID blocks) and sets the middleman's
// heartbeats, connection timeout and application identifier from [cluster]; loads the
// middleman. Call before the actor system is made.
void configure_cluster(caf::actor_system_config& cfg, const cluster_config& c);

} // namespace agg
