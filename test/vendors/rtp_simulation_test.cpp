// Simulates ten million rounds of each built-in game and checks that the average
// return lands within its statistical tolerance of the documented RTP.
//
// The games draw from a fast simulation generator instead of the HMAC stream (the
// mapping from numbers to outcomes is the same code; the stream is tested separately).
// Tolerance: five standard errors of the mean, the standard error estimated from the
// simulated rounds themselves. A correct game fails this check with probability below
// one in a million; a paytable or mapping error of a few tenths of a percent fails it.

#include "vendors/builtin/dice_game.hpp"
#include "vendors/builtin/fair_random.hpp"
#include "vendors/builtin/slot_game.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace agg::vendors::builtin;

namespace {

constexpr int64_t rounds = 10'000'000;

struct moments {
  double sum = 0;
  double sum_sq = 0;
  void add(double x) {
    sum += x;
    sum_sq += x * x;
  }
  double mean() const { return sum / rounds; }
  double standard_error() const {
    double var = sum_sq / rounds - mean() * mean();
    return std::sqrt(var / rounds);
  }
};

} // namespace

TEST_CASE("ten million slot spins return the exact RTP within five standard errors",
          "[builtin][simulation]") {
  simulation_source rng{20261127};
  slot_game game;
  moments m;
  for (int64_t i = 0; i < rounds; ++i)
    m.add(static_cast<double>(game.spin(rng).pay) / slot_game::lines);
  auto exact = slot_game::exact_rtp();
  double rtp =
      static_cast<double>(exact.numerator) / static_cast<double>(exact.denominator);
  INFO("simulated " << m.mean() << ", exact " << rtp << ", standard error "
                    << m.standard_error());
  CHECK(std::abs(m.mean() - rtp) <= 5 * m.standard_error());
}

TEST_CASE("ten million dice rolls return 99% within five standard errors",
          "[builtin][simulation]") {
  simulation_source rng{7};
  constexpr int64_t stake = 1'000'000; // large, so that rounding down costs < 1e-6
  moments m;
  double expected = 0;
  for (int64_t i = 0; i < rounds; ++i) {
    auto chance = static_cast<int64_t>(
        dice_game::chance_min +
        rng.uniform(dice_game::chance_max - dice_game::chance_min + 1));
    bool over = rng.uniform(2) == 1;
    auto r = dice_game::play(rng, stake, chance, over);
    m.add(static_cast<double>(r.payout) / stake);
    expected += static_cast<double>(chance) / dice_game::roll_range *
                static_cast<double>(dice_game::payout(stake, chance)) / stake;
  }
  expected /= rounds;
  INFO("simulated " << m.mean() << ", expected " << expected << ", standard error "
                    << m.standard_error());
  CHECK(std::abs(m.mean() - expected) <= 5 * m.standard_error());
  CHECK(std::abs(expected - 0.99) < 1e-5);
}
