#pragma once

// One server node's actor tree. The root supervisor (one_for_one) runs presence, the
// storage supervisor (rest_for_one over the ledger writer, the ledger readers, the
// wallet registry and the checkpointer), the account service and the session
// supervisor. Opens and migrates the database before anything starts.

#include "actors/core/address_rules.hpp"
#include "actors/core/metrics.hpp"
#include "actors/players/account_service.hpp"
#include "actors/players/login_gate.hpp"
#include "actors/players/player_session.hpp"
#include "actors/players/session_supervisor.hpp"
#include "actors/players/token_authority.hpp"
#include "actors/wallet/storage_actors.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "config/server_config.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace agg {

// Fault injection for tests; empty in production.
struct node_hooks {
  std::function<bool(size_t)> before_commit; // see writer_options::before_commit
  std::function<void(const client_request&)> before_request; // see session_deps
  // Benchmarks only: no event feed (the writer publishes nowhere, presence and the
  // Kafka publisher never subscribe), to measure what the feed costs.
  bool without_feed = false;
  // The withdrawal gates the cashier asks after its own checks (cashier_options);
  // none: allowed.
  std::function<caf::actor()> risk_gate;
  std::function<caf::actor()> bonus_gate;
  // Crash trials: called after each durable step of a withdrawal (cashier_options).
  std::function<void(const std::string&)> cashier_after_step;
  // Tests: a minute of the session time limit and reality checks, in microseconds
  // (0: a real minute).
  int64_t session_minute_us = 0;
};

// The Kafka publisher's registered name (when [events.kafka] is enabled).
caf::atom_value kafka_publisher_name();

class node {
public:
  // Migrates the database (throws db::error when it cannot) and starts the actors.
  node(caf::actor_system& sys, const server_options& opts, node_hooks hooks = {});
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // The wallet registry currently serving requests.
  registry_actor wallets() const;
  account_actor accounts() const;
  // Registrations and logins (the login gate).
  login_actor logins() const;
  caf::actor presence() const;
  // The event feed (event_feed.hpp).
  caf::actor feed() const;
  // Payments through providers (cashier.hpp).
  caf::actor cashier() const;
  // Responsible-gaming limits (limits_service.hpp).
  caf::actor limits() const;
  // Bonuses (bonus_service.hpp).
  caf::actor bonus() const;
  // The risk service (risk_service.hpp); invalid when risk_enabled is off.
  caf::actor risk() const;
  // The operator API's base URL (http://host:port) as payment providers reach it, for
  // their callbacks; the edge sets it once the port listens, unless configured.
  void set_operator_url(std::string url);
  caf::actor sessions() const;
  // The vendor directory: catalog and rounds of every configured studio.
  caf::actor vendors() const;
  const std::shared_ptr<token_authority>& tokens() const { return tokens_; }
  const std::shared_ptr<metrics>& stats() const { return stats_; }
  // The operators' address rules, for the player edge (the risk service sets them).
  const std::shared_ptr<address_rules>& rules() const { return rules_; }
  std::string db_path() const { return opts_.db_path(); }
  // The cluster's node set, when [cluster] is configured (this node a core); else null.
  const std::shared_ptr<const node_set>& cluster() const { return cluster_; }
  const server_options& options() const { return opts_; }
  // What a new player session needs.
  session_deps session_dependencies() const;

  // The root supervisor; it terminates with supervisor_escalated when it gives up.
  const caf::actor& root() const { return root_; }

  // Stops taking requests, lets every in-flight commit finish, then stops every
  // actor of the node. Returns false when the wallets did not finish in time.
  bool shutdown(std::chrono::milliseconds timeout);

private:
  caf::actor named(caf::atom_value name) const;

  caf::actor_system& sys_;
  server_options opts_;
  node_hooks hooks_;
  std::shared_ptr<token_authority> tokens_;
  std::shared_ptr<metrics> stats_;
  std::shared_ptr<address_rules> rules_ = std::make_shared<address_rules>();
  // Written by the edge once, read by the payment providers' threads.
  struct shared_url {
    std::string get() const {
      std::lock_guard lock{mtx};
      return url;
    }
    void set(std::string u) {
      std::lock_guard lock{mtx};
      url = std::move(u);
    }
    mutable std::mutex mtx;
    std::string url;
  };
  std::shared_ptr<shared_url> operator_url_ = std::make_shared<shared_url>();
  std::shared_ptr<const node_set> cluster_;
  caf::actor root_;
  bool stopped_ = false;
};

} // namespace agg
