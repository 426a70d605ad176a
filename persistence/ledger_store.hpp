#pragma once

// Reads and appends of the wallet ledger. A ledger_reader serves wallet loads and
// idempotency lookups on its own connection; the single ledger_appender owns the
// writer connection and appends group-committed batches.

#include "persistence/activity.hpp"
#include "persistence/global_chain.hpp"
#include "persistence/ledger_types.hpp"
#include "persistence/limit_store.hpp"
#include "persistence/sqlite.hpp"

#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace agg {

class ledger_reader {
public:
  explicit ledger_reader(db::connection& conn);

  wallet_snapshot load_wallet(int64_t player_id);
  std::optional<ledger_entry> find_entry(std::string_view source, std::string_view tx_id);
  std::optional<rollback_mark> find_mark(std::string_view source, std::string_view tx_id);
  std::optional<round_record> find_round(std::string_view source,
                                         std::string_view round_id);
  // Rounds of `source` opened before `before_us` with a bet neither paid nor rolled
  // back, oldest first.
  std::vector<round_record> unsettled_rounds(std::string_view source, int64_t before_us,
                                             int64_t limit);
  // The rounds of the player's newest ledger entries (before before_seq when > 0),
  // newest first, at most `limit`.
  std::vector<round_record> recent_rounds(int64_t player_id, int64_t before_seq,
                                          int64_t limit);
  // Entries with seq < before_seq (all when before_seq <= 0), newest first.
  std::vector<ledger_entry> history(int64_t player_id, int64_t before_seq, int64_t limit);

  // Runs f inside one read transaction so that several lookups see one snapshot.
  template <class F>
  auto snapshot(F&& f) {
    begin_.run();
    try {
      auto result = f();
      end_.run();
      return result;
    } catch (...) {
      end_.run();
      throw;
    }
  }

private:
  // The snapshot's play limits and, when it has any, its totals in their periods.
  void load_play(wallet_snapshot& s, const std::string& currency);
  // The snapshot's active grants and those ended lately, oldest first.
  void load_grants(wallet_snapshot& s);

  db::connection& conn_;
  limit_store limits_;
  std::optional<db::statement> play_; // prepared on first use
  std::optional<db::statement> grants_;
  db::statement begin_;
  db::statement end_;
  db::statement head_;
  db::statement balances_;
  db::statement status_;
  db::statement entry_;
  db::statement mark_;
  db::statement round_;
  db::statement unsettled_;
  db::statement history_;
};

enum class append_failure : uint8_t {
  none = 0,
  duplicate_tx = 1, // (source, tx_id), a rollback mark or a round taken by another player
  chain_break = 2,  // the entry does not continue the player's committed chain
};

struct append_outcome {
  int64_t committed_seq = 0; // the player's last committed seq after this batch
  int64_t failed_seq = 0;    // first entry of the batch not written, 0 when all were
  append_failure failure = append_failure::none;
  int64_t first_gseq = 0;       // the global place of its first entry written (the others
                                // follow it), 0 when none was
  std::vector<hash256> ghashes; // the global hash of each entry written, in order
};

class ledger_appender {
public:
  explicit ledger_appender(db::connection& conn);

  // Appends every batch (each one player's writes in seq order), then `activities`, in
  // one transaction with the feed subscribers' `cursors` (name -> gseq; a cursor never
  // moves back), and returns one outcome per batch. Each entry and activity record
  // written gets the next place in the global order (global_chain.hpp); the records'
  // gseq and ghash are filled in. A batch that breaks its player's chain or reuses a
  // taken id stops at that entry; its earlier entries and the other batches still
  // commit. Throws db::error when the transaction fails: then nothing was written and
  // the head caches are unchanged.
  std::vector<append_outcome>
  append(const std::vector<const std::vector<ledger_write>*>& batches,
         std::vector<activity_record>* activities = nullptr,
         const std::map<std::string, int64_t>* cursors = nullptr);

  // The last record committed in the global order.
  const global_head& global() const { return global_; }

  // Forgets cached chain heads (they are reloaded from the database on next use).
  void clear_head_cache() { heads_.clear(); }
  size_t head_cache_size() const { return heads_.size(); }

private:
  struct head {
    int64_t seq = 0;
    hash256 hash{};
  };
  struct conflict {
    size_t batch;
    int64_t seq;
  };

  head load_head(int64_t player_id);
  // Writes what is not excluded; returns the first conflict, if any.
  std::optional<conflict>
  write_all(const std::vector<const std::vector<ledger_write>*>& batches,
            const std::vector<int64_t>& stop_seq, std::vector<append_outcome>& out,
            std::unordered_map<int64_t, head>& overlay);
  bool write_one(const ledger_write& w, int64_t gseq, const hash256& ghash);
  void write_activity(activity_record& a);

  db::connection& conn_;
  db::statement head_;
  db::statement insert_entry_;
  db::statement insert_mark_;
  db::statement upsert_round_;
  db::statement upsert_balance_;
  db::statement upsert_grant_;
  db::statement insert_activity_;
  db::statement upsert_cursor_;
  std::unordered_map<int64_t, head> heads_;
  global_head global_;
};

// Calls f(kind, source, id) for every id stored: kind 't' for a transaction id,
// 'm' for a rollback mark, 'r' for a round id.
void for_each_id(db::connection& conn,
                 const std::function<void(char, std::string_view, std::string_view)>& f);

} // namespace agg
