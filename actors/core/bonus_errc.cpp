#include "actors/core/bonus_errc.hpp"

namespace agg {

const char* to_string(bonus_errc x) {
  switch (x) {
    case bonus_errc::none:
      return "none";
    case bonus_errc::campaign_not_found:
      return "campaign_not_found";
    case bonus_errc::invalid_campaign:
      return "invalid_campaign";
    case bonus_errc::code_taken:
      return "code_taken";
    case bonus_errc::unknown_game:
      return "unknown_game";
    case bonus_errc::unknown_vendor:
      return "unknown_vendor";
    case bonus_errc::invalid_stake:
      return "invalid_stake";
    case bonus_errc::unknown_currency:
      return "unknown_currency";
    case bonus_errc::invalid_code:
      return "invalid_code";
    case bonus_errc::already_claimed:
      return "already_claimed";
    case bonus_errc::not_eligible:
      return "not_eligible";
    case bonus_errc::campaign_ended:
      return "campaign_ended";
    case bonus_errc::storage_error:
      return "storage_error";
  }
  return "unknown";
}

caf::atom_value bonus_error_category() {
  return caf::atom("bonus");
}

caf::error make_error(bonus_errc x) {
  return caf::error{static_cast<uint8_t>(x), bonus_error_category()};
}

} // namespace agg
