#pragma once

// The actors that own SQLite connections. Both run detached (their own thread), so
// no SQLite call ever blocks CAF's cooperative scheduler.
//
// ledger_reader: one read connection; serves wallet loads, idempotency lookups and
// history pages.
// ledger_writer: the one writer connection; group-commits appends from every wallet
// and answers each with a commit_result sent to the wallet that asked.

#include "actors/messages.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace agg {

using reader_actor = caf::typed_actor<
  caf::replies_to<load_atom, int64_t>::with<wallet_snapshot>,
  caf::replies_to<lookup_atom, lookup_request>::with<lookup_result>,
  caf::replies_to<history_atom, int64_t, int64_t, int64_t>::with<history_page>>;

struct reader_options {
  std::string db_path;
  int64_t busy_timeout_ms = 5000;
};

reader_actor spawn_ledger_reader(caf::actor_system& sys, const reader_options& opts);

struct writer_options {
  std::string db_path;
  int64_t busy_timeout_ms = 5000;
  std::chrono::microseconds commit_window{500};
  size_t batch_max = 1024; // writes per transaction
  // Test hook: called before each commit; returning true makes that commit fail as a
  // storage error would (the transaction is rolled back, every request fails).
  std::function<bool()> fail_commit;
};

// The writer is a blocking actor with a dynamically typed handle; it accepts
// (append_atom, append_request) and replies with (committed_atom, commit_result).
caf::actor spawn_ledger_writer(caf::actor_system& sys, const writer_options& opts);

} // namespace agg
