// The campaign rules alone (docs/bonus.md): terms in range, running windows,
// eligibility, deposit qualification, amounts and the grant's copied terms.

#include "actors/bonus/campaign_rules.hpp"
#include "persistence/account_store.hpp"

#include <catch2/catch.hpp>

using namespace agg;

namespace {

campaign match() {
  campaign c;
  c.campaign_id = "cmp_1";
  c.name = "Welcome";
  c.kind = static_cast<uint8_t>(campaign_kind::deposit_match);
  c.match_pct = 100;
  c.amount = 10'000;
  c.min_deposit = 1'000;
  c.wagering_x100 = 3'000;
  c.starts_us = 1'000;
  c.ends_us = 2'000;
  return c;
}

player_facts player() {
  return player_facts{7, "EUR", "DE", static_cast<uint8_t>(account_status::active), 1};
}

} // namespace

TEST_CASE("campaign terms out of range are refused", "[campaign]") {
  CHECK(check_terms(match()) == bonus_errc::none);
  auto c = match();
  c.default_weight = 101;
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.weights = "game:slot=150";
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.weights = "game:slot=-1";
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.currencies = "EUR,euro";
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.countries = "DE,deu";
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.ends_us = c.starts_us;
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.match_pct = 0;
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.code = "lower";
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
  c = match();
  c.kind = static_cast<uint8_t>(campaign_kind::free_spins);
  CHECK(check_terms(c) == bonus_errc::invalid_campaign); // no game, rounds or bet
  c.vendor = "builtin";
  c.game_id = "slot-5x3";
  c.rounds = 10;
  c.bet = 20;
  CHECK(check_terms(c) == bonus_errc::none);
  c.kind = 9;
  CHECK(check_terms(c) == bonus_errc::invalid_campaign);
}

TEST_CASE("a campaign runs only while active and within its window", "[campaign]") {
  auto c = match();
  CHECK_FALSE(running(c, 999));
  CHECK(running(c, 1'000));
  CHECK(running(c, 1'999));
  CHECK_FALSE(running(c, 2'000));
  c.status = static_cast<uint8_t>(campaign_status::paused);
  CHECK_FALSE(running(c, 1'500));
}

TEST_CASE("eligibility: currency, country, KYC level, account state, grants held",
          "[campaign]") {
  auto c = match();
  auto p = player();
  CHECK(eligible(c, p, 0));
  CHECK_FALSE(eligible(c, p, 1)); // max_grants 1
  c.max_grants = 0;
  CHECK(eligible(c, p, 50));
  c.currencies = "USD,GBP";
  CHECK_FALSE(eligible(c, p, 0));
  c.currencies = "USD,EUR";
  CHECK(eligible(c, p, 0));
  c.countries = "AT";
  CHECK_FALSE(eligible(c, p, 0));
  c.countries = "AT,DE";
  CHECK(eligible(c, p, 0));
  p.country.clear(); // unknown country: not in any list
  CHECK_FALSE(eligible(c, p, 0));
  p = player();
  c.min_kyc_level = 2;
  CHECK_FALSE(eligible(c, p, 0));
  p.kyc_level = 2;
  CHECK(eligible(c, p, 0));
  p.status = static_cast<uint8_t>(account_status::self_excluded);
  CHECK_FALSE(eligible(c, p, 0));
}

TEST_CASE("deposits qualify by minimum, first deposit or every Nth", "[campaign]") {
  auto c = match();
  CHECK(qualifies(c, 1'000, 1));
  CHECK_FALSE(qualifies(c, 999, 1));
  CHECK(qualifies(c, 5'000, 4));
  c.first_deposit = true;
  CHECK_FALSE(qualifies(c, 5'000, 2));
  c.first_deposit = false;
  c.every_nth = 3;
  CHECK_FALSE(qualifies(c, 5'000, 2));
  CHECK(qualifies(c, 5'000, 3));
  CHECK(qualifies(c, 5'000, 6));
}

TEST_CASE("the grant copies the terms, with the match capped and wagering on its base",
          "[campaign]") {
  auto c = match();
  c.max_stake = 500;
  c.max_conversion = 20'000;
  c.default_weight = 50;
  c.weights = "game:slot=100";
  c.expiry_days = 7;
  CHECK(bonus_amount(c, 4'000) == 4'000);
  CHECK(bonus_amount(c, 40'000) == 10'000);
  auto g = grant_of(c, 7, "EUR", 4'000, 4'000, 1'000'000);
  CHECK(g.campaign_id == "cmp_1");
  CHECK(g.amount == 4'000);
  CHECK(g.wagering_required == 120'000); // 30 x bonus
  CHECK(g.max_stake == 500);
  CHECK(g.max_conversion == 20'000);
  CHECK(g.default_weight == 50);
  CHECK(g.weights == "game:slot=100");
  CHECK(g.expires_us == 1'000'000 + 7 * 86'400'000'000);
  c.wager_deposit = true;
  CHECK(grant_of(c, 7, "EUR", 4'000, 4'000, 0).wagering_required == 240'000);

  c.kind = static_cast<uint8_t>(campaign_kind::cashback);
  c.cashback_pct = 10;
  c.amount = 0;
  CHECK(bonus_amount(c, 12'345) == 1'234);
  c.pay_cash = true;
  auto cash = grant_of(c, 7, "EUR", 1'234, 0, 0);
  CHECK(cash.wagering_required == 0);
  CHECK(cash.max_conversion == 0);

  c.kind = static_cast<uint8_t>(campaign_kind::free_spins);
  c.vendor = "builtin";
  c.game_id = "slot-5x3";
  c.rounds = 10;
  c.bet = 20;
  c.max_win = 5'000;
  auto spins = grant_of(c, 7, "EUR", 0, 0, 0);
  CHECK(spins.free_rounds == 10);
  CHECK(spins.free_bet == 20);
  CHECK(spins.max_win == 5'000);
  CHECK(spins.wagering_x100 == 3'000);
  CHECK(spins.wagering_required == 0);
}

TEST_CASE("grant ids come from their cause, and codes are normalized", "[campaign]") {
  CHECK(grant_id_for("cmp_1", "deposit:cashier:d1") ==
        grant_id_for("cmp_1", "deposit:cashier:d1"));
  CHECK(grant_id_for("cmp_1", "deposit:cashier:d1") !=
        grant_id_for("cmp_1", "deposit:cashier:d2"));
  CHECK(grant_id_for("cmp_1", "x").size() == 28);
  CHECK(normalized_code("welcome-100") == "WELCOME-100");
  CHECK(normalized_code("no spaces").empty());
}
