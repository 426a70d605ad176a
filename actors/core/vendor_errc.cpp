#include "actors/core/vendor_errc.hpp"

namespace agg {

const char* to_string(vendor_errc x) {
  switch (x) {
    case vendor_errc::none:
      return "none";
    case vendor_errc::vendor_unavailable:
      return "vendor_unavailable";
    case vendor_errc::vendor_busy:
      return "vendor_busy";
    case vendor_errc::unknown_game:
      return "unknown_game";
    case vendor_errc::invalid_stake:
      return "invalid_stake";
    case vendor_errc::invalid_params:
      return "invalid_params";
    case vendor_errc::currency_not_supported:
      return "currency_not_supported";
    case vendor_errc::vendor_error:
      return "vendor_error";
    case vendor_errc::not_provably_fair:
      return "not_provably_fair";
    case vendor_errc::round_unsettled:
      return "round_unsettled";
  }
  return "unknown";
}

caf::atom_value vendor_error_category() {
  return caf::atom("vendor");
}

caf::error make_error(vendor_errc x) {
  return caf::error{static_cast<uint8_t>(x), vendor_error_category()};
}

} // namespace agg
