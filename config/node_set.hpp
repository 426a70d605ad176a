#pragma once

// The configured node set of a cluster ([cluster] in aggregator.conf): every node's
// name, role and cluster address, parsed and checked; which core node owns a player
// (rendezvous hashing of the player id over the core nodes' names, never CAF's node
// ids, which change at every restart); and the set's digest, which peers compare.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agg {

enum class node_role : uint8_t { core, edge };

const char* to_string(node_role r);

struct cluster_node {
  std::string name; // [a-z0-9-], 1 to 63; an edge entry may end in '*' (a pattern)
  node_role role = node_role::core;
  std::string host;  // '*' for a pattern: its nodes connect, nobody connects to them
  uint16_t port = 0; // the middleman's port
  // "edge-*": every edge node whose name starts with "edge-" (a Kubernetes
  // Deployment's pods, named at random) belongs to the set.
  bool pattern() const { return !name.empty() && name.back() == '*'; }
  bool matches(std::string_view n) const {
    return pattern() ? n.size() >= name.size() &&
                           n.substr(0, name.size() - 1) == name.substr(0, name.size() - 1)
                     : n == name;
  }
};

// The [cluster] section's options (server_options::cluster).
struct cluster_config {
  std::string node;               // this node's name; empty: no cluster (one core node)
  std::vector<std::string> nodes; // "name=role@host:port", every node of the set
  int64_t epoch = 1;              // raised whenever the set changes
  std::string app_id = "aggregator";     // the middleman's application identifier
  std::string bind_address = "0.0.0.0";  // where this node's middleman listens
  int64_t heartbeat_ms = 1'000;          // middleman heartbeats
  int64_t connection_timeout_ms = 3'000; // a peer silent this long is down
  int64_t reconnect_ms = 1'000;          // a down peer is tried again this often

  bool enabled() const { return !node.empty() || !nodes.empty(); }
};

class node_set {
public:
  // Parses and checks the section: one line naming the problem, or the set.
  static std::optional<std::string> parse(const cluster_config& c, node_set& out);

  const std::vector<cluster_node>& nodes() const { return nodes_; }
  const cluster_node& self() const { return self_; }
  // The entry a node's name belongs to (itself, or the pattern it matches); null when
  // it is none of the set's.
  const cluster_node* find(std::string_view name) const;
  int64_t epoch() const { return epoch_; }
  // SHA-256 (hex) over the epoch and every node's entry, sorted: equal sets, equal
  // digests.
  const std::string& digest() const { return digest_; }

  // The core node that owns the player: the core whose hash of (name, player id) is
  // the highest.
  const std::string& owner_of(int64_t player_id) const;
  // Where a username registers and logs in (the same hashing over "u:" and the
  // username, lowercased); a new player's id is picked so that owner_of(id) is this.
  const std::string& owner_of_username(std::string_view username) const;
  bool owns(int64_t player_id) const { return owner_of(player_id) == self().name; }
  // The text of an entry, "name=role@host:port".
  static std::string entry(const cluster_node& n);

private:
  const std::string& highest(std::string_view key) const;

  std::vector<cluster_node> nodes_;
  cluster_node self_;
  int64_t epoch_ = 1;
  std::string digest_;
};

} // namespace agg
