#include "persistence/event_log.hpp"

#include "persistence/ledger_rows.hpp"

#include <algorithm>

namespace agg {

namespace db {

activity_record read_activity(const statement& st, int first) {
  activity_record a;
  a.gseq = st.int64(first + 0);
  a.kind = static_cast<uint8_t>(st.int64(first + 1));
  a.player_id = st.int64(first + 2);
  a.created_us = st.int64(first + 3);
  a.address = st.text(first + 4);
  a.device = {st.text(first + 5), st.text(first + 6), st.text(first + 7),
              st.text(first + 8), st.text(first + 9), st.text(first + 10)};
  a.detail = st.text(first + 11);
  copy_hash(st.blob(first + 12), a.hash);
  copy_hash(st.blob(first + 13), a.ghash);
  return a;
}

} // namespace db

using namespace std::string_literals;

event_log::event_log(db::connection& conn)
    : ledger_(
          conn.prepare("SELECT "s + db::entry_columns +
                       ", (SELECT game_id FROM rounds r WHERE r.source = ledger.source"
                       " AND r.round_id = ledger.round_id)"
                       " FROM ledger WHERE gseq > ? ORDER BY gseq LIMIT ?")),
      activity_(conn.prepare("SELECT "s + db::activity_columns +
                             " FROM activity WHERE gseq > ? ORDER BY gseq LIMIT ?")),
      player_ledger_(conn.prepare("SELECT "s + db::entry_columns +
                                  " FROM ledger WHERE player_id = ? AND created_us < ?"
                                  " ORDER BY seq DESC LIMIT ?")),
      player_activity_(
          conn.prepare("SELECT "s + db::activity_columns +
                       " FROM activity WHERE player_id = ? AND created_us < ?"
                       " ORDER BY gseq DESC LIMIT ?")),
      cursor_(conn.prepare("SELECT gseq FROM feed_cursors WHERE name = ?")),
      head_ledger_(conn.prepare("SELECT coalesce(max(gseq), 0) FROM ledger")),
      head_activity_(conn.prepare("SELECT coalesce(max(gseq), 0) FROM activity")) {}

std::vector<feed_event> event_log::after(int64_t after, int64_t limit) {
  std::vector<feed_event> out;
  if (limit <= 0) return out;
  // Both tables from `after`, merged by gseq; each query reads at most `limit`.
  ledger_.reset();
  ledger_.bind(1, after).bind(2, limit);
  while (ledger_.step()) {
    feed_event ev;
    ev.money = db::read_entry(ledger_);
    ev.money.game = ledger_.text(16);
    out.push_back(std::move(ev));
  }
  activity_.reset();
  activity_.bind(1, after).bind(2, limit);
  size_t money = out.size();
  while (activity_.step()) {
    feed_event ev;
    ev.is_money = false;
    ev.activity = db::read_activity(activity_);
    out.push_back(std::move(ev));
  }
  std::inplace_merge(
      out.begin(), out.begin() + static_cast<std::ptrdiff_t>(money), out.end(),
      [](const feed_event& a, const feed_event& b) { return a.gseq() < b.gseq(); });
  if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
  // Only a gap-free run from `after` is an answer: a reader whose snapshot sees a hole
  // (none should exist) stops before it.
  int64_t expect = after + 1;
  size_t keep = 0;
  while (keep < out.size() && out[keep].gseq() == expect) {
    ++keep;
    ++expect;
  }
  out.resize(keep);
  return out;
}

std::vector<feed_event> event_log::of_player(int64_t player, int64_t before_us,
                                             int64_t limit) {
  std::vector<feed_event> out;
  if (limit <= 0) return out;
  player_ledger_.reset();
  player_ledger_.bind(1, player).bind(2, before_us).bind(3, limit);
  while (player_ledger_.step()) {
    feed_event ev;
    ev.money = db::read_entry(player_ledger_);
    out.push_back(std::move(ev));
  }
  player_ledger_.reset();
  player_activity_.reset();
  player_activity_.bind(1, player).bind(2, before_us).bind(3, limit);
  while (player_activity_.step()) {
    feed_event ev;
    ev.is_money = false;
    ev.activity = db::read_activity(player_activity_);
    out.push_back(std::move(ev));
  }
  player_activity_.reset();
  // Newest first: by time, and within one microsecond by the global order.
  std::sort(out.begin(), out.end(), [](const feed_event& a, const feed_event& b) {
    if (a.created_us() != b.created_us()) return a.created_us() > b.created_us();
    return a.gseq() > b.gseq();
  });
  if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
  return out;
}

int64_t event_log::head() {
  head_ledger_.reset();
  head_activity_.reset();
  int64_t h = 0;
  if (head_ledger_.step()) h = head_ledger_.int64(0);
  if (head_activity_.step()) h = std::max(h, head_activity_.int64(0));
  head_ledger_.reset();
  head_activity_.reset();
  return h;
}

std::optional<int64_t> event_log::cursor(const std::string& name) {
  cursor_.reset();
  cursor_.bind(1, name);
  std::optional<int64_t> out;
  if (cursor_.step()) out = cursor_.int64(0);
  cursor_.reset();
  return out;
}

} // namespace agg
