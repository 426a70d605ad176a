#pragma once

// The cashier: payments through providers (payments/provider.hpp). A detached actor
// with a database connection of its own keeps each payment's record
// (persistence/payment_store.hpp) and moves it forward: a player's deposit becomes an
// intent recorded before the provider is asked; the provider's signed callback
// confirms it, and only then does the wallet credit it, with the provider's
// transaction id as the idempotency key; open payments expire. Every change is an
// activity event (durable before anyone is answered) and a push to the player.
// Each provider runs on a detached worker of its own (its calls may block), behind a
// timeout.
//
// Protocol:
//   (deposit_atom, deposit_request) -> payment_view (status pending, or declined or
//       failed at once); errors: cashier_errc
//   (callback_atom, payment_callback_in) -> callback_outcome (docs/cashier.md)
//   (payments_atom, player, before_us, limit) -> payment_page, newest first
//   (payments_atom, payment_id) -> payment_view; payment_not_found

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "persistence/sqlite.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace agg {

struct payment_provider_config {
  std::string id;
  std::string kind;
  std::map<std::string, std::string> settings;
};

struct cashier_options {
  std::string db_path;
  db::tuning tuning;
  std::vector<payment_provider_config> providers;
  int64_t amount_max = 100'000'000'000;             // minor units per payment
  std::chrono::milliseconds intent_ttl{900'000};    // an open payment expires then
  std::chrono::milliseconds submit_timeout{10'000}; // a provider's answer at most
  std::chrono::milliseconds sweep_interval{1'000};  // expiry checked so often
  std::chrono::milliseconds request_timeout{15'000};
  // Where the providers call back: http://host:port (the operator port)
  std::function<std::string()> operator_url;
  std::function<registry_actor()> wallets;
  std::function<caf::actor()> presence; // pushes (push_atom, payment_view)
  std::shared_ptr<metrics> stats;       // may be null
};

caf::atom_value cashier_name();

// Throws payments::provider_config_error when a provider cannot start.
caf::actor spawn_cashier(caf::actor_system& sys, cashier_options opts);

} // namespace agg
