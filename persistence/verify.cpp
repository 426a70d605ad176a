#include "persistence/verify.hpp"

#include "persistence/chain_hash.hpp"
#include "persistence/ledger_rows.hpp"

#include <map>
#include <optional>
#include <string>

namespace agg {

namespace {

using namespace std::string_literals;

struct player_totals {
  int64_t last_seq = 0;
  hash256 last_hash{};
  std::map<std::string, int64_t> balances;
};

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
  bool money_out = kind == entry_kind::bet || kind == entry_kind::withdrawal;
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

class verifier {
public:
  explicit verifier(db::connection& conn) : conn_(conn) {}

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
      if (auto problem = check_entry(e, totals)) {
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
    return true;
  }

  // A balance without any ledger entry is a mismatch too.
  void check_orphans() {
    auto st = conn_.prepare("SELECT player_id FROM balances WHERE balance != 0 AND "
                            "player_id NOT IN (SELECT player_id FROM ledger) LIMIT 1");
    if (st.step()) fail(st.int64(0), 0, "stored balance without ledger entries");
  }

  db::connection& conn_;
  verify_report report_;
};

} // namespace

verify_report verify_database(const std::string& path) {
  auto conn = db::connection::open(path, db::open_mode::read_only);
  return verify_ledger(conn);
}

verify_report verify_ledger(db::connection& conn) {
  conn.exec("BEGIN");
  try {
    auto report = verifier{conn}.run();
    conn.exec("COMMIT");
    return report;
  } catch (...) {
    conn.exec("ROLLBACK");
    throw;
  }
}

} // namespace agg
