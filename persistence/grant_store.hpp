#pragma once

// Reading bonus grants (their rows are written by the ledger writer with the entries
// that change them: ledger_store.hpp). No CAF.

#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

#include <optional>
#include <vector>

namespace agg {

class grant_store {
public:
  explicit grant_store(db::connection& conn);

  std::optional<bonus_grant> by_id(const std::string& grant_id);
  // A player's grants, active ones first, then the newest ended ones; at most `limit`.
  std::vector<bonus_grant> of_player(int64_t player_id, int64_t limit);
  // Active grants whose expiry has passed, the oldest expiry first.
  std::vector<bonus_grant> due_to_expire(int64_t now_us, int64_t limit);

private:
  db::connection& conn_;
};

} // namespace agg
