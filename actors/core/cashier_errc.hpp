#pragma once

// Errors of the cashier (payments through providers), as values with stable wire names
// (docs/cashier.md).

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>

namespace agg {

enum class cashier_errc : uint8_t {
  none = 0,
  unknown_provider = 1, // no payment provider of that id is configured
  invalid_amount,       // not a whole number of minor units in 1..payment_amount_max
  invalid_instrument,   // 1 to 64 printable ASCII characters
  invalid_currency,     // not the account's currency
  payment_not_found,
  provider_unavailable,  // the provider's circuit is open, or it did not answer in time
  storage_error,         // retryable
  player_not_found,      // no account of that id
  kyc_required,          // KYC not verified: withdrawals, deposits above the threshold
  account_not_active,    // a withdrawal from a locked or self-excluded account
  risk_refused,          // the risk gate refused the withdrawal
  bonus_refused,         // the bonus rule refused the withdrawal (wagering open)
  not_cancellable,       // a withdrawal already sent, or final
  not_reviewable,        // an operator's decision on a withdrawal not held for review
  deposit_limit_reached, // the deposit would exceed the player's deposit limit
};

const char* to_string(cashier_errc x);
caf::atom_value cashier_error_category();
caf::error make_error(cashier_errc x);

} // namespace agg
