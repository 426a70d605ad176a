#include "persistence/verify.hpp"

#include "persistence/bonus_parts.hpp"
#include "persistence/chain_hash.hpp"
#include "persistence/event_log.hpp"
#include "persistence/ledger_rows.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace agg {

namespace {

using namespace std::string_literals;

struct player_totals {
  int64_t last_seq = 0;
  hash256 last_hash{};
  std::map<std::string, int64_t> balances;
  std::map<std::string, int64_t> pockets; // bonus money by grant id
  std::set<std::string> ended;            // grants converted, forfeited or expired
};

// Checks an entry's bonus parts against the player's pockets and applies them to
// `t`; returns the problem, or nothing.
std::optional<std::string> apply_parts(const ledger_entry& e, entry_kind kind,
                                       player_totals& t) {
  bool ends = kind == entry_kind::bonus_conversion || kind == entry_kind::bonus_forfeit ||
              kind == entry_kind::bonus_expiry;
  bool opens = kind == entry_kind::bonus_grant;
  if (e.bonus.empty()) {
    if (opens || ends) return "a "s + to_string(kind) + " without its grant";
    return std::nullopt;
  }
  if (kind == entry_kind::deposit || kind == entry_kind::withdrawal)
    return "a "s + to_string(kind) + " moves cash only";
  std::vector<bonus_part> parts;
  if (!parse_parts(e.bonus, parts) || parts.empty()) return "unreadable bonus parts"s;
  if ((opens || ends) && parts.size() != 1)
    return "a "s + to_string(kind) + " moves exactly one grant";
  if ((opens || ends) && e.amount != 0 && kind != entry_kind::bonus_conversion)
    return "a "s + to_string(kind) + " moves no cash";
  for (const auto& p : parts) {
    if (p.lapsed) {
      if (kind != entry_kind::win && kind != entry_kind::rollback)
        return "a lapsed share outside a win or rollback"s;
      // A share of an ended grant, or a free round's win above its grant's cap.
      if (!t.ended.count(p.grant_id) && !t.pockets.count(p.grant_id))
        return "a lapsed share of an unknown grant"s;
      continue;
    }
    bool exists = t.pockets.count(p.grant_id) > 0;
    if (opens) {
      if (exists || t.ended.count(p.grant_id))
        return "grant " + p.grant_id + " given twice";
      // Free rounds alone start with an empty pocket.
      if (p.amount < 0) return "a grant of less than nothing"s;
    } else if (!exists) {
      return "grant " + p.grant_id + " is not active";
    }
    bool out = kind == entry_kind::bet || ends;
    if (out ? p.amount > 0 : p.amount < 0)
      return "bonus part has the wrong sign for a "s + to_string(kind);
    int64_t after = 0;
    if (__builtin_add_overflow(t.pockets[p.grant_id], p.amount, &after) || after < 0)
      return "grant " + p.grant_id + " below zero";
    t.pockets[p.grant_id] = after;
    if (ends) {
      if (after != 0) return "grant " + p.grant_id + " ended with money left";
      if (kind == entry_kind::bonus_conversion && e.amount > -p.amount)
        return "a conversion of more than the pocket"s;
      t.pockets.erase(p.grant_id);
      t.ended.insert(p.grant_id);
    }
  }
  return std::nullopt;
}

// Checks one entry against its predecessor; returns the problem, or nothing.
std::optional<std::string> check_entry(const ledger_entry& e, const player_totals& t) {
  entry_kind kind;
  if (!entry_kind_from_int(e.kind, kind))
    return "unknown entry kind " + std::to_string(e.kind);
  if (e.seq != t.last_seq + 1)
    return "sequence gap: expected seq " + std::to_string(t.last_seq + 1);
  if (e.prev_hash != t.last_hash)
    return "prev_hash does not match the previous entry's hash"s;
  if (chain_hash(e.prev_hash, e) != e.hash)
    return "hash mismatch: the entry's content does not match its hash"s;
  bool money_out = kind == entry_kind::bet || kind == entry_kind::withdrawal ||
                   kind == entry_kind::bonus_forfeit || kind == entry_kind::bonus_expiry;
  if (money_out ? e.amount > 0 : e.amount < 0)
    return "amount has the wrong sign for a "s + to_string(kind);
  auto i = t.balances.find(e.currency);
  int64_t before = i == t.balances.end() ? 0 : i->second;
  int64_t after = 0;
  if (__builtin_add_overflow(before, e.amount, &after) || after != e.balance_after)
    return "balance_after " + std::to_string(e.balance_after) +
           " differs from the running sum " + std::to_string(after);
  if (after < 0) return "balance below zero"s;
  return std::nullopt;
}

// The next record of one table in the global order.
struct global_record {
  int64_t gseq = 0;
  hash256 hash{};
  hash256 ghash{};
  std::string name; // how the error names it
};

class verifier {
public:
  verifier(db::connection& conn, std::optional<global_head> checkpoint)
      : conn_(conn), checkpoint_(checkpoint) {}

