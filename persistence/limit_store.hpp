#pragma once

// Responsible-gaming limits per player (persistence/play_limits.hpp), each with its
// pending loosening. No CAF.

#include "persistence/play_limits.hpp"
#include "persistence/sqlite.hpp"

#include <array>
#include <optional>

namespace agg {

using limit_set = std::array<limit_value, limit_kind_count>; // by limit_kind - 1

class limit_store {
public:
  explicit limit_store(db::connection& conn);

  limit_set of_player(int64_t player_id);
  // Asks for `wanted` (-1: no limit) under change_limit's rule; returns the result.
  limit_value set(int64_t player_id, limit_kind kind, int64_t wanted, int64_t now_us,
                  int64_t delay_us);

private:
  db::connection& conn_;
  std::optional<db::statement> of_player_; // prepared on first use
  std::optional<db::statement> upsert_;
};

// The wager and loss limits of a set, in `currency`.
play_limits play_limits_of(const limit_set& s, const std::string& currency);

} // namespace agg
