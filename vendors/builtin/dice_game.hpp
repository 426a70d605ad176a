#pragma once

// Dice: a roll uniform in 0..9999 (0.00 to 99.99). The player chooses a chance c in
// hundredths of a percent (100 = 1% to 9800 = 98%) and a side: "under" wins when
// roll < c, "over" when roll >= 10000 - c; either way exactly c of the 10000 rolls win.
// A win pays floor(stake * 9900 / c): the theoretical RTP is 99% (a 1% house edge),
// and rounding down to a whole minor unit only ever lowers it.

#include "vendors/builtin/fair_random.hpp"

#include <cstdint>

namespace agg::vendors::builtin {

class dice_game {
public:
  static constexpr int64_t roll_range = 10'000;
  static constexpr int64_t chance_min = 100;
  static constexpr int64_t chance_max = 9'800;
  static constexpr int64_t payout_numerator = 9'900; // 99% RTP
  static constexpr int64_t rtp_ppm = 990'000;

  struct roll_result {
    int64_t roll = 0;
    bool win = false;
    int64_t payout = 0; // minor units
  };

  static roll_result play(random_source& rng, int64_t stake, int64_t chance, bool over);
  static int64_t payout(int64_t stake, int64_t chance);
};

} // namespace agg::vendors::builtin