  verify_report run() {
    auto st = conn_.prepare("SELECT "s + db::entry_columns +
                            " FROM ledger ORDER BY player_id, seq");
    int64_t player = 0;
    bool have_player = false;
    player_totals totals;
    while (report_.ok && st.step()) {
      auto e = db::read_entry(st);
      if (!have_player || e.player_id != player) {
        if (have_player && !check_stored(player, totals)) break;
        have_player = true;
        player = e.player_id;
        totals = player_totals{};
        ++report_.players;
      }
      auto problem = check_entry(e, totals);
      if (!problem) problem = apply_parts(e, static_cast<entry_kind>(e.kind), totals);
      if (problem) {
        fail(e.player_id, e.seq, *problem);
        break;
      }
      totals.last_seq = e.seq;
      totals.last_hash = e.hash;
      totals.balances[e.currency] = e.balance_after;
      ++report_.entries;
    }
    if (report_.ok && have_player) check_stored(player, totals);
    if (report_.ok) check_orphans();
    if (report_.ok) check_global();
    return report_;
  }

private:
  // A ledger row is named by its key, (player_id, seq).
  void fail(int64_t player, int64_t seq, const std::string& what) {
    report_.ok = false;
    report_.error_player = player;
    report_.error_seq = seq;
    report_.error = "ledger row player_id=" + std::to_string(player) +
                    " seq=" + std::to_string(seq) + ": " + what;
  }

  // The stored balances must equal what the chain adds up to.
  bool check_stored(int64_t player, const player_totals& t) {
    auto bal =
        conn_.prepare("SELECT currency, balance FROM balances WHERE player_id = ?");
    bal.bind(1, player);
    size_t seen = 0;
    while (bal.step()) {
      ++seen;
      auto currency = bal.text(0);
      auto i = t.balances.find(currency);
      int64_t expected = i == t.balances.end() ? 0 : i->second;
      if (bal.int64(1) != expected) {
        fail(player, t.last_seq,
             "stored " + currency + " balance " + std::to_string(bal.int64(1)) +
                 " differs from the ledger sum " + std::to_string(expected));
        return false;
      }
    }
    if (seen != t.balances.size()) {
      fail(player, t.last_seq, "a currency in the ledger has no stored balance");
      return false;
    }
    // Each grant's stored pocket is what the chain adds up to (0 once ended).
    auto grants = conn_.prepare(
        "SELECT grant_id, balance, status FROM bonus_grants WHERE player_id = ?");
    grants.bind(1, player);
    size_t active = 0;
    while (grants.step()) {
      auto id = grants.text(0);
      auto i = t.pockets.find(id);
      int64_t expected = i == t.pockets.end() ? 0 : i->second;
      bool live = grants.int64(2) == static_cast<int64_t>(grant_status::active);
      if (live) ++active;
      if (grants.int64(1) != expected || live != (i != t.pockets.end())) {
        fail(player, t.last_seq,
             "stored grant " + id + " (" + std::to_string(grants.int64(1)) +
                 ") differs from the ledger (" + std::to_string(expected) + ")");
        return false;
      }
    }
    if (active != t.pockets.size()) {
      fail(player, t.last_seq, "a grant in the ledger is not stored");
      return false;
    }
    return true;
  }

  void fail_global(int64_t gseq, const std::string& what) {
    report_.ok = false;
    report_.error_gseq = gseq;
    report_.error = what;
  }

