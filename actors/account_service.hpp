#pragma once

// The account service: a pool of detached workers, each with its own database
// connection, that register players (argon2id password hashes, which are slow on
// purpose and so never run on the cooperative scheduler), log them in, revoke
// sessions, change account status and write the operator audit trail.

#include "actors/messages.hpp"
#include "actors/token_authority.hpp"
#include "persistence/sqlite.hpp"

#include <memory>

namespace agg {

using account_actor = caf::typed_actor<
    caf::replies_to<register_atom, register_request>::with<login_grant>,
    caf::replies_to<login_atom, std::string, std::string>::with<login_grant>,
    // Revokes the session (id, expiry of its token).
    caf::replies_to<logout_atom, std::string, int64_t>::with<bool>,
    // Extends a session to a new token expiry; false when it was revoked meanwhile.
    caf::replies_to<refresh_atom, std::string, int64_t>::with<bool>,
    caf::replies_to<account_atom, int64_t>::with<account_view>,
    // Sets the status (account_status); leaving active voids the player's tokens.
    caf::replies_to<status_atom, int64_t, uint8_t>::with<account_view>,
    caf::replies_to<audit_atom, audit_record>::with<bool>,
    // The newest audit records, at most this many.
    caf::replies_to<audit_atom, int64_t>::with<audit_page>>;

struct account_options {
  std::string db_path;
  db::tuning tuning;
  uint64_t password_ops_limit = 2;       // argon2id passes
  size_t password_mem_bytes = 64u << 20; // argon2id memory
  size_t workers = 2;
};

// Validation shared with every edge that takes these fields.
bool valid_username(const std::string& s);
bool valid_password(const std::string& s);
bool valid_email(const std::string& s);

// Spawns the worker pool (round robin). Loads the revocation state into `tokens`.
account_actor spawn_account_service(caf::actor_system& sys, const account_options& opts,
                                    std::shared_ptr<token_authority> tokens);

} // namespace agg
