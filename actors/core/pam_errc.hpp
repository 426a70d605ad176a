#pragma once

// Errors of the account service (player account management), as values with stable
// wire names.

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>

namespace agg {

enum class pam_errc : uint8_t {
  none = 0,
  username_taken = 1,
  invalid_credentials, // unknown username or wrong password: not told apart
  account_locked,
  account_self_excluded,
  invalid_username, // 3 to 32 of A-Z a-z 0-9 . _ -
  weak_password,    // 8 to 128 bytes
  invalid_email,
  invalid_currency,
  player_not_found,
  storage_error, // retryable
  // Logins refused before any password is checked; the error's context holds the
  // time (int64_t, microseconds since the epoch) from which a retry can succeed.
  address_blocked,    // too many failed logins from the client's address
  account_locked_out, // too many failed logins for the account
  rate_limited,       // the login queue (in all, for the address or the account) is full
  invalid_kyc,   // not a KYC status (unverified, pending, verified, rejected, expired)
  invalid_limit, // an unknown limit, or an amount out of its range
  account_cooling_off, // the player paused the account (cool-off) until a time
  invalid_country,     // not two letters A-Z (ISO 3166-1 alpha-2)
  // Too many registrations from the client's address or device lately; the error's
  // context holds when a retry can succeed (docs/risk.md).
  registrations_blocked,
};

const char* to_string(pam_errc x);
caf::atom_value pam_error_category();
caf::error make_error(pam_errc x);
// An error that says when a retry can succeed.
caf::error make_error(pam_errc x, int64_t retry_at_us);
// The retry time an error carries, or 0.
int64_t retry_at_of(const caf::error& err);

} // namespace agg
