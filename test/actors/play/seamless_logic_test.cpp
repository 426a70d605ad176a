// The seamless-wallet rules without a studio: which calls an expired or superseded
// game session still allows, how calls become wallet requests, and Caleta's exact
// amount conversion per currency.

#include "actors/play/seamless_logic.hpp"
#include "vendors/caleta/caleta_codec.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using vendors::seamless_op;
using vendors::seamless_status;

namespace {

vendor_session session(int64_t expires_us, bool superseded = false) {
  return {"tok", "caleta", 42, "cg_game", "EUR", 0, expires_us, superseded};
}

vendors::seamless_call call(seamless_op op, int64_t amount = 100) {
  vendors::seamless_call c;
  c.op = static_cast<uint8_t>(op);
  c.token = "tok";
  c.game_code = "cg_game";
  c.currency = op == seamless_op::rollback ? "" : "EUR";
  c.tx_id = "tx";
  c.ref_tx_id = "ref";
  c.round_id = "round";
  c.amount = amount;
  return c;
}

} // namespace

TEST_CASE("a session past its lifetime refuses bets and balance, accepts wins and "
          "rollbacks") {
  std::map<std::string, int64_t> limits;
  auto live = session(1'000);
  auto expired = session(1'000);
  CHECK_FALSE(check_session(call(seamless_op::bet), live, "caleta", 999, limits));
  CHECK(check_session(call(seamless_op::bet), expired, "caleta", 1'000, limits) ==
        seamless_status::token_expired);
  CHECK(check_session(call(seamless_op::balance), expired, "caleta", 1'000, limits) ==
        seamless_status::invalid_token);
  CHECK_FALSE(check_session(call(seamless_op::win), expired, "caleta", 5'000, limits));
  CHECK_FALSE(
      check_session(call(seamless_op::rollback), expired, "caleta", 5'000, limits));
  auto superseded = session(1'000'000, true);
  CHECK(check_session(call(seamless_op::bet), superseded, "caleta", 1, limits) ==
        seamless_status::token_expired);
  CHECK_FALSE(check_session(call(seamless_op::win), superseded, "caleta", 1, limits));
  // Another vendor's token, another player, an unknown token.
  CHECK(check_session(call(seamless_op::win), live, "other", 1, limits) ==
        seamless_status::invalid_token);
  auto someone_else = call(seamless_op::rollback);
  someone_else.user = "43";
  CHECK(check_session(someone_else, live, "caleta", 1, limits) ==
        seamless_status::invalid_token);
  CHECK(check_session(call(seamless_op::bet), vendor_session{}, "caleta", 1, limits) ==
        seamless_status::invalid_token);
  limits["EUR"] = 99;
  CHECK(check_session(call(seamless_op::bet, 100), live, "caleta", 1, limits) ==
        seamless_status::bet_limit_exceeded);
  CHECK_FALSE(check_session(call(seamless_op::win, 100), live, "caleta", 1, limits));
}

TEST_CASE(
    "calls become the wallet's bet, win and rollback, and free bets charge nothing") {
  auto s = session(1'000);
  auto bet = wallet_request_of(call(seamless_op::bet, 250), s, "caleta");
  CHECK(bet.op == static_cast<uint8_t>(wallet_op::debit));
  CHECK(bet.player_id == 42);
  CHECK(bet.amount == 250);
  CHECK(bet.source == "caleta");
  CHECK(bet.game_id == "cg_game");
  auto free_bet = call(seamless_op::bet, 250);
  free_bet.is_free = true;
  CHECK(wallet_request_of(free_bet, s, "caleta").amount == 0);
  auto win = wallet_request_of(call(seamless_op::win, 70), s, "caleta");
  CHECK(win.op == static_cast<uint8_t>(wallet_op::credit));
  CHECK(win.ref_tx_id == "ref");
  auto rb = wallet_request_of(call(seamless_op::rollback), s, "caleta");
  CHECK(rb.op == static_cast<uint8_t>(wallet_op::rollback));
  CHECK(rb.ref_tx_id == "ref");
  CHECK(status_of(wallet_errc::insufficient_funds) == seamless_status::not_enough_money);
  CHECK(status_of(wallet_errc::round_settled) == seamless_status::transaction_not_found);
  CHECK(status_of(wallet_errc::storage_error) == seamless_status::unknown);
}

TEST_CASE("Caleta amounts convert exactly per currency, or are refused") {
  vendors::caleta::caleta_codec codec{
      "caleta",
      {{"verify_signatures", "false"}, {"currency_exponents", "JPY:0;KWD:3;BTC:8"}}};
  CHECK(codec.to_minor(356'000, "EUR") == 356);      // 3.56 EUR
  CHECK_FALSE(codec.to_minor(356'001, "EUR"));       // would round
  CHECK(codec.to_minor(500'000, "JPY") == 5);        // 5 JPY
  CHECK_FALSE(codec.to_minor(50'000, "JPY"));        // 0.5 JPY
  CHECK(codec.to_minor(1'234'500, "KWD") == 12'345); // 12.345 KWD
  CHECK_FALSE(codec.to_minor(100'000, "BTC"));       // more decimals than Caleta carries
  CHECK_FALSE(codec.to_minor(-100, "EUR"));
  CHECK(codec.to_caleta(356, "EUR") == 356'000);
  CHECK(codec.to_caleta(12'345, "KWD") == 1'234'500);
  CHECK_FALSE(codec.to_caleta(INT64_MAX / 10, "EUR")); // would overflow
}
