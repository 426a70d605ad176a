#pragma once

// The account service: detached workers, each with its own database connection. The
// pool behind account_actor revokes and extends sessions, reads accounts, changes their
// status and writes the operator audit trail. Password work (registering with an
// argon2id hash, logging in against one) is slow on purpose and runs on workers of its
// own, which only the login gate (login_gate.hpp) calls: it decides what is hashed
// when, so that a flood cannot starve anybody else.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "actors/players/token_authority.hpp"
#include "persistence/sqlite.hpp"

#include <memory>

namespace agg {

using account_actor = caf::typed_actor<
    // Revokes the session (id, expiry of its token).
    caf::replies_to<logout_atom, std::string, int64_t>::with<bool>,
    // Extends a session to a new token expiry; false when it was revoked meanwhile.
    caf::replies_to<refresh_atom, std::string, int64_t>::with<bool>,
    caf::replies_to<account_atom, int64_t>::with<account_view>,
    // The account of a username (exact, as registered); player_not_found when none.
    caf::replies_to<account_atom, std::string>::with<account_view>,
    // Sets the status (account_status) for whom (the client's address, or
    // "operator:<key name>"), recorded as an activity; leaving active voids the
    // player's tokens.
    caf::replies_to<status_atom, int64_t, uint8_t, std::string>::with<account_view>,
    // The player's own exclusion (self_excluded or cooling_off) until a time (0: for
    // good); a longer one already standing is kept (account_self_excluded).
    caf::replies_to<status_atom, int64_t, uint8_t, std::string,
                    int64_t>::with<account_view>,
    // Sets the KYC status, level and reason, recorded as an activity (kyc_changed).
    caf::replies_to<kyc_atom, kyc_change>::with<account_view>,
    caf::replies_to<audit_atom, audit_record>::with<bool>,
    // The newest audit records, at most this many.
    caf::replies_to<audit_atom, int64_t>::with<audit_page>>;

// Registering and logging in. A login refused for its credentials is
// invalid_credentials; one refused for a lockout is account_locked_out with the
// lockout's end (pam_errc.hpp).
using password_actor =
    caf::typed_actor<caf::replies_to<register_atom, register_request>::with<login_grant>,
                     caf::replies_to<login_atom, login_request>::with<login_grant>>;

// An account's lockout after repeated failed logins: every `failures_max` failures
// since its last login lock it out for `base_us`, doubled at each further lockout up
// to `max_us`. Addresses the account logged in from within `known_address_us` are not
// held back by it.
struct lockout_policy {
  int64_t failures_max = 5;
  int64_t base_us = 60'000'000;
  int64_t max_us = 3'600'000'000;
  int64_t known_address_us = int64_t{30} * 86'400'000'000;

  // The end of the lockout a failed login starts, or 0 when it starts none.
  int64_t locked_out_until(int64_t failures_since_login, int64_t now_us) const;
};

struct account_options {
  std::string db_path;
  db::tuning tuning;
  uint64_t password_ops_limit = 2;       // argon2id passes
  size_t password_mem_bytes = 64u << 20; // argon2id memory
  size_t workers = 2;                    // the pool's database workers
  lockout_policy lockout;
  std::shared_ptr<metrics> stats; // may be empty
  // In a cluster: the ids this node may give new players (account_store::pick_ids).
  std::function<bool(int64_t player_id)> owns;
};

// Validation shared with every edge that takes these fields.
bool valid_username(const std::string& s);
bool valid_password(const std::string& s);
bool valid_email(const std::string& s);
// Empty, or two letters A-Z (ISO 3166-1 alpha-2).
bool valid_country(const std::string& s);

// Spawns the worker pool (round robin). Loads the revocation state into `tokens`.
account_actor spawn_account_service(caf::actor_system& sys, const account_options& opts,
                                    std::shared_ptr<token_authority> tokens);

// Spawns one password worker (detached, with a database connection of its own).
password_actor spawn_password_worker(caf::actor_system& sys, const account_options& opts,
                                     std::shared_ptr<token_authority> tokens);

} // namespace agg
