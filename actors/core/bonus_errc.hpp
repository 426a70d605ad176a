#pragma once

// Errors of the bonus service's campaigns and claims, as values with stable wire names
// (docs/bonus.md). Grants' own errors are the wallet's (bonus_not_found, ...).

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>

namespace agg {

enum class bonus_errc : uint8_t {
  none = 0,
  campaign_not_found = 1, // no campaign of that id
  invalid_campaign,       // terms out of range (weights outside 0..100, no amount, ...)
  code_taken,             // another campaign has that code
  unknown_game,           // a free-spins campaign names a game its vendor lacks
  unknown_vendor,         // a free-spins campaign names no configured vendor
  invalid_stake,          // the game refuses the free rounds' bet
  unknown_currency,       // the free rounds' game is not offered in a listed currency
  invalid_code,           // no campaign has that code, or it is not running now
  already_claimed,        // the player claimed the code before
  not_eligible,           // currency, country, KYC level, account state or grants cap
  campaign_ended,         // an ended campaign cannot change
  storage_error,          // retryable
};

const char* to_string(bonus_errc x);
caf::atom_value bonus_error_category();
caf::error make_error(bonus_errc x);

} // namespace agg
