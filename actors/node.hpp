#pragma once

// One server node's actor tree: the storage supervisor (rest_for_one) over the ledger
// writer, the ledger readers and the wallet registry. Opens and migrates the database
// before anything starts.

#include "actors/storage_actors.hpp"
#include "actors/wallet_registry.hpp"
#include "config/server_config.hpp"

#include <chrono>
#include <functional>

namespace agg {

// Fault injection for tests; empty in production.
struct node_hooks {
  std::function<bool(size_t)> before_commit; // see writer_options::before_commit
};

class node {
public:
  // Migrates the database (throws db::error when it cannot) and starts the actors.
  node(caf::actor_system& sys, const server_options& opts, node_hooks hooks = {});
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // The wallet registry currently serving requests.
  registry_actor wallets() const;

  // The root supervisor; it terminates with supervisor_escalated when it gives up.
  const caf::actor& root() const { return root_; }

  // Stops taking requests, lets every in-flight commit finish, then stops every
  // actor of the node. Returns false when the wallets did not finish in time.
  bool shutdown(std::chrono::milliseconds timeout);

private:
  caf::actor_system& sys_;
  caf::actor root_;
  bool stopped_ = false;
};

} // namespace agg
