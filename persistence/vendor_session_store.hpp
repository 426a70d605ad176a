#pragma once

// Game sessions of seamless-wallet studios: the token created when a player launches a
// game, bound to the player, the game and the currency. A newer launch supersedes the
// player's older tokens with that vendor. No CAF.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace agg {

struct vendor_session {
  std::string token;
  std::string vendor;
  int64_t player_id = 0;
  std::string game_code;
  std::string currency;
  int64_t created_us = 0;
  int64_t expires_us = 0;
  bool superseded = false;
};

class vendor_session_store {
public:
  explicit vendor_session_store(db::connection& conn);

  // Stores a new session and supersedes the player's earlier ones with the vendor.
  void create(const vendor_session& s);
  // In one transaction: supersedes `old_token` if it is still live and stores `s`;
  // false (nothing changed) when `old_token` is not live.
  bool replace(const std::string& old_token, const vendor_session& s);
  std::optional<vendor_session> find(const std::string& token);

private:
  void insert(const vendor_session& s);

  db::connection& conn_;
  db::statement supersede_;
  db::statement supersede_one_;
  db::statement insert_;
  db::statement find_;
};

} // namespace agg
