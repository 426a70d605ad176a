#pragma once

// Walks every player's hash chain and recomputes every balance from the ledger; walks
// the global order (global_chain.hpp) of every ledger entry and activity record, which
// must be gap-free and chained; and, given a checkpoint an operator kept, proves that
// the database still holds everything up to it.

#include "persistence/global_chain.hpp"
#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace agg {

struct verify_report {
  bool ok = true;
  int64_t players = 0;
  int64_t entries = 0;
  int64_t activities = 0;
  global_head head; // the last record of the global order
  // The first mismatch found, empty when ok.
  std::string error;
  int64_t error_player = 0;
  int64_t error_seq = 0;
  int64_t error_gseq = 0;
};

verify_report verify_ledger(db::connection& conn,
                            const std::optional<global_head>& checkpoint = {});

// Opens the database at `path` and verifies it. Throws db::error when it cannot open.
verify_report verify_database(const std::string& path,
                              const std::optional<global_head>& checkpoint = {});

} // namespace agg
