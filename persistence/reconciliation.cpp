#include "persistence/reconciliation.hpp"

#include "persistence/ledger_rows.hpp"

#include <ctime>
#include <map>

namespace agg {

std::optional<std::pair<int64_t, int64_t>> utc_day_bounds(const std::string& day) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (day.size() != 10 ||
      std::sscanf(day.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = m - 1;
  t.tm_mday = d;
  auto start = timegm(&t);
  std::tm back{};
  gmtime_r(&start, &back);
  if (back.tm_mday != d) return std::nullopt; // 31 April and the like
  int64_t from = static_cast<int64_t>(start) * 1'000'000;
  return std::pair{from, from + int64_t{86'400} * 1'000'000};
}

std::vector<vendor_day_totals> vendor_totals(db::connection& conn,
                                             const std::string& vendor, int64_t from_us,
                                             int64_t to_us) {
  auto st = conn.prepare(
      // Bonus money counts as the vendor counted it: stakes and wins whole.
      "SELECT currency, kind, COUNT(*), COALESCE(SUM(amount + bonus_amount), 0) FROM "
      "ledger "
      "WHERE source = ? AND created_us >= ? AND created_us < ? "
      "GROUP BY currency, kind ORDER BY currency");
  st.bind(1, vendor).bind(2, from_us).bind(3, to_us);
  std::map<std::string, vendor_day_totals> by_currency;
  while (st.step()) {
    auto& line = by_currency[st.text(0)];
    line.currency = st.text(0);
    movement_totals t{st.int64(2), st.int64(3)};
    switch (static_cast<entry_kind>(st.int64(1))) {
      case entry_kind::bet:
        line.bets = {t.count, -t.amount}; // stored as debits
        break;
      case entry_kind::win:
        line.wins = t;
        break;
      case entry_kind::rollback:
        line.rollbacks = t;
        break;
      default:
        break;
    }
  }
  std::vector<vendor_day_totals> out;
  for (auto& [currency, line] : by_currency)
    out.push_back(std::move(line));
  return out;
}

std::vector<round_record> open_rounds(db::connection& conn, const std::string& vendor,
                                      int64_t before_us, int64_t limit) {
  auto st = conn.prepare(std::string{"SELECT "} + db::round_columns +
                         " FROM rounds WHERE " + db::open_rounds_where);
  st.bind(1, vendor).bind(2, before_us).bind(3, limit);
  std::vector<round_record> out;
  while (st.step())
    out.push_back(db::read_round(st));
  return out;
}

} // namespace agg
