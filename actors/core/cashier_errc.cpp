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
