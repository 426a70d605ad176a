#pragma once

// The cashier: payments through providers (payments/provider.hpp). A detached actor
// with a database connection of its own keeps each payment's record
// (persistence/payment_store.hpp) and moves it forward: a player's deposit becomes an
// intent recorded before the provider is asked; the provider's signed callback
// confirms it, and only then does the wallet credit it, with the provider's
// transaction id as the idempotency key; open payments expire. Every change is an
// activity event (durable before anyone is answered) and a push to the player.
// Each provider runs on a detached worker of its own (its calls may block), behind a
// timeout and a circuit breaker.
// A withdrawal reserves its amount in the wallet first (a withdrawal entry keyed by
// the payment id), then passes the checks (account, KYC, the risk and bonus gates),
// then is approved (up to withdrawal_auto_approve_max) or held for review; an approved
// payout is marked sent before the provider is asked, so it is sent at most once; its
// end settles the reservation (paid) or releases it (a deposit entry keyed by
// "<payment id>:release"). Every step is durable before the next; at start the
// cashier takes every unfinished withdrawal on from where it stands.
//
// Protocol:
//   (deposit_atom, payment_request) -> payment_view (status pending, or declined or
//       failed at once); errors: cashier_errc
//   (withdraw_atom, payment_request) -> payment_view (approved or review; requested
//       after a retryable wallet error, taken on by the sweep);
//       errors: cashier_errc, wallet_errc (insufficient_funds, account_blocked)
//   (cancel_atom, player, payment_id) -> payment_view (cancelled)
//   (review_atom, withdrawal_review) -> payment_view (approved or rejected)
//   (withdrawals_atom, status, before_us, limit) -> payment_page (status 0: any)
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
  std::map<std::string, std::string> settings; // the provider's own
  int64_t breaker_failures = 5;                // failed calls in a row open it
  std::chrono::milliseconds breaker_cooldown{30'000};
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
  // Withdrawals up to this amount (minor units, by currency) are approved without
  // review when every check passed; a currency not named: always reviewed.
  std::map<std::string, int64_t> auto_approve_max;
  // Deposits that would take a player's confirmed deposits (lifetime, by currency)
  // above this need KYC verified; a currency not named: no threshold.
  std::map<std::string, int64_t> kyc_deposit_threshold;
  // The withdrawal gates after the account and KYC checks: each answers
  // (gate_atom, payment_view) -> gate_decision. None: allowed. One that fails to
  // answer within a third of request_timeout holds the withdrawal for review.
  std::function<caf::actor()> risk_gate;
  std::function<caf::actor()> bonus_gate;
  // Crash trials: called after each durable step of a withdrawal with its name
  // (requested, reserved, approved, review, sent, paid, settled, rejected, cancelled,
  // failed, released).
  std::function<void(const std::string&)> after_step;
};

caf::atom_value cashier_name();

// Throws payments::provider_config_error when a provider cannot start.
caf::actor spawn_cashier(caf::actor_system& sys, cashier_options opts);

} // namespace agg
