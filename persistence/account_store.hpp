#pragma once

// Player accounts, login sessions and the operator audit trail. No CAF.

#include "persistence/kyc.hpp"
#include "persistence/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace agg {

enum class account_status : uint8_t {
  active = 1,
  locked = 2,        // by an operator
  self_excluded = 3, // by the player, until excluded_until_us (0: for good)
  cooling_off = 4,   // by the player, a pause until excluded_until_us
};

const char* to_string(account_status s);
// Returns false for an unknown name.
bool account_status_from_string(const std::string& name, account_status& out);

struct account {
  int64_t player_id = 0;
  std::string username;
  std::string password_hash; // argon2id, libsodium's encoded string
  std::string email;
  std::string currency;
  uint8_t status = static_cast<uint8_t>(account_status::active);
  int64_t tokens_valid_after_us = 0; // tokens issued before this are void
  int64_t created_us = 0;
  int64_t updated_us = 0;
  int64_t failed_logins = 0; // since the last login
  int64_t last_failed_login_us = 0;
  int64_t locked_out_until_us = 0; // logins from unknown addresses refused until then
  uint8_t kyc = static_cast<uint8_t>(kyc_status::unverified);
  int64_t kyc_level = 0; // the operator's verification tier
  std::string kyc_reason;
  int64_t kyc_updated_us = 0;
  int64_t excluded_until_us = 0; // self_excluded or cooling_off until then (0: for good)
  std::string country;           // ISO 3166-1 alpha-2, or empty
};

// The registration data accounts are linked by (docs/risk.md): 32 hex digits of the
// SHA-256 of the normalized mailbox (lower case; in the local part no dots and nothing
// from a '+'), empty for text without an '@'.
std::string email_key(const std::string& email);

struct audit_record {
  int64_t at_us = 0;
  std::string actor; // API key name
  std::string role;
  std::string action; // e.g. "player.lock"
  std::string target; // e.g. "player:17"
  std::string request_id;
  std::string detail; // JSON
};

class account_store {
public:
  explicit account_store(db::connection& conn);

  // Returns the new player id, or nothing when the username is taken.
  std::optional<int64_t> create(const account& a);
  // In a cluster: new players get the lowest id above every id here that this node
  // owns (node_set::owns), so that ids never meet across the nodes' shards.
  void pick_ids(std::function<bool(int64_t player_id)> owns) { owns_ = std::move(owns); }
  std::optional<account> by_id(int64_t player_id);
  std::optional<account> by_username(const std::string& username);
  // Sets the status; leaving `active` also voids every token issued so far.
  // Returns false for an unknown player.
  bool set_status(int64_t player_id, account_status status, int64_t now_us);
  // Sets the status with the end of an exclusion (0: none, or for good); false for an
  // unknown player. Leaving `active` voids every token issued so far.
  bool set_exclusion(int64_t player_id, account_status status, int64_t until_us,
                     int64_t now_us);
  // Sets the KYC status, level and reason; false for an unknown player.
  bool set_kyc(int64_t player_id, kyc_status status, int64_t level,
               const std::string& reason, int64_t now_us);

  // A failed login: counts it; returns the failures since the last login.
  int64_t record_failed_login(int64_t player_id, int64_t now_us);
  // Refuses logins from unknown addresses until `until_us` (a later lockout stands).
  void lock_out(int64_t player_id, int64_t until_us);
  // A login: clears the failures and the lockout, and remembers the address (the
  // newest `addresses_max` per account are kept).
  void record_login(int64_t player_id, const std::string& address, int64_t now_us);
  // Whether the account logged in from `address` since `since_us`.
  bool known_address(int64_t player_id, const std::string& address, int64_t since_us);

  void add_session(const std::string& session_id, int64_t player_id, int64_t created_us,
                   int64_t expires_us);
  // Returns false when the session is unknown or already revoked.
  bool revoke_session(const std::string& session_id, int64_t now_us);
  // Records a later token expiry (a refresh); false when unknown or revoked. A
  // revocation is remembered across restarts until the latest expiry.
  bool extend_session(const std::string& session_id, int64_t expires_us);
  // Revoked sessions that have not expired yet, as (session id, expires_us).
  std::vector<std::pair<std::string, int64_t>> revoked_sessions(int64_t now_us);
  // Players whose older tokens are void, as (player id, tokens_valid_after_us).
  std::vector<std::pair<int64_t, int64_t>> token_cutoffs();

  void audit(const audit_record& r);
  // Newest first, at most `limit`.
  std::vector<audit_record> audit_trail(int64_t limit);

private:
  std::optional<account> one(db::statement& st);

  db::connection& conn_;
  db::statement insert_;
  std::function<bool(int64_t)> owns_;
  db::statement by_id_;
  db::statement by_name_;
  db::statement set_status_;
  db::statement add_session_;
  db::statement revoke_session_;
  db::statement extend_session_;
  db::statement insert_audit_;
  db::statement failed_login_;
  db::statement lock_out_;
  db::statement clear_failures_;
  db::statement remember_address_;
  db::statement trim_addresses_;
  db::statement known_address_;
};

// Addresses remembered per account.
inline constexpr int64_t account_addresses_max = 16;

} // namespace agg
