#include "actors/bonus/campaign_rules.hpp"

#include "actors/wallet/wallet_core.hpp"
#include "common/crypto.hpp"
#include "persistence/account_store.hpp"
#include "persistence/bonus_parts.hpp"

#include <algorithm>
#include <cctype>

namespace agg {

namespace {

constexpr int64_t us_per_day = 86'400'000'000;

__extension__ using wide = __int128;

int64_t mul_div(int64_t a, int64_t b, int64_t c) {
  auto r = static_cast<wide>(a) * b / c;
  return r > amount_minor_max ? amount_minor_max : static_cast<int64_t>(r);
}

bool printable(const std::string& s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return c >= 0x20 && c <= 0x7e; });
}

// Each comma-separated item passes `ok`; an empty list passes.
template <class F>
bool each_listed(const std::string& list, F ok) {
  size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    auto end = list.find(',', start);
    auto item = list.substr(start, end == std::string::npos ? end : end - start);
    if (!ok(item)) return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

bool country_code(const std::string& s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

bool money(int64_t v, int64_t min) {
  return v >= min && v <= amount_minor_max;
}

} // namespace

bonus_errc check_terms(const campaign& c) {
  auto bad = bonus_errc::invalid_campaign;
  if (!printable(c.name, 1, 100) || c.code != normalized_code(c.code) ||
      c.code.size() > 32 || (!c.code.empty() && c.code.size() < 3))
    return bad;
  if (c.status < 1 || c.status > 3) return bad;
  if (!each_listed(c.currencies,
                   [](const std::string& x) { return wallet_core::valid_currency(x); }) ||
      !each_listed(c.countries, country_code))
    return bad;
  if (c.starts_us < 0 || c.ends_us < 0 || (c.ends_us != 0 && c.ends_us <= c.starts_us))
    return bad;
  if (c.every_nth < 1 || c.every_nth > 1000 || c.min_kyc_level < 0 ||
      c.min_kyc_level > 1000 || c.max_grants < 0 || c.max_grants > 1'000'000)
    return bad;
  if (c.default_weight < 0 || c.default_weight > 100 || !valid_weights(c.weights) ||
      !money(c.max_stake, 0) || c.expiry_days < 0 || c.expiry_days > 3650 ||
      !money(c.max_conversion, 0) || c.wagering_x100 < 0 || c.wagering_x100 > 100'000)
    return bad;
  if (!printable(c.vendor_campaign, 0, 128)) return bad;
  switch (static_cast<campaign_kind>(c.kind)) {
    case campaign_kind::deposit_match:
      if (c.match_pct < 1 || c.match_pct > 1000 || !money(c.amount, 1) ||
          !money(c.min_deposit, 0))
        return bad;
      break;
    case campaign_kind::no_deposit:
      if (!money(c.amount, 1)) return bad;
      break;
    case campaign_kind::free_spins:
      if (!printable(c.vendor, 1, 64) || !printable(c.game_id, 1, 128) || c.rounds < 1 ||
          c.rounds > free_rounds_max || !money(c.bet, 1) || !money(c.max_win, 0))
        return bad;
      break;
    case campaign_kind::cashback:
      if (c.cashback_pct < 1 || c.cashback_pct > 100 || c.period_days < 1 ||
          c.period_days > 366 || !money(c.amount, 0) || c.starts_us == 0)
        return bad;
      break;
    default:
      return bad;
  }
  return bonus_errc::none;
}

bool running(const campaign& c, int64_t now_us) {
  return c.status == static_cast<uint8_t>(campaign_status::active) &&
         now_us >= c.starts_us && (c.ends_us == 0 || now_us < c.ends_us);
}

bool listed(const std::string& list, const std::string& item) {
  if (list.empty()) return true;
  bool found = false;
  each_listed(list, [&](const std::string& x) {
    found = found || x == item;
    return !found;
  });
  return found;
}

bool eligible(const campaign& c, const player_facts& p, int64_t grants_held) {
  return p.status == static_cast<uint8_t>(account_status::active) &&
         listed(c.currencies, p.currency) &&
         (c.countries.empty() ||
          (!p.country.empty() && listed(c.countries, p.country))) &&
         p.kyc_level >= c.min_kyc_level &&
         (c.max_grants == 0 || grants_held < c.max_grants);
}

bool qualifies(const campaign& c, int64_t amount, int64_t nth) {
  if (amount < c.min_deposit || amount <= 0 || nth < 1) return false;
  if (c.first_deposit) return nth == 1;
  return nth % c.every_nth == 0;
}

int64_t bonus_amount(const campaign& c, int64_t basis) {
  switch (static_cast<campaign_kind>(c.kind)) {
    case campaign_kind::deposit_match:
      return std::min(mul_div(basis, c.match_pct, 100), c.amount);
    case campaign_kind::cashback: {
      auto back = mul_div(basis, c.cashback_pct, 100);
      return c.amount > 0 ? std::min(back, c.amount) : back;
    }
    case campaign_kind::no_deposit:
      return c.amount;
    default:
      return 0;
  }
}

bonus_grant grant_of(const campaign& c, int64_t player_id, const std::string& currency,
                     int64_t amount, int64_t deposit, int64_t now_us) {
  bonus_grant g;
  g.player_id = player_id;
  g.campaign_id = c.campaign_id;
  g.currency = currency;
  g.amount = amount;
  g.max_stake = c.max_stake;
  g.max_conversion = c.max_conversion;
  g.default_weight = c.default_weight;
  g.weights = c.weights;
  g.expires_us = c.expiry_days > 0 ? now_us + c.expiry_days * us_per_day : 0;
  auto kind = static_cast<campaign_kind>(c.kind);
  if (kind == campaign_kind::free_spins) {
    g.vendor = c.vendor;
    g.game_id = c.game_id;
    g.free_rounds = c.rounds;
    g.free_bet = c.bet;
    g.max_win = c.max_win;
    g.wagering_x100 = c.wagering_x100; // on what the rounds win
    return g;
  }
  if (kind == campaign_kind::cashback && c.pay_cash) {
    // Cash: converts at once, whole.
    g.max_stake = 0;
    g.max_conversion = 0;
    return g;
  }
  auto base =
      amount + (kind == campaign_kind::deposit_match && c.wager_deposit ? deposit : 0);
  g.wagering_required = mul_div(base, c.wagering_x100, 100);
  return g;
}

std::string grant_id_for(const std::string& campaign_id, const std::string& cause) {
  return "bon_" + sha256_hex("grant:" + campaign_id + ":" + cause).substr(0, 24);
}

std::string new_campaign_id() {
  return "cmp_" + to_hex(random_bytes(12));
}

std::string normalized_code(const std::string& code) {
  std::string out;
  out.reserve(code.size());
  for (unsigned char c : code) {
    if (!std::isalnum(c) && c != '_' && c != '-') return {};
    out += static_cast<char>(std::toupper(c));
  }
  return out;
}

} // namespace agg
