#pragma once

// Responsible-gaming limits (docs/responsible_gaming.md): what a player may deposit,
// wager and lose per calendar day, week and month (UTC; a week starts on Monday), and
// the limits on time. A limit that makes play stricter takes effect at once; one that
// loosens it (higher, or removed) only after a delay, and the pending change is kept
// beside the current one. No CAF, no SQLite.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace agg {

enum class limit_kind : uint8_t {
  deposit_day = 1,
  deposit_week,
  deposit_month,
  loss_day,
  loss_week,
  loss_month,
  wager_day,
  wager_week,
  wager_month,
  session_minutes,       // a session ends after this long
  reality_check_minutes, // a reminder every this many minutes
};
inline constexpr int limit_kind_count = 11;

const char* to_string(limit_kind k);
bool limit_kind_from_string(const std::string& name, limit_kind& out);

enum class limit_period : uint8_t { day = 0, week = 1, month = 2 };
inline constexpr int limit_period_count = 3;

// The start of the calendar period holding `now_us` (UTC, microseconds).
int64_t period_start_us(limit_period p, int64_t now_us);

// One limit: its amount now (-1: none) and a loosening that waits until pending_from_us
// (pending_from_us 0: none; pending -1: the limit is removed then).
struct limit_value {
  int64_t amount = -1;
  int64_t pending = -1;
  int64_t pending_from_us = 0;

  // The amount in force at `now_us` (-1: none).
  int64_t at(int64_t now_us) const {
    return pending_from_us > 0 && now_us >= pending_from_us ? pending : amount;
  }
  bool any() const { return amount >= 0 || pending_from_us > 0; }
};

// The result of asking for `wanted` (-1: removal) when `current` stands: stricter at
// once, looser after `delay_us`. A stricter request drops a pending loosening.
limit_value change_limit(const limit_value& current, int64_t wanted, int64_t now_us,
                         int64_t delay_us);

// A player's limits on play, which the wallet enforces before a bet's debit.
struct play_limits {
  std::string currency; // the account's; bets in other currencies are not limited
  std::array<limit_value, limit_period_count> wager{};
  std::array<limit_value, limit_period_count> loss{};

  bool any() const {
    for (int p = 0; p < limit_period_count; ++p)
      if (wager[p].any() || loss[p].any()) return true;
    return false;
  }
};

// What a player wagered and lost (bets minus wins and refunds) in the current periods,
// in the limits' currency.
struct play_totals {
  std::array<int64_t, limit_period_count> start_us{};
  std::array<int64_t, limit_period_count> wagered{};
  std::array<int64_t, limit_period_count> lost{};

  // Starts the periods that began since (their totals 0).
  void roll(int64_t now_us);
  // A bet (`stake`), a win (`win`) or a refunded bet (`refund`).
  void add(int64_t stake, int64_t win, int64_t refund);
};

} // namespace agg
