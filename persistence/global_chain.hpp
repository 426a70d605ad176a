#pragma once

// The global order: every ledger entry and every activity record has a place in one
// gap-free sequence (gseq, from 1), given by the ledger writer in commit order, and a
// global hash that covers the record before it in that order:
//
//   ghash(n) = SHA-256("agg.global.v1" || ghash(n-1) || n || kind || hash of record n)
//
// with ghash(0) all zero, kind 'L' for a ledger entry and 'A' for an activity record.
// Deleting or changing any record, a player's whole history included, breaks the chain
// at that place; cutting off its tail is caught against a checkpoint (gseq, ghash) kept
// elsewhere.

#include "persistence/activity.hpp"
#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

namespace agg {

struct global_head {
  int64_t gseq = 0;
  hash256 ghash{};
};

enum class record_kind : char { ledger = 'L', activity = 'A' };

hash256 global_hash(const hash256& prev, int64_t gseq, record_kind kind,
                    const hash256& record_hash);

// Gives the record the next place after `head` and advances `head`.
void chain_ledger(global_head& head, ledger_entry& e);
void chain_activity(global_head& head, activity_record& a);

// The last record committed (both tables), or gseq 0 in an empty database.
global_head load_global_head(db::connection& conn);

// A checkpoint as operators keep it: "<gseq>:<ghash hex>".
std::string to_string(const global_head& h);
std::optional<global_head> parse_checkpoint(std::string_view text);

} // namespace agg