  // The next ledger entry or activity record, by gseq; false at the end.
  static bool next_ledger(db::statement& st, global_record& r) {
    if (!st.step()) return false;
    r.gseq = st.int64(0);
    db::copy_hash(st.blob(1), r.hash);
    db::copy_hash(st.blob(2), r.ghash);
    r.name = "ledger row player_id=" + std::to_string(st.int64(3)) +
             " seq=" + std::to_string(st.int64(4)) + " (gseq " + std::to_string(r.gseq) +
             ")";
    return true;
  }

  bool next_activity(db::statement& st, global_record& r) {
    if (!st.step()) return false;
    auto a = db::read_activity(st);
    r.ghash = a.ghash;
    r.gseq = a.gseq;
    r.hash = a.hash;
    r.name = "activity record gseq=" + std::to_string(a.gseq);
    if (activity_hash(a) != a.hash) {
      fail_global(a.gseq,
                  r.name + ": hash mismatch: its content does not match its hash");
      return false;
    }
    return true;
  }

  // Every record of both tables, merged by gseq: 1, 2, 3 ... without a gap, each chained
  // to the one before; and the checkpoint, if one was given, on the way.
  void check_global() {
    auto ledger = conn_.prepare(
        "SELECT gseq, hash, ghash, player_id, seq FROM ledger ORDER BY gseq");
    auto activity =
        conn_.prepare("SELECT "s + db::activity_columns + " FROM activity ORDER BY gseq");
    global_record l, a;
    bool more_l = next_ledger(ledger, l);
    bool more_a = report_.ok && next_activity(activity, a);
    global_head head;
    while (report_.ok && (more_l || more_a)) {
      bool take_l = more_l && (!more_a || l.gseq < a.gseq);
      auto& r = take_l ? l : a;
      auto kind = take_l ? record_kind::ledger : record_kind::activity;
      if (r.gseq != head.gseq + 1)
        return fail_global(r.gseq, "global order: expected gseq " +
                                       std::to_string(head.gseq + 1) + ", found " +
                                       r.name + ": a record is missing");
      if (global_hash(head.ghash, r.gseq, kind, r.hash) != r.ghash)
        return fail_global(r.gseq,
                           r.name + ": global hash mismatch: the record before it in "
                                    "the global order is not the one it was chained to");
      head = {r.gseq, r.ghash};
      if (checkpoint_ && head.gseq == checkpoint_->gseq &&
          head.ghash != checkpoint_->ghash)
        return fail_global(r.gseq, "checkpoint " + to_string(*checkpoint_) +
                                       ": the chain has hash " + to_hex(head.ghash) +
                                       " there: the history up to it was changed");
      if (take_l) {
        more_l = next_ledger(ledger, l);
      } else {
        ++report_.activities;
        more_a = next_activity(activity, a);
      }
    }
    if (!report_.ok) return;
    report_.head = head;
    if (checkpoint_ && head.gseq < checkpoint_->gseq)
      fail_global(head.gseq, "the global order ends at gseq " +
                                 std::to_string(head.gseq) + ", before checkpoint " +
                                 to_string(*checkpoint_) +
                                 ": records after it were cut off");
  }

  // A balance without any ledger entry is a mismatch too.
  void check_orphans() {
    auto st = conn_.prepare("SELECT player_id FROM balances WHERE balance != 0 AND "
                            "player_id NOT IN (SELECT player_id FROM ledger) LIMIT 1");
    if (st.step()) fail(st.int64(0), 0, "stored balance without ledger entries");
  }

  db::connection& conn_;
  std::optional<global_head> checkpoint_;
  verify_report report_;
};

} // namespace

verify_report verify_database(const std::string& path,
                              const std::optional<global_head>& checkpoint) {
  auto conn = db::connection::open(path, db::open_mode::read_only);
  return verify_ledger(conn, checkpoint);
}

verify_report verify_ledger(db::connection& conn,
                            const std::optional<global_head>& checkpoint) {
  conn.exec("BEGIN");
  try {
    auto report = verifier{conn, checkpoint}.run();
    conn.exec("COMMIT");
    return report;
  } catch (...) {
    conn.exec("ROLLBACK");
    throw;
  }
}

} // namespace agg
