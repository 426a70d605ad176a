#pragma once

// Column list and row decoding shared by every query that reads bonus grants.

#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

namespace agg::db {

inline constexpr const char* grant_columns =
    "grant_id, player_id, campaign_id, currency, status, amount, balance, "
    "wagering_required, wagered, max_stake, max_conversion, default_weight, weights, "
    "expires_us, created_us, updated_us, converted, forfeited, vendor, game_id, "
    "free_rounds, free_open, free_bet, max_win, won, wagering_x100";

// Reads the grant_columns starting at column `first`.
inline bonus_grant read_grant(const statement& st, int first = 0) {
  bonus_grant g;
  g.grant_id = st.text(first + 0);
  g.player_id = st.int64(first + 1);
  g.campaign_id = st.text(first + 2);
  g.currency = st.text(first + 3);
  g.status = static_cast<uint8_t>(st.int64(first + 4));
  g.amount = st.int64(first + 5);
  g.balance = st.int64(first + 6);
  g.wagering_required = st.int64(first + 7);
  g.wagered = st.int64(first + 8);
  g.max_stake = st.int64(first + 9);
  g.max_conversion = st.int64(first + 10);
  g.default_weight = st.int64(first + 11);
  g.weights = st.text(first + 12);
  g.expires_us = st.int64(first + 13);
  g.created_us = st.int64(first + 14);
  g.updated_us = st.int64(first + 15);
  g.converted = st.int64(first + 16);
  g.forfeited = st.int64(first + 17);
  g.vendor = st.text(first + 18);
  g.game_id = st.text(first + 19);
  g.free_rounds = st.int64(first + 20);
  g.free_open = st.int64(first + 21);
  g.free_bet = st.int64(first + 22);
  g.max_win = st.int64(first + 23);
  g.won = st.int64(first + 24);
  g.wagering_x100 = st.int64(first + 25);
  return g;
}

} // namespace agg::db
