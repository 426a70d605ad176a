#pragma once

// Session tokens: "v1.<payload>.<mac>", base64url, the payload carrying player id,
// session id, issue and expiry time, the mac HMAC-SHA256 over "v1.<payload>" with the
// server's key. Checked without any database read: signature, expiry, and an
// in-memory revocation list (logged out sessions; players whose older tokens were
// voided by a lock) that the account service keeps current. Thread-safe.

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace agg {

struct token_claims {
  int64_t player_id = 0;
  std::string session_id;
  int64_t issued_us = 0;
  int64_t expires_us = 0;
};

enum class token_check : uint8_t { ok, malformed, bad_signature, expired, revoked };

const char* to_string(token_check c);

class token_authority {
public:
  // `key` is the raw signing key (at least 32 bytes).
  token_authority(std::string key, int64_t ttl_us);

  std::string issue(const token_claims& claims) const;
  // The player a token names, read without any check (a cluster routes by it; the
  // owner checks the token in full). Nothing when it is not a token's shape.
  static std::optional<int64_t> peek_player(std::string_view token);
  // Full check of a token presented by a client.
  token_check verify(std::string_view token, int64_t now_us, token_claims& out) const;
  // Expiry and revocation of claims verified earlier (no signature work).
  token_check still_valid(const token_claims& claims, int64_t now_us) const;

  void revoke_session(const std::string& session_id, int64_t expires_us);
  // Voids every token of the player issued before `before_us`.
  void revoke_player(int64_t player_id, int64_t before_us);

  int64_t ttl_us() const { return ttl_us_; }

  // Random 128-bit session id, hex.
  static std::string new_session_id();

private:
  std::string mac(std::string_view data) const;

  std::string key_;
  int64_t ttl_us_;
  mutable std::shared_mutex mtx_;
  std::unordered_map<std::string, int64_t> revoked_sessions_; // id -> expires_us
  std::unordered_map<int64_t, int64_t> player_cutoffs_;       // player -> valid after
};

// Reads the signing key from `path` (hex, 64 characters); creates it with a fresh
// random key (mode 0600) when the file does not exist. Throws std::runtime_error
// with a message naming the file when it cannot.
std::string load_or_create_token_key(const std::string& path);

} // namespace agg
