#include "actors/core/cashier_errc.hpp"

namespace agg {

const char* to_string(cashier_errc x) {
  switch (x) {
    case cashier_errc::none:
      return "none";
    case cashier_errc::unknown_provider:
      return "unknown_provider";
    case cashier_errc::invalid_amount:
      return "invalid_amount";
    case cashier_errc::invalid_instrument:
      return "invalid_instrument";
    case cashier_errc::invalid_currency:
      return "invalid_currency";
    case cashier_errc::payment_not_found:
      return "payment_not_found";
    case cashier_errc::provider_unavailable:
      return "provider_unavailable";
    case cashier_errc::storage_error:
      return "storage_error";
    case cashier_errc::player_not_found:
      return "player_not_found";
    case cashier_errc::kyc_required:
      return "kyc_required";
    case cashier_errc::account_not_active:
      return "account_not_active";
    case cashier_errc::risk_refused:
      return "risk_refused";
    case cashier_errc::bonus_refused:
      return "bonus_refused";
    case cashier_errc::not_cancellable:
      return "not_cancellable";
    case cashier_errc::not_reviewable:
      return "not_reviewable";
    case cashier_errc::deposit_limit_reached:
      return "deposit_limit_reached";
  }
  return "unknown";
}

caf::atom_value cashier_error_category() {
  return caf::atom("cashier");
}

caf::error make_error(cashier_errc x) {
  return caf::error{static_cast<uint8_t>(x), cashier_error_category()};
}

} // namespace agg
