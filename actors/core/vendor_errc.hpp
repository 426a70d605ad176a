#pragma once

// Errors of vendor connections and rounds, with stable wire names.

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>

namespace agg {

enum class vendor_errc : uint8_t {
  none = 0,
  vendor_unavailable = 1, // circuit open, vendor down or not configured
  vendor_busy,            // the vendor's concurrency limit is reached; retry later
  unknown_game,
  invalid_stake,  // below the minimum, above a maximum, or not a multiple of the step
  invalid_params, // the game refused its parameters; nothing was debited
  currency_not_supported,
  vendor_error, // the outcome failed; the stake was refunded
  not_provably_fair,
  round_unsettled, // the win could not be paid yet; the round is settled later
};

const char* to_string(vendor_errc x);
caf::atom_value vendor_error_category();
caf::error make_error(vendor_errc x);

} // namespace agg
