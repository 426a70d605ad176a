#include "persistence/campaign_store.hpp"

#include "persistence/grant_rows.hpp"
#include "persistence/ledger_types.hpp"

#include <array>

namespace agg {

using namespace std::string_literals;

namespace {

constexpr const char* campaign_columns =
    "campaign_id, name, kind, status, code, currencies, countries, starts_us, ends_us, "
    "first_deposit, every_nth, min_kyc_level, max_grants, match_pct, amount, "
    "min_deposit, cashback_pct, period_days, pay_cash, vendor, game_id, rounds, bet, "
    "max_win, vendor_campaign, wagering_x100, wager_deposit, default_weight, weights, "
    "max_stake, expiry_days, max_conversion, created_us, updated_us";

constexpr int campaign_column_count = 34;

campaign read_campaign(const db::statement& st) {
  campaign c;
  int i = 0;
  c.campaign_id = st.text(i++);
  c.name = st.text(i++);
  c.kind = static_cast<uint8_t>(st.int64(i++));
  c.status = static_cast<uint8_t>(st.int64(i++));
  c.code = st.is_null(i) ? std::string{} : st.text(i);
  ++i;
  c.currencies = st.text(i++);
  c.countries = st.text(i++);
  c.starts_us = st.int64(i++);
  c.ends_us = st.int64(i++);
  c.first_deposit = st.int64(i++) != 0;
  c.every_nth = st.int64(i++);
  c.min_kyc_level = st.int64(i++);
  c.max_grants = st.int64(i++);
  c.match_pct = st.int64(i++);
  c.amount = st.int64(i++);
  c.min_deposit = st.int64(i++);
  c.cashback_pct = st.int64(i++);
  c.period_days = st.int64(i++);
  c.pay_cash = st.int64(i++) != 0;
  c.vendor = st.text(i++);
  c.game_id = st.text(i++);
  c.rounds = st.int64(i++);
  c.bet = st.int64(i++);
  c.max_win = st.int64(i++);
  c.vendor_campaign = st.text(i++);
  c.wagering_x100 = st.int64(i++);
  c.wager_deposit = st.int64(i++) != 0;
  c.default_weight = st.int64(i++);
  c.weights = st.text(i++);
  c.max_stake = st.int64(i++);
  c.expiry_days = st.int64(i++);
  c.max_conversion = st.int64(i++);
  c.created_us = st.int64(i++);
  c.updated_us = st.int64(i++);
  return c;
}

// Binds every column of `c`, in campaign_columns' order, from parameter 1.
void bind_campaign(db::statement& st, const campaign& c) {
  int i = 0;
  auto put = [&](auto value) { st.bind(++i, value); };
  put(std::string_view{c.campaign_id});
  put(std::string_view{c.name});
  put(int64_t{c.kind});
  put(int64_t{c.status});
  if (c.code.empty())
    st.bind_null(++i);
  else
    put(std::string_view{c.code});
  put(std::string_view{c.currencies});
  put(std::string_view{c.countries});
  for (auto v : {c.starts_us, c.ends_us, int64_t{c.first_deposit}, c.every_nth,
                 c.min_kyc_level, c.max_grants, c.match_pct, c.amount, c.min_deposit,
                 c.cashback_pct, c.period_days, int64_t{c.pay_cash}})
    put(v);
  put(std::string_view{c.vendor});
  put(std::string_view{c.game_id});
  for (auto v : {c.rounds, c.bet, c.max_win})
    put(v);
  put(std::string_view{c.vendor_campaign});
  for (auto v : {c.wagering_x100, int64_t{c.wager_deposit}, c.default_weight})
    put(v);
  put(std::string_view{c.weights});
  for (auto v :
       {c.max_stake, c.expiry_days, c.max_conversion, c.created_us, c.updated_us})
    put(v);
}

std::string placeholders(int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += i == 0 ? "?" : ", ?";
  return out;
}

std::vector<campaign> read_all(db::statement& st) {
  std::vector<campaign> out;
  while (st.step())
    out.push_back(read_campaign(st));
  return out;
}

} // namespace

campaign_store::campaign_store(db::connection& conn) : conn_(conn) {}

bool campaign_store::insert(const campaign& c) {
  if (!c.code.empty() && by_code(c.code)) return false;
  auto st = conn_.prepare("INSERT INTO bonus_campaigns("s + campaign_columns +
                          ") VALUES (" + placeholders(campaign_column_count) + ")");
  bind_campaign(st, c);
  st.run();
  return true;
}

bool campaign_store::update(const campaign& c) {
  if (!c.code.empty())
    if (auto other = by_code(c.code); other && other->campaign_id != c.campaign_id)
      return false;
  // Every column is rewritten: an upsert keyed by the id, created_us kept.
  auto st =
      conn_.prepare("INSERT INTO bonus_campaigns("s + campaign_columns + ") VALUES (" +
                    placeholders(campaign_column_count) +
                    ") ON CONFLICT(campaign_id) DO UPDATE SET name = "
                    "excluded.name, kind = excluded.kind, status = excluded.status, "
                    "code = excluded.code, currencies = excluded.currencies, "
                    "countries = excluded.countries, starts_us = excluded.starts_us, "
                    "ends_us = excluded.ends_us, first_deposit = "
                    "excluded.first_deposit, every_nth = excluded.every_nth, "
                    "min_kyc_level = excluded.min_kyc_level, max_grants = "
                    "excluded.max_grants, match_pct = excluded.match_pct, amount = "
                    "excluded.amount, min_deposit = excluded.min_deposit, "
                    "cashback_pct = excluded.cashback_pct, period_days = "
                    "excluded.period_days, pay_cash = excluded.pay_cash, vendor = "
                    "excluded.vendor, game_id = excluded.game_id, rounds = "
                    "excluded.rounds, bet = excluded.bet, max_win = excluded.max_win, "
                    "vendor_campaign = excluded.vendor_campaign, wagering_x100 = "
                    "excluded.wagering_x100, wager_deposit = excluded.wager_deposit, "
                    "default_weight = excluded.default_weight, weights = "
                    "excluded.weights, max_stake = excluded.max_stake, expiry_days = "
                    "excluded.expiry_days, max_conversion = excluded.max_conversion, "
                    "updated_us = excluded.updated_us");
  bind_campaign(st, c);
  st.run();
  return true;
}

std::optional<campaign> campaign_store::by_id(const std::string& campaign_id) {
  auto st = conn_.prepare("SELECT "s + campaign_columns +
                          " FROM bonus_campaigns WHERE campaign_id = ?");
  st.bind(1, campaign_id);
  if (!st.step()) return std::nullopt;
  return read_campaign(st);
}

std::optional<campaign> campaign_store::by_code(const std::string& code) {
  auto st = conn_.prepare("SELECT "s + campaign_columns +
                          " FROM bonus_campaigns WHERE code = ?");
  st.bind(1, code);
  if (!st.step()) return std::nullopt;
  return read_campaign(st);
}

std::vector<campaign> campaign_store::list(int64_t limit) {
  auto st = conn_.prepare("SELECT "s + campaign_columns +
                          " FROM bonus_campaigns ORDER BY created_us DESC, campaign_id "
                          "LIMIT ?");
  st.bind(1, limit);
  return read_all(st);
}

std::vector<campaign> campaign_store::active_of_kind(campaign_kind kind) {
  auto st = conn_.prepare("SELECT "s + campaign_columns +
                          " FROM bonus_campaigns WHERE status = 1 AND kind = ? ORDER BY "
                          "created_us, campaign_id");
  st.bind(1, int64_t{static_cast<uint8_t>(kind)});
  return read_all(st);
}

campaign_figures campaign_store::figures(const std::string& campaign_id) {
  auto st = conn_.prepare(
      "SELECT count(*), coalesce(sum(status = 1), 0), coalesce(sum(amount + won), 0), "
      "coalesce(sum(converted), 0), coalesce(sum(CASE WHEN status = 3 THEN forfeited "
      "ELSE 0 END), 0), coalesce(sum(CASE WHEN status = 4 THEN forfeited ELSE 0 END), "
      "0), coalesce(sum(wagered), 0) FROM bonus_grants WHERE campaign_id = ?");
  st.bind(1, campaign_id);
  campaign_figures f;
  f.campaign_id = campaign_id;
  if (st.step()) {
    f.grants = st.int64(0);
    f.active = st.int64(1);
    f.granted = st.int64(2);
    f.converted = st.int64(3);
    f.forfeited = st.int64(4);
    f.expired = st.int64(5);
    f.wagered = st.int64(6);
  }
  return f;
}

int64_t campaign_store::grants_of(const std::string& campaign_id, int64_t player_id) {
  auto st = conn_.prepare(
      "SELECT count(*) FROM bonus_grants WHERE player_id = ? AND campaign_id = ?");
  st.bind(1, player_id).bind(2, campaign_id);
  return st.step() ? st.int64(0) : 0;
}

bool campaign_store::claim(const std::string& campaign_id, int64_t player_id,
                           int64_t now_us) {
  auto st = conn_.prepare("INSERT INTO bonus_claims(campaign_id, player_id, claimed_us) "
                          "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  st.bind(1, campaign_id).bind(2, player_id).bind(3, now_us).run();
  return conn_.changes() > 0;
}

bool campaign_store::claimed(const std::string& campaign_id, int64_t player_id) {
  auto st =
      conn_.prepare("SELECT 1 FROM bonus_claims WHERE campaign_id = ? AND player_id = ?");
  st.bind(1, campaign_id).bind(2, player_id);
  return st.step();
}

std::vector<int64_t> campaign_store::claimants(const std::string& campaign_id) {
  auto st = conn_.prepare("SELECT player_id FROM bonus_claims WHERE campaign_id = ? "
                          "ORDER BY player_id");
  st.bind(1, campaign_id);
  std::vector<int64_t> out;
  while (st.step())
    out.push_back(st.int64(0));
  return out;
}

int64_t campaign_store::deposits_before(int64_t player_id, int64_t seq) {
  auto st = conn_.prepare(
      "SELECT count(*) FROM ledger WHERE player_id = ? AND seq < ? AND kind = ?");
  st.bind(1, player_id)
      .bind(2, seq)
      .bind(3, int64_t{static_cast<uint8_t>(entry_kind::deposit)});
  return st.step() ? st.int64(0) : 0;
}

std::vector<net_loss> campaign_store::losses(int64_t from_us, int64_t to_us) {
  auto st = conn_.prepare(
      "SELECT player_id, currency, -sum(amount) FROM ledger WHERE kind IN (3, 4, 5) AND "
      "created_us >= ? AND created_us < ? GROUP BY player_id, currency HAVING "
      "sum(amount) < 0 ORDER BY player_id, currency");
  st.bind(1, from_us).bind(2, to_us);
  std::vector<net_loss> out;
  while (st.step())
    out.push_back(net_loss{st.int64(0), st.text(1), st.int64(2)});
  return out;
}

bool campaign_store::period_paid(const std::string& campaign_id, int64_t period) {
  auto st = conn_.prepare(
      "SELECT 1 FROM bonus_cashback_periods WHERE campaign_id = ? AND period = ?");
  st.bind(1, campaign_id).bind(2, period);
  return st.step();
}

void campaign_store::mark_period_paid(const std::string& campaign_id, int64_t period,
                                      int64_t now_us) {
  auto st = conn_.prepare("INSERT INTO bonus_cashback_periods(campaign_id, period, "
                          "paid_us) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  st.bind(1, campaign_id).bind(2, period).bind(3, now_us).run();
}

void campaign_store::mark_awarded(const std::string& grant_id, int64_t now_us) {
  auto st = conn_.prepare("INSERT INTO bonus_awards(grant_id, awarded_us) VALUES (?, ?) "
                          "ON CONFLICT DO NOTHING");
  st.bind(1, grant_id).bind(2, now_us).run();
}

bool campaign_store::awarded(const std::string& grant_id) {
  auto st = conn_.prepare("SELECT 1 FROM bonus_awards WHERE grant_id = ?");
  st.bind(1, grant_id);
  return st.step();
}

std::vector<bonus_grant> campaign_store::unawarded(int64_t before_us, int64_t limit) {
  auto st = conn_.prepare(
      "SELECT "s + db::grant_columns +
      " FROM bonus_grants g WHERE status = 1 AND free_rounds > 0 AND vendor <> '' AND "
      "created_us <= ? AND NOT EXISTS (SELECT 1 FROM bonus_awards a WHERE a.grant_id = "
      "g.grant_id) ORDER BY created_us LIMIT ?");
  st.bind(1, before_us).bind(2, limit);
  std::vector<bonus_grant> out;
  while (st.step())
    out.push_back(db::read_grant(st));
  return out;
}

} // namespace agg
