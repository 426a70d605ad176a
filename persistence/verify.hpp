#pragma once

// Walks every player's hash chain and recomputes every balance from the ledger.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <string>

namespace agg {

struct verify_report {
  bool ok = true;
  int64_t players = 0;
  int64_t entries = 0;
  // The first mismatch found, empty when ok.
  std::string error;
  int64_t error_player = 0;
  int64_t error_seq = 0;
};

verify_report verify_ledger(db::connection& conn);

// Opens the database at `path` and verifies it. Throws db::error when it cannot open.
verify_report verify_database(const std::string& path);

} // namespace agg
