#include "actors/core/wallet_errc.hpp"

#include <caf/sec.hpp>

namespace agg {

const char* to_string(wallet_errc x) {
  switch (x) {
    case wallet_errc::none:
      return "none";
    case wallet_errc::insufficient_funds:
      return "insufficient_funds";
    case wallet_errc::duplicate_transaction:
      return "duplicate_transaction";
    case wallet_errc::transaction_rolled_back:
      return "transaction_rolled_back";
    case wallet_errc::transaction_not_found:
      return "transaction_not_found";
    case wallet_errc::round_closed:
      return "round_closed";
    case wallet_errc::round_settled:
      return "round_settled";
    case wallet_errc::round_mismatch:
      return "round_mismatch";
    case wallet_errc::not_rollbackable:
      return "not_rollbackable";
    case wallet_errc::invalid_request:
      return "invalid_request";
    case wallet_errc::invalid_amount:
      return "invalid_amount";
    case wallet_errc::balance_overflow:
      return "balance_overflow";
    case wallet_errc::account_blocked:
      return "account_blocked";
    case wallet_errc::wager_limit_reached:
      return "wager_limit_reached";
    case wallet_errc::loss_limit_reached:
      return "loss_limit_reached";
    case wallet_errc::bonus_stake_too_high:
      return "bonus_stake_too_high";
    case wallet_errc::no_free_rounds:
      return "no_free_rounds";
    case wallet_errc::free_round_mismatch:
      return "free_round_mismatch";
    case wallet_errc::not_owner:
      return "not_owner";
    case wallet_errc::bonus_not_found:
      return "bonus_not_found";
    case wallet_errc::bonus_not_active:
      return "bonus_not_active";
    case wallet_errc::storage_error:
      return "storage_error";
    case wallet_errc::unavailable:
      return "unavailable";
  }
  return "unknown";
}

bool is_retryable(wallet_errc x) {
  return x == wallet_errc::storage_error || x == wallet_errc::unavailable;
}

caf::atom_value wallet_error_category() {
  return caf::atom("wallet");
}

caf::error make_error(wallet_errc x) {
  return caf::error{static_cast<uint8_t>(x), wallet_error_category()};
}

wallet_errc wallet_error_of(const caf::error& err) {
  if (!err) return wallet_errc::none;
  if (err.category() == wallet_error_category())
    return static_cast<wallet_errc>(err.code());
  return wallet_errc::unavailable;
}

} // namespace agg
