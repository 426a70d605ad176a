#include "persistence/ledger_store.hpp"

#include "common/clock.hpp"
#include "persistence/bonus_parts.hpp"
#include "persistence/grant_rows.hpp"
#include "persistence/ledger_rows.hpp"
#include "persistence/limit_store.hpp"

#include <limits>
#include <map>
#include <string>

namespace agg {

using namespace std::string_literals;

// -- ledger_reader -------------------------------------------------------------

ledger_reader::ledger_reader(db::connection& conn)
    : conn_(conn), limits_(conn), begin_(conn.prepare("BEGIN")),
      end_(conn.prepare("COMMIT")),
      head_(conn.prepare(
          "SELECT seq, hash FROM ledger WHERE player_id = ? ORDER BY seq DESC LIMIT 1")),
      balances_(conn.prepare("SELECT currency, balance FROM balances WHERE player_id = ? "
                             "ORDER BY currency")),
      status_(conn.prepare("SELECT status, currency FROM accounts WHERE player_id = ?")),
      entry_(conn.prepare("SELECT "s + db::entry_columns +
                          " FROM ledger WHERE source = ? AND tx_id = ?")),
      mark_(conn.prepare(
          "SELECT player_id FROM rollback_marks WHERE source = ? AND tx_id = ?")),
      round_(conn.prepare("SELECT "s + db::round_columns +
                          " FROM rounds WHERE source = ? AND round_id = ?")),
      unsettled_(conn.prepare("SELECT "s + db::round_columns + " FROM rounds WHERE " +
                              db::unsettled_rounds_where)),
      history_(conn.prepare("SELECT "s + db::entry_columns +
                            " FROM ledger WHERE player_id = ? AND seq < ?"
                            " ORDER BY seq DESC LIMIT ?")) {}

wallet_snapshot ledger_reader::load_wallet(int64_t player_id) {
  return snapshot([&] {
    wallet_snapshot s;
    s.player_id = player_id;
    head_.bind(1, player_id);
    if (head_.step()) {
      s.last_seq = head_.int64(0);
      db::copy_hash(head_.blob(1), s.last_hash);
    }
    head_.reset();
    balances_.bind(1, player_id);
    while (balances_.step())
      s.balances.push_back({balances_.text(0), balances_.int64(1)});
    balances_.reset();
    std::string currency;
    status_.bind(1, player_id);
    if (status_.step()) {
      s.account_status = static_cast<uint8_t>(status_.int64(0));
      currency = status_.text(1);
    }
    status_.reset();
    load_play(s, currency);
    load_grants(s);
    return s;
  });
}

// Grants ended this long ago no longer matter to a late win.
constexpr int64_t grant_memory_us = 7LL * 86'400'000'000;

void ledger_reader::load_grants(wallet_snapshot& s) {
  if (!grants_)
    grants_ = conn_.prepare("SELECT "s + db::grant_columns +
                            " FROM bonus_grants WHERE player_id = ? AND (status = 1 OR "
                            "updated_us >= ?) ORDER BY created_us, grant_id");
  auto& st = *grants_;
  st.reset();
  st.bind(1, s.player_id).bind(2, now_us() - grant_memory_us);
  while (st.step())
    s.grants.push_back(db::read_grant(st));
  st.reset();
}

void ledger_reader::load_play(wallet_snapshot& s, const std::string& currency) {
  s.limits = play_limits_of(limits_.of_player(s.player_id), currency);
  if (!s.limits.any()) return;
  // What was wagered and lost since the oldest period's start, newest entries first.
  auto now = now_us();
  s.totals.roll(now);
  auto oldest =
      std::min({s.totals.start_us[0], s.totals.start_us[1], s.totals.start_us[2]});
  if (!play_)
    play_ = conn_.prepare("SELECT kind, amount, created_us, bonus FROM ledger WHERE "
                          "player_id = ? AND currency = ? ORDER BY seq DESC");
  auto& st = *play_;
  st.reset();
  st.bind(1, s.player_id).bind(2, currency);
  while (st.step()) {
    auto created = st.int64(2);
    if (created < oldest) break;
    auto kind = static_cast<entry_kind>(st.int64(0));
    auto amount = st.int64(1);
    // Stakes, wins and refunds count whole, bonus money included (as the wallet counts
    // them live).
    if (auto bonus = st.text(3); !bonus.empty()) {
      std::vector<bonus_part> parts;
      if (parse_parts(bonus, parts)) amount += parts_total(parts);
    }
    int64_t stake = kind == entry_kind::bet ? -amount : 0;
    int64_t win = kind == entry_kind::win ? amount : 0;
    int64_t refund = kind == entry_kind::rollback ? amount : 0;
    for (int p = 0; p < limit_period_count; ++p)
      if (created >= s.totals.start_us[p]) {
        s.totals.wagered[p] += stake - refund;
        s.totals.lost[p] += stake - win - refund;
      }
  }
  st.reset();
}

std::optional<ledger_entry> ledger_reader::find_entry(std::string_view source,
                                                      std::string_view tx_id) {
  entry_.bind(1, source).bind(2, tx_id);
  std::optional<ledger_entry> out;
  if (entry_.step()) out = db::read_entry(entry_);
  entry_.reset();
  return out;
}

std::optional<rollback_mark> ledger_reader::find_mark(std::string_view source,
                                                      std::string_view tx_id) {
  mark_.bind(1, source).bind(2, tx_id);
  std::optional<rollback_mark> out;
  if (mark_.step())
    out = rollback_mark{std::string{source}, std::string{tx_id}, mark_.int64(0)};
  mark_.reset();
  return out;
}

std::optional<round_record> ledger_reader::find_round(std::string_view source,
                                                      std::string_view round_id) {
  round_.bind(1, source).bind(2, round_id);
  std::optional<round_record> out;
  if (round_.step()) out = db::read_round(round_);
  round_.reset();
  return out;
}

std::vector<round_record> ledger_reader::unsettled_rounds(std::string_view source,
                                                          int64_t before_us,
                                                          int64_t limit) {
  unsettled_.bind(1, source).bind(2, before_us).bind(3, limit);
  std::vector<round_record> out;
  while (unsettled_.step())
    out.push_back(db::read_round(unsettled_));
  unsettled_.reset();
  return out;
}

std::vector<round_record>
ledger_reader::recent_rounds(int64_t player_id, int64_t before_seq, int64_t limit) {
  return snapshot([&] {
    std::vector<round_record> out;
    // Entries with a round, newest first, until `limit` distinct rounds are found.
    for (int64_t cursor = before_seq; static_cast<int64_t>(out.size()) < limit;) {
      auto page = history(player_id, cursor, 4 * limit);
      for (const auto& e : page) {
        if (e.round_id.empty()) continue;
        bool seen = false;
        for (const auto& r : out)
          seen = seen || (r.source == e.source && r.round_id == e.round_id);
        if (seen) continue;
        if (auto r = find_round(e.source, e.round_id)) out.push_back(std::move(*r));
        if (static_cast<int64_t>(out.size()) == limit) break;
      }
      if (static_cast<int64_t>(page.size()) < 4 * limit) break;
      cursor = page.back().seq;
    }
    return out;
  });
}

std::vector<ledger_entry> ledger_reader::history(int64_t player_id, int64_t before_seq,
                                                 int64_t limit) {
  if (before_seq <= 0) before_seq = std::numeric_limits<int64_t>::max();
  history_.bind(1, player_id).bind(2, before_seq).bind(3, limit);
  std::vector<ledger_entry> out;
  while (history_.step())
    out.push_back(db::read_entry(history_));
  history_.reset();
  return out;
}

// -- ledger_appender -----------------------------------------------------------

ledger_appender::ledger_appender(db::connection& conn)
    : conn_(conn),
      head_(conn.prepare(
          "SELECT seq, hash FROM ledger WHERE player_id = ? ORDER BY seq DESC LIMIT 1")),
      insert_entry_(conn.prepare(
          "INSERT INTO ledger(player_id, seq, kind, source, tx_id, ref_tx_id, round_id, "
          "currency, amount, balance_after, created_us, prev_hash, hash, gseq, ghash, "
          "bonus, bonus_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?) "
          "ON CONFLICT(source, tx_id) DO NOTHING")),
      insert_mark_(conn.prepare("INSERT INTO rollback_marks(source, tx_id, player_id) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")),
      upsert_round_(conn.prepare(
          "INSERT INTO rounds(source, round_id, player_id, currency, bet_count, "
          "open_bet_count, rolled_back_count, bet_total, win_total, refund_total, "
          "credited, closed, opened_us, updated_us, game_id, detail) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(source, round_id) DO UPDATE SET bet_count = excluded.bet_count, "
          "open_bet_count = excluded.open_bet_count, "
          "rolled_back_count = excluded.rolled_back_count, bet_total = "
          "excluded.bet_total, "
          "win_total = excluded.win_total, refund_total = excluded.refund_total, "
          "credited = excluded.credited, closed = excluded.closed, "
          "updated_us = excluded.updated_us, game_id = excluded.game_id, "
          "detail = excluded.detail "
          "WHERE rounds.player_id = excluded.player_id "
          "AND rounds.currency = excluded.currency")),
      upsert_balance_(conn.prepare(
          "INSERT INTO balances(player_id, currency, balance) VALUES (?, ?, ?) "
          "ON CONFLICT(player_id, currency) DO UPDATE SET balance = excluded.balance")),
      upsert_grant_(conn.prepare(
          "INSERT INTO bonus_grants(grant_id, player_id, campaign_id, currency, status, "
          "amount, balance, wagering_required, wagered, max_stake, max_conversion, "
          "default_weight, weights, expires_us, created_us, updated_us, converted, "
          "forfeited, vendor, game_id, free_rounds, free_open, free_bet, max_win, won, "
          "wagering_x100) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(grant_id) DO UPDATE SET status = excluded.status, "
          "balance = excluded.balance, wagered = excluded.wagered, "
          "wagering_required = excluded.wagering_required, "
          "free_rounds = excluded.free_rounds, free_open = excluded.free_open, "
          "won = excluded.won, "
          "updated_us = excluded.updated_us, converted = excluded.converted, "
          "forfeited = excluded.forfeited WHERE bonus_grants.player_id = "
          "excluded.player_id")),
      insert_activity_(conn.prepare(
          "INSERT INTO activity(gseq, kind, player_id, created_us, address, device_id, "
          "device_user_agent, device_platform, device_screen, device_timezone, "
          "device_language, detail, hash, ghash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, "
          "?, ?, ?)")),
      upsert_cursor_(conn.prepare(
          "INSERT INTO feed_cursors(name, gseq, updated_us) VALUES (?, ?, ?) "
          "ON CONFLICT(name) DO UPDATE SET gseq = max(gseq, excluded.gseq), "
          "updated_us = excluded.updated_us")),
      global_(load_global_head(conn)) {}

ledger_appender::head ledger_appender::load_head(int64_t player_id) {
  if (auto i = heads_.find(player_id); i != heads_.end()) return i->second;
  head h;
  head_.bind(1, player_id);
  if (head_.step()) {
    h.seq = head_.int64(0);
    db::copy_hash(head_.blob(1), h.hash);
  }
  head_.reset();
  return h;
}

bool ledger_appender::write_one(const ledger_write& w, int64_t gseq,
                                const hash256& ghash) {
  const auto& e = w.entry;
  insert_entry_.bind(1, e.player_id)
      .bind(2, e.seq)
      .bind(3, int64_t{e.kind})
      .bind(4, e.source)
      .bind(5, e.tx_id)
      .bind(6, e.ref_tx_id)
      .bind(7, e.round_id)
      .bind(8, e.currency)
      .bind(9, e.amount)
      .bind(10, e.balance_after)
      .bind(11, e.created_us)
      .bind_blob(12, e.prev_hash)
      .bind_blob(13, e.hash)
      .bind(14, gseq)
      .bind_blob(15, ghash)
      .bind(16, e.bonus)
      .bind(17, parts_total_all(e.bonus))
      .run();
  if (conn_.changes() == 0) return false;
  for (const auto& g : w.grants) {
    upsert_grant_.bind(1, g.grant_id)
        .bind(2, g.player_id)
        .bind(3, g.campaign_id)
        .bind(4, g.currency)
        .bind(5, int64_t{g.status})
        .bind(6, g.amount)
        .bind(7, g.balance)
        .bind(8, g.wagering_required)
        .bind(9, g.wagered)
        .bind(10, g.max_stake)
        .bind(11, g.max_conversion)
        .bind(12, g.default_weight)
        .bind(13, g.weights)
        .bind(14, g.expires_us)
        .bind(15, g.created_us)
        .bind(16, g.updated_us)
        .bind(17, g.converted)
        .bind(18, g.forfeited)
        .bind(19, g.vendor)
        .bind(20, g.game_id)
        .bind(21, g.free_rounds)
        .bind(22, g.free_open)
        .bind(23, g.free_bet)
        .bind(24, g.max_win)
        .bind(25, g.won)
        .bind(26, g.wagering_x100)
        .run();
    if (conn_.changes() == 0) return false;
  }
  if (w.mark_rollback) {
    insert_mark_.bind(1, e.source).bind(2, e.ref_tx_id).bind(3, e.player_id).run();
    if (conn_.changes() == 0) return false;
  }
  if (w.has_round) {
    const auto& r = w.round;
    upsert_round_.bind(1, r.source)
        .bind(2, r.round_id)
        .bind(3, r.player_id)
        .bind(4, r.currency)
        .bind(5, r.bet_count)
        .bind(6, r.open_bet_count)
        .bind(7, r.rolled_back_count)
        .bind(8, r.bet_total)
        .bind(9, r.win_total)
        .bind(10, r.refund_total)
        .bind(11, int64_t{r.credited})
        .bind(12, int64_t{r.closed})
        .bind(13, r.opened_us)
        .bind(14, r.updated_us)
        .bind(15, r.game_id)
        .bind(16, r.detail)
        .run();
    if (conn_.changes() == 0) return false;
  }
  return true;
}

std::optional<ledger_appender::conflict>
ledger_appender::write_all(const std::vector<const std::vector<ledger_write>*>& batches,
                           const std::vector<int64_t>& stop_seq,
                           std::vector<append_outcome>& out,
                           std::unordered_map<int64_t, head>& overlay) {
  std::map<std::pair<int64_t, std::string>, int64_t> balances;
  for (size_t i = 0; i < batches.size(); ++i) {
    const auto& writes = *batches[i];
    if (writes.empty()) continue;
    auto player = writes.front().entry.player_id;
    auto it = overlay.find(player);
    if (it == overlay.end()) it = overlay.emplace(player, load_head(player)).first;
    auto& h = it->second;
    for (const auto& w : writes) {
      const auto& e = w.entry;
      if (e.seq >= stop_seq[i]) break;
      if (e.player_id != player || e.seq != h.seq + 1 || e.prev_hash != h.hash) {
        out[i].failed_seq = e.seq;
        out[i].failure = append_failure::chain_break;
        break;
      }
      auto place = global_;
      auto ghash = global_hash(place.ghash, place.gseq + 1, record_kind::ledger, e.hash);
      if (!write_one(w, place.gseq + 1, ghash)) return conflict{i, e.seq};
      global_ = {place.gseq + 1, ghash};
      if (out[i].first_gseq == 0) out[i].first_gseq = global_.gseq;
      out[i].ghashes.push_back(ghash);
      h.seq = e.seq;
      h.hash = e.hash;
      balances[{player, e.currency}] = e.balance_after;
    }
    out[i].committed_seq = h.seq;
  }
  for (const auto& [key, balance] : balances)
    upsert_balance_.bind(1, key.first).bind(2, key.second).bind(3, balance).run();
  return std::nullopt;
}

void ledger_appender::write_activity(activity_record& a) {
  chain_activity(global_, a);
  insert_activity_.bind(1, a.gseq)
      .bind(2, int64_t{a.kind})
      .bind(3, a.player_id)
      .bind(4, a.created_us)
      .bind(5, a.address)
      .bind(6, a.device.id)
      .bind(7, a.device.user_agent)
      .bind(8, a.device.platform)
      .bind(9, a.device.screen)
      .bind(10, a.device.timezone)
      .bind(11, a.device.language)
      .bind(12, a.detail)
      .bind_blob(13, a.hash)
      .bind_blob(14, a.ghash)
      .run();
}

std::vector<append_outcome>
ledger_appender::append(const std::vector<const std::vector<ledger_write>*>& batches,
                        std::vector<activity_record>* activities,
                        const std::map<std::string, int64_t>* cursors) {
  std::vector<int64_t> stop_seq(batches.size(), std::numeric_limits<int64_t>::max());
  std::vector<append_outcome> conflicts(batches.size());
  const auto before = global_;
  for (;;) {
    std::vector<append_outcome> out = conflicts;
    std::unordered_map<int64_t, head> overlay;
    global_ = before;
    std::optional<conflict> c;
    try {
      db::transaction tx{conn_};
      c = write_all(batches, stop_seq, out, overlay);
      if (!c) {
        if (activities != nullptr)
          for (auto& a : *activities)
            write_activity(a);
        if (cursors != nullptr)
          for (const auto& [name, gseq] : *cursors)
            upsert_cursor_.bind(1, name).bind(2, gseq).bind(3, now_us()).run();
        tx.commit();
      }
    } catch (...) {
      global_ = before;
      throw;
    }
    if (!c) {
      for (auto& [player, h] : overlay)
        heads_[player] = h;
      return out;
    }
    // Roll back and write again without the conflicting entry and its successors:
    // each round excludes at least one entry, so this ends.
    stop_seq[c->batch] = c->seq;
    conflicts[c->batch].failed_seq = c->seq;
    conflicts[c->batch].failure = append_failure::duplicate_tx;
  }
}

void for_each_id(db::connection& conn,
                 const std::function<void(char, std::string_view, std::string_view)>& f) {
  static constexpr std::pair<char, const char*> sources[] = {
      {'t', "SELECT source, tx_id FROM ledger"},
      {'m', "SELECT source, tx_id FROM rollback_marks"},
      {'r', "SELECT source, round_id FROM rounds"},
  };
  conn.exec("BEGIN");
  try {
    for (const auto& [kind, sql] : sources) {
      auto st = conn.prepare(sql);
      while (st.step())
        f(kind, st.text(0), st.text(1));
    }
    conn.exec("COMMIT");
  } catch (...) {
    conn.exec("ROLLBACK");
    throw;
  }
}

} // namespace agg
