#pragma once

// The actors that own SQLite connections. Both run detached (their own thread), so
// no SQLite call ever blocks CAF's cooperative scheduler.
//
// ledger_reader: one read connection; serves wallet loads, idempotency lookups and
// history pages.
// ledger_writer: the one writer connection; group-commits appends from every wallet
// and answers each with a commit_result sent to the wallet that asked.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "persistence/sqlite.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace agg {

using reader_actor = caf::typed_actor<
    caf::replies_to<load_atom, int64_t>::with<wallet_snapshot>,
    caf::replies_to<lookup_atom, lookup_request>::with<lookup_result>,
    caf::replies_to<history_atom, int64_t, int64_t, int64_t>::with<history_page>,
    // A player's events (money and activity) created before a time (us), newest
    // first: (player, before_us, limit).
    caf::replies_to<timeline_atom, int64_t, int64_t, int64_t>::with<event_batch>,
    // Rounds of a vendor (source) opened before a time (us) and never settled.
    caf::replies_to<unsettled_atom, std::string, int64_t, int64_t>::with<round_page>,
    // The rounds of a player's newest ledger entries (before_seq, limit).
    caf::replies_to<rounds_atom, int64_t, int64_t, int64_t>::with<round_page>,
    // A vendor's day: (vendor, from_us, to_us, open rounds at most).
    caf::replies_to<reconcile_atom, std::string, int64_t, int64_t,
                    int64_t>::with<reconciliation_report>,
    // The event log: the events after a gseq (at most limit, in order), the last
    // committed gseq, and a feed subscriber's stored cursor (-1 when it has none).
    caf::replies_to<events_atom, int64_t, int64_t>::with<event_batch>,
    caf::replies_to<head_atom>::with<int64_t>,
    caf::replies_to<cursor_atom, std::string>::with<int64_t>>;

struct reader_options {
  std::string db_path;
  db::tuning tuning;
};

reader_actor spawn_ledger_reader(caf::actor_system& sys, const reader_options& opts);

struct writer_options {
  std::string db_path;
  db::tuning tuning;
  std::chrono::microseconds commit_window{500};
  size_t batch_max = 1024; // writes per transaction
  // Observer and fault injection for tests and benchmarks: called before each commit
  // with the number of writes in it; returning true makes that commit fail as a
  // storage error would (nothing is written, every request in it fails).
  std::function<bool(size_t writes)> before_commit;
  std::shared_ptr<metrics> stats; // may be null
  // Frames in the WAL after the writer's last commit, for the checkpointer (may be
  // null).
  std::shared_ptr<std::atomic<int64_t>> wal_frames;
  // Where committed events go (the event feed), looked up at each commit; may return
  // a null handle (no feed running): the feed reads what it missed from the database.
  std::function<caf::actor()> feed;
  // At this interval, when anything was committed since the last one, the writer
  // records the chain's head as a chain_checkpoint activity record, logs it and shows
  // it in the metrics. Zero: never.
  std::chrono::milliseconds chain_checkpoint_interval{60'000};
  // In a cluster: whether this node owns the player (node_set::owns). A write for a
  // player it does not own fails with not_owner and nothing is written. Empty: all.
  std::function<bool(int64_t player_id)> owns;
};

// The writer is a blocking actor with a dynamically typed handle. It accepts
// (append_atom, append_request) and replies with (committed_atom, commit_result);
// (activity_atom, activity_record) -> activity_record, answered once the record is
// durable, with its gseq; and (cursor_atom, name, gseq), a feed subscriber's cursor,
// written with the next commit. After each commit it sends the feed
// (publish_atom, event_batch) with every entry and record it made durable, in order.
caf::actor spawn_ledger_writer(caf::actor_system& sys, const writer_options& opts);

// The name the node keeps the current writer under in the system registry.
caf::atom_value ledger_writer_name();

struct checkpointer_options {
  reader_options db;
  // A checkpoint starts once this long has passed since the last one, or sooner once
  // the writer reports at least `after_frames` frames in the WAL.
  std::chrono::milliseconds interval{1000};
  int64_t after_frames = 16'384;
  std::shared_ptr<std::atomic<int64_t>> wal_frames; // written by the writer
  caf::actor writer; // asked to copy the frames of its last commits, then
};

// Checkpoints the WAL into the database file from its own connection, so that the
// writer's commits pay little for it: the writer (which accepts (checkpoint_atom) for
// this) then copies the frames of its last commits, so that the log starts over.
caf::actor spawn_checkpointer(caf::actor_system& sys, checkpointer_options opts);

} // namespace agg
