#pragma once

// Reconciliation with a studio's statement: per vendor and UTC day, what we recorded
// (counts and sums of bets, wins and rollbacks, per currency), and the vendor's rounds
// still open. Reads only; run on a read-only connection of its own.

#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

#include <optional>
#include <string>
#include <vector>

namespace agg {

struct movement_totals {
  int64_t count = 0;
  int64_t amount = 0; // minor units, positive: stakes taken, wins paid, stakes refunded
};

struct vendor_day_totals {
  std::string currency;
  movement_totals bets;
  movement_totals wins;
  movement_totals rollbacks; // a rollback of a bet never seen counts, with 0
};

// The UTC day "YYYY-MM-DD" as [from_us, to_us); nothing if it is not a valid date.
std::optional<std::pair<int64_t, int64_t>> utc_day_bounds(const std::string& day);

// One line per currency the vendor moved in [from_us, to_us), by currency.
std::vector<vendor_day_totals> vendor_totals(db::connection& conn,
                                             const std::string& vendor, int64_t from_us,
                                             int64_t to_us);

// The vendor's rounds with bets neither closed nor rolled back, opened before
// `before_us`, oldest first, at most `limit`.
std::vector<round_record> open_rounds(db::connection& conn, const std::string& vendor,
                                      int64_t before_us, int64_t limit);

} // namespace agg
