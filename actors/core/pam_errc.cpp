#include "actors/core/pam_errc.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace agg {

const char* to_string(pam_errc x) {
  switch (x) {
    case pam_errc::none:
      return "none";
    case pam_errc::username_taken:
      return "username_taken";
    case pam_errc::invalid_credentials:
      return "invalid_credentials";
    case pam_errc::account_locked:
      return "account_locked";
    case pam_errc::account_self_excluded:
      return "account_self_excluded";
    case pam_errc::invalid_username:
      return "invalid_username";
    case pam_errc::weak_password:
      return "weak_password";
    case pam_errc::invalid_email:
      return "invalid_email";
    case pam_errc::invalid_currency:
      return "invalid_currency";
    case pam_errc::invalid_country:
      return "invalid_country";
    case pam_errc::registrations_blocked:
      return "registrations_blocked";
    case pam_errc::player_not_found:
      return "player_not_found";
    case pam_errc::storage_error:
      return "storage_error";
    case pam_errc::address_blocked:
      return "address_blocked";
    case pam_errc::account_locked_out:
      return "account_locked_out";
    case pam_errc::rate_limited:
      return "rate_limited";
    case pam_errc::invalid_kyc:
      return "invalid_kyc";
    case pam_errc::invalid_limit:
      return "invalid_limit";
    case pam_errc::account_cooling_off:
      return "account_cooling_off";
  }
  return "unknown";
}

caf::atom_value pam_error_category() {
  return caf::atom("pam");
}

caf::error make_error(pam_errc x) {
  return caf::error{static_cast<uint8_t>(x), pam_error_category()};
}

caf::error make_error(pam_errc x, int64_t retry_at_us) {
  return caf::error{static_cast<uint8_t>(x), pam_error_category(),
                    caf::make_message(retry_at_us)};
}

int64_t retry_at_of(const caf::error& err) {
  const auto& ctx = err.context();
  return ctx.match_elements<int64_t>() ? ctx.get_as<int64_t>(0) : 0;
}

} // namespace agg
