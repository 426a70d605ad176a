#pragma once

// What every layer accepts as a currency code: 3 to 8 characters of A-Z and 0-9 (ISO
// 4217 codes, and the longer tickers of crypto currencies, USDT).

#include <cstddef>
#include <string_view>

namespace agg {

inline constexpr size_t currency_len_min = 3;
inline constexpr size_t currency_len_max = 8;

constexpr bool valid_currency_code(std::string_view c) {
  if (c.size() < currency_len_min || c.size() > currency_len_max) return false;
  for (char ch : c)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return false;
  return true;
}

static_assert(valid_currency_code("EUR") && valid_currency_code("USDT") &&
              !valid_currency_code("eur") && !valid_currency_code("EU"));

} // namespace agg
