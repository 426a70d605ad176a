#pragma once

// Wallet errors as values. Each has a stable wire name (to_string) used by every
// protocol edge; retryable ones tell the caller to try the same request again.

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace agg {

enum class wallet_errc : uint8_t {
  none = 0,
  insufficient_funds = 1,  // the balance is lower than the amount going out
  duplicate_transaction,   // the id was used before with different data
  transaction_rolled_back, // the bet was rolled back (or a rollback came first)
  transaction_not_found,   // a win or rollback names a bet this player never made
  round_closed,            // a bet into a round that was closed
  round_settled,           // a rollback after the round's win
  round_mismatch,          // the round belongs to another player or currency
  not_rollbackable,        // a rollback names something that is not a bet
  invalid_request,         // missing or malformed fields
  invalid_amount,          // negative, zero where not allowed, or above amount_minor_max
  balance_overflow,        // the balance would exceed amount_minor_max
  account_blocked,         // money going out of a locked or self-excluded account
  storage_error,           // retryable: the commit failed, nothing was applied
  unavailable,         // retryable: the wallet is restarting, overloaded or shutting down
  wager_limit_reached, // the bet would take the player over a wager limit
  loss_limit_reached,  // the bet, lost, would take the player over a loss limit
  bonus_stake_too_high, // a bet above the maximum stake of a bonus being wagered
  bonus_not_found,      // the grant does not exist (for this player)
  bonus_not_active,     // the grant has ended (converted, forfeited or expired)
  no_free_rounds,       // a free round of a grant whose rounds are all played
  free_round_mismatch,  // a free round on another game, vendor, currency or stake
  not_owner,            // another node of the cluster owns the player's wallet
};

const char* to_string(wallet_errc x);

// True for errors after which the same request may simply be sent again.
bool is_retryable(wallet_errc x);

caf::atom_value wallet_error_category();

caf::error make_error(wallet_errc x);

// The wallet_errc inside an error of the wallet category, none otherwise. CAF's own
// delivery errors (receiver down, timeout) map to unavailable: the outcome is
// unknown and the request must be retried with the same id.
wallet_errc wallet_error_of(const caf::error& err);

} // namespace agg
