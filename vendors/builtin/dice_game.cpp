#include "vendors/builtin/dice_game.hpp"

namespace agg::vendors::builtin {

int64_t dice_game::payout(int64_t stake, int64_t chance) {
  // floor(stake * N / c) without the product overflowing: with stake = q*c + r,
  // it is q*N + floor(r*N / c).
  return stake / chance * payout_numerator + stake % chance * payout_numerator / chance;
}

dice_game::roll_result dice_game::play(random_source& rng, int64_t stake, int64_t chance,
                                       bool over) {
  roll_result r;
  r.roll = rng.uniform(static_cast<uint32_t>(roll_range));
  r.win = over ? r.roll >= roll_range - chance : r.roll < chance;
  r.payout = r.win ? payout(stake, chance) : 0;
  return r;
}

} // namespace agg::vendors::builtin
