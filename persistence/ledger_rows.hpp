#pragma once

// Column list and row decoding shared by every query that reads ledger entries.

#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

#include <algorithm>

namespace agg::db {

inline constexpr const char* entry_columns =
    "player_id, seq, kind, source, tx_id, ref_tx_id, round_id, currency, amount, "
    "balance_after, created_us, prev_hash, hash, gseq, ghash, bonus";

inline void copy_hash(const std::vector<uint8_t>& bytes, hash256& out) {
  out.fill(0);
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
}

// Reads the entry_columns starting at column `first`.
inline ledger_entry read_entry(const statement& st, int first = 0) {
  ledger_entry e;
  e.player_id = st.int64(first + 0);
  e.seq = st.int64(first + 1);
  e.kind = static_cast<uint8_t>(st.int64(first + 2));
  e.source = st.text(first + 3);
  e.tx_id = st.text(first + 4);
  e.ref_tx_id = st.text(first + 5);
  e.round_id = st.text(first + 6);
  e.currency = st.text(first + 7);
  e.amount = st.int64(first + 8);
  e.balance_after = st.int64(first + 9);
  e.created_us = st.int64(first + 10);
  copy_hash(st.blob(first + 11), e.prev_hash);
  copy_hash(st.blob(first + 12), e.hash);
  e.gseq = st.int64(first + 13);
  copy_hash(st.blob(first + 14), e.ghash);
  e.bonus = st.text(first + 15);
  return e;
}

inline constexpr const char* round_columns =
    "source, round_id, player_id, currency, bet_count, open_bet_count, "
    "rolled_back_count, "
    "bet_total, win_total, refund_total, credited, closed, opened_us, updated_us, "
    "game_id, "
    "detail";

// A studio's rounds opened before a time, oldest first, that have no win credited yet
// (to settle) or are not closed yet (open, for reconciliation); parameters: source,
// before_us, limit. Both read through the rounds_pending index.
inline constexpr const char* unsettled_rounds_where =
    "source = ? AND credited = 0 AND open_bet_count > 0 AND opened_us < ? "
    "ORDER BY opened_us LIMIT ?";
inline constexpr const char* open_rounds_where =
    "source = ? AND closed = 0 AND open_bet_count > 0 AND opened_us < ? "
    "ORDER BY opened_us LIMIT ?";

// Reads the round_columns starting at column `first`.
inline round_record read_round(const statement& st, int first = 0) {
  round_record r;
  r.source = st.text(first + 0);
  r.round_id = st.text(first + 1);
  r.player_id = st.int64(first + 2);
  r.currency = st.text(first + 3);
  r.bet_count = st.int64(first + 4);
  r.open_bet_count = st.int64(first + 5);
  r.rolled_back_count = st.int64(first + 6);
  r.bet_total = st.int64(first + 7);
  r.win_total = st.int64(first + 8);
  r.refund_total = st.int64(first + 9);
  r.credited = st.int64(first + 10) != 0;
  r.closed = st.int64(first + 11) != 0;
  r.opened_us = st.int64(first + 12);
  r.updated_us = st.int64(first + 13);
  r.game_id = st.text(first + 14);
  r.detail = st.text(first + 15);
  return r;
}

} // namespace agg::db
