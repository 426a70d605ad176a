#include "vendors/builtin/slot_game.hpp"

namespace agg::vendors::builtin {

namespace {

// Symbols: 0 TEN, 1 JACK, 2 QUEEN, 3 KING, 4 ACE, 5 BELL, 6 SEVEN, 7 WILD; each strip
// holds two SEVENs and one WILD among 32 stops.
constexpr std::array<std::array<int, slot_game::strip_len>, slot_game::reels>
    strip_table = {{
        {0, 1, 2, 0, 3, 1, 4, 0, 5, 2, 1, 6, 0, 3, 2, 1,
         4, 0, 7, 3, 1, 2, 0, 5, 4, 3, 0, 1, 6, 2, 5, 4},
        {1, 0, 3, 2, 0, 4, 1, 5, 0, 2, 3, 1, 6, 0, 4, 2,
         1, 0, 3, 5, 7, 2, 1, 0, 4, 3, 6, 1, 0, 2, 5, 3},
        {2, 3, 0, 1, 4, 0, 2, 5, 1, 0, 6, 3, 2, 1, 0, 4,
         5, 0, 1, 3, 2, 7, 0, 4, 1, 2, 6, 0, 3, 5, 1, 0},
        {0, 4, 1, 3, 0, 2, 5, 1, 0, 6, 2, 3, 1, 0, 4, 2,
         7, 1, 0, 3, 5, 2, 0, 1, 4, 6, 0, 3, 1, 2, 0, 5},
        {3, 0, 2, 1, 5, 0, 4, 1, 2, 0, 3, 6, 1, 0, 2, 4,
         0, 1, 7, 5, 3, 0, 2, 1, 6, 0, 4, 3, 1, 0, 5, 2},
    }};

constexpr std::array<std::array<int, slot_game::reels>, slot_game::lines> line_table = {{
    {1, 1, 1, 1, 1},
    {0, 0, 0, 0, 0},
    {2, 2, 2, 2, 2},
    {0, 1, 2, 1, 0},
    {2, 1, 0, 1, 2},
    {0, 0, 1, 2, 2},
    {2, 2, 1, 0, 0},
    {1, 0, 0, 0, 1},
    {1, 2, 2, 2, 1},
    {0, 1, 1, 1, 0},
}};

// Line bets paid for 3, 4 and 5 of a kind.
constexpr std::array<std::array<int64_t, 3>, slot_game::symbols> pay_table = {{
    {11, 20, 51},
    {11, 25, 61},
    {16, 31, 81},
    {20, 41, 122},
    {25, 61, 163},
    {41, 122, 407},
    {81, 245, 1222},
    {122, 509, 3054},
}};

constexpr std::array<const char*, slot_game::symbols> names = {
    "TEN", "JACK", "QUEEN", "KING", "ACE", "BELL", "SEVEN", "WILD"};

} // namespace

const char* slot_game::symbol_name(int s) {
  return s >= 0 && s < symbols ? names[static_cast<size_t>(s)] : "?";
}

const std::array<std::array<int, slot_game::reels>, slot_game::lines>&
slot_game::paylines() {
  return line_table;
}

const std::array<std::array<int, slot_game::strip_len>, slot_game::reels>&
slot_game::strips() {
  return strip_table;
}

const std::array<std::array<int64_t, 3>, slot_game::symbols>& slot_game::paytable() {
  return pay_table;
}

int64_t slot_game::line_pay(const std::array<int, reels>& s, int& symbol, int& count) {
  int wilds = 0;
  while (wilds < reels && s[static_cast<size_t>(wilds)] == wild)
    ++wilds;
  int64_t best = 0;
  symbol = wild;
  count = 0;
  if (wilds >= 3) {
    best = pay_table[wild][static_cast<size_t>(wilds - 3)];
    count = wilds;
  }
  if (wilds == reels) return best;
  int sym = s[static_cast<size_t>(wilds)];
  int run = wilds;
  while (run < reels &&
         (s[static_cast<size_t>(run)] == sym || s[static_cast<size_t>(run)] == wild))
    ++run;
  if (run >= 3 &&
      pay_table[static_cast<size_t>(sym)][static_cast<size_t>(run - 3)] > best) {
    best = pay_table[static_cast<size_t>(sym)][static_cast<size_t>(run - 3)];
    symbol = sym;
    count = run;
  }
  return best;
}

slot_game::spin_result slot_game::at(const std::array<int, reels>& stops) const {
  spin_result out;
  out.stops = stops;
  for (size_t r = 0; r < reels; ++r)
    for (size_t row = 0; row < rows; ++row)
      out.grid[r][row] =
          strip_table[r][(static_cast<size_t>(stops[r]) + row) % strip_len];
  for (size_t l = 0; l < lines; ++l) {
    std::array<int, reels> s{};
    for (size_t r = 0; r < reels; ++r)
      s[r] = out.grid[r][static_cast<size_t>(line_table[l][r])];
    int symbol = 0, count = 0;
    if (auto pay = line_pay(s, symbol, count); pay > 0) {
      out.wins.push_back({static_cast<int>(l) + 1, symbol, count, pay});
      out.pay += pay;
    }
  }
  return out;
}

slot_game::spin_result slot_game::spin(random_source& rng) const {
  std::array<int, reels> stops{};
  for (auto& s : stops)
    s = static_cast<int>(rng.uniform(strip_len));
  return at(stops);
}

slot_game::rational slot_game::exact_rtp() {
  // Any row of a reel shows a uniformly random strip position, so each line's pay has
  // the same distribution: enumerate symbol combinations weighted by their counts.
  std::array<std::array<int64_t, symbols>, reels> counts{};
  for (size_t r = 0; r < reels; ++r)
    for (int sym : strip_table[r])
      ++counts[r][static_cast<size_t>(sym)];
  int64_t numerator = 0;
  std::array<int, reels> s{};
  for (int i = 0; i < 32768; ++i) { // 8^5 combinations
    int64_t weight = 1;
    for (size_t r = 0, v = static_cast<size_t>(i); r < reels; ++r, v /= symbols) {
      s[r] = static_cast<int>(v % symbols);
      weight *= counts[r][v % symbols];
    }
    int symbol = 0, count = 0;
    if (weight > 0) numerator += weight * line_pay(s, symbol, count);
  }
  int64_t denominator = 1;
  for (size_t r = 0; r < reels; ++r)
    denominator *= strip_len;
  return {numerator, denominator};
}

int64_t slot_game::rtp_ppm() {
  auto r = exact_rtp();
  return r.numerator * 1'000'000 / r.denominator;
}

} // namespace agg::vendors::builtin
