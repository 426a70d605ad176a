#pragma once

// "Five Sevens", the built-in 5x3 video slot: five reels of 32 stops, three rows
// visible, ten paylines, a wild that substitutes for every symbol. A line pays for
// three or more of a kind from the leftmost reel; with wilds, the better of the
// wild-only run and the substituted run is paid. Pays are multiples of the line
// bet (stake / 10). Its theoretical RTP is computed exactly from the reel strips and
// the paytable by exact_rtp() (docs/vendor-integration.md gives the figure).

#include "vendors/builtin/fair_random.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace agg::vendors::builtin {

class slot_game {
public:
  static constexpr int reels = 5;
  static constexpr int rows = 3;
  static constexpr int lines = 10;
  static constexpr int symbols = 8;
  static constexpr int wild = 7;
  static constexpr int strip_len = 32;

  struct line_win {
    int line = 0; // 1-based
    int symbol = 0;
    int count = 0;
    int64_t pay = 0; // line bets
  };

  struct spin_result {
    std::array<int, reels> stops{};
    std::array<std::array<int, rows>, reels> grid{}; // [reel][row], row 0 on top
    std::vector<line_win> wins;
    int64_t pay = 0; // line bets, all lines
  };

  spin_result spin(random_source& rng) const;
  spin_result at(const std::array<int, reels>& stops) const;

  // Pay of one line's symbols, in line bets; fills the paying symbol and count.
  static int64_t line_pay(const std::array<int, reels>& s, int& symbol, int& count);

  // Exact theoretical RTP: E[pay per line bet] over every reel position.
  struct rational {
    int64_t numerator;
    int64_t denominator;
  };
  static rational exact_rtp();
  static int64_t rtp_ppm();

  static const char* symbol_name(int s);
  static const std::array<std::array<int, reels>, lines>& paylines();
  static const std::array<std::array<int, strip_len>, reels>& strips();
  static const std::array<std::array<int64_t, 3>, symbols>&
  paytable(); // 3, 4, 5 of a kind
};

} // namespace agg::vendors::builtin
