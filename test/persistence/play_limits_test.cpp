// The responsible-gaming rules without actors: calendar periods in UTC, stricter
// limits at once and looser ones after the delay, and the totals a wallet keeps.

#include "persistence/play_limits.hpp"

#include <catch2/catch.hpp>

using namespace agg;

namespace {

constexpr int64_t hour_us = 3'600'000'000;
// 2026-12-09, a Wednesday, 15:30:00 UTC.
constexpr int64_t wednesday = 1'796'830'200'000'000;

} // namespace

TEST_CASE("periods start at UTC midnight, on Monday and on the first", "[limits]") {
  // 2026-12-09 00:00 UTC, Monday 2026-12-07 00:00, 2026-12-01 00:00.
  CHECK(period_start_us(limit_period::day, wednesday) == 1'796'774'400'000'000);
  CHECK(period_start_us(limit_period::week, wednesday) == 1'796'601'600'000'000);
  CHECK(period_start_us(limit_period::month, wednesday) == 1'796'083'200'000'000);
  // A period's first microsecond is its own start.
  auto day = period_start_us(limit_period::day, wednesday);
  CHECK(period_start_us(limit_period::day, day) == day);
  CHECK(period_start_us(limit_period::day, day - 1) == day - 24 * hour_us);
}

TEST_CASE("a stricter limit applies at once, a looser one after the delay", "[limits]") {
  limit_value none;
  auto set = change_limit(none, 1'000, wednesday, 24 * hour_us);
  CHECK(set.amount == 1'000); // from none: stricter
  CHECK(set.pending_from_us == 0);
  auto lower = change_limit(set, 500, wednesday, 24 * hour_us);
  CHECK(lower.at(wednesday) == 500);
  auto higher = change_limit(lower, 2'000, wednesday, 24 * hour_us);
  CHECK(higher.at(wednesday) == 500);
  CHECK(higher.pending == 2'000);
  CHECK(higher.pending_from_us == wednesday + 24 * hour_us);
  CHECK(higher.at(wednesday + 24 * hour_us - 1) == 500);
  CHECK(higher.at(wednesday + 24 * hour_us) == 2'000);
  // A stricter request drops the pending loosening.
  auto again = change_limit(higher, 400, wednesday + hour_us, 24 * hour_us);
  CHECK(again.at(wednesday + 48 * hour_us) == 400);
  CHECK(again.pending_from_us == 0);
  // A removal waits too.
  auto removed = change_limit(again, -1, wednesday, 24 * hour_us);
  CHECK(removed.at(wednesday) == 400);
  CHECK(removed.at(wednesday + 24 * hour_us) == -1);
}

TEST_CASE("totals count stakes, wins and refunds, and start again each period",
          "[limits]") {
  play_totals t;
  t.roll(wednesday);
  t.add(100, 0, 0);
  t.add(0, 30, 0);
  t.add(50, 0, 0);
  t.add(0, 0, 50);
  CHECK(t.wagered[0] == 100);
  CHECK(t.lost[0] == 70);
  t.roll(wednesday + 12 * hour_us); // Thursday: a new day, the same week
  CHECK(t.wagered[0] == 0);
  CHECK(t.wagered[1] == 100);
  CHECK(t.lost[2] == 70);
}
