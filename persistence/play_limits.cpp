#include "persistence/play_limits.hpp"

#include <ctime>

namespace agg {

namespace {

constexpr std::array<const char*, limit_kind_count> kind_names = {
    "deposit_day",
    "deposit_week",
    "deposit_month",
    "loss_day",
    "loss_week",
    "loss_month",
    "wager_day",
    "wager_week",
    "wager_month",
    "session_minutes",
    "reality_check_minutes"};

constexpr int64_t day_us = 86'400'000'000;

} // namespace

const char* to_string(limit_kind k) {
  auto i = static_cast<int>(k) - 1;
  return i >= 0 && i < limit_kind_count ? kind_names[i] : "unknown";
}

bool limit_kind_from_string(const std::string& name, limit_kind& out) {
  for (int i = 0; i < limit_kind_count; ++i)
    if (name == kind_names[i]) {
      out = static_cast<limit_kind>(i + 1);
      return true;
    }
  return false;
}

int64_t period_start_us(limit_period p, int64_t now_us) {
  auto day_start = now_us - ((now_us % day_us) + day_us) % day_us;
  if (p == limit_period::day) return day_start;
  auto days = day_start / day_us; // days since 1970-01-01, a Thursday
  if (p == limit_period::week) return day_start - ((days + 3) % 7) * day_us;
  std::time_t t = static_cast<std::time_t>(day_start / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return day_start - static_cast<int64_t>(tm.tm_mday - 1) * day_us;
}

limit_value change_limit(const limit_value& current, int64_t wanted, int64_t now_us,
                         int64_t delay_us) {
  auto in_force = current.at(now_us);
  limit_value out;
  out.amount = in_force;
  bool stricter = wanted >= 0 && (in_force < 0 || wanted <= in_force);
  if (stricter) {
    out.amount = wanted;
    return out;
  }
  if (wanted == in_force) return out;
  out.pending = wanted;
  out.pending_from_us = now_us + delay_us;
  return out;
}

void play_totals::roll(int64_t now_us) {
  // Every period starts at a day's start: within the current day nothing rolls.
  if (start_us[0] != 0 && now_us >= start_us[0] && now_us - start_us[0] < day_us) return;
  for (int p = 0; p < limit_period_count; ++p) {
    auto start = period_start_us(static_cast<limit_period>(p), now_us);
    if (start != start_us[p]) {
      start_us[p] = start;
      wagered[p] = 0;
      lost[p] = 0;
    }
  }
}

void play_totals::add(int64_t stake, int64_t win, int64_t refund) {
  for (int p = 0; p < limit_period_count; ++p) {
    wagered[p] += stake - refund;
    lost[p] += stake - win - refund;
  }
}

} // namespace agg
