#pragma once

// The server as one node of a cluster (docs/cluster.md): a core node runs the whole
// node (its shard's ledger, accounts and services) behind its listeners; an edge node
// runs the listeners alone. Both publish the cluster endpoint on their middleman port,
// send every player connection through a relay to the player's owner, and pass the
// operator and studio calls another node serves to it.

#include "config/server_config.hpp"

#include <csignal>

namespace agg::gateway {

// Runs until one of `stop_signals` arrives (SIGUSR1: the root supervisor gave up);
// the exit status of the executable.
int run_cluster_node(server_config& cfg, const sigset_t& stop_signals);

} // namespace agg::gateway
