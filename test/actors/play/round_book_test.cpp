// The rules of a vendor's rounds, without actors: ids are unique and carry the run's
// prefix; the rounds in flight are bounded; each step's wallet request derives its
// transaction ids from the round (a retry is an exact replay) and the win carries the
// round's outcome; a failed settlement is retried with doubling delays, then given up;
// and a stale round is settled once, never while it is in flight.

#include "actors/play/round_book.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace agg;
using namespace std::chrono_literals;

namespace {

play_request slot(int64_t player, int64_t stake) {
  return play_request{player, "builtin",        "slot-5x3", "EUR",
                      stake,  R"({"lines":5})", 7,          {}};
}

const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

// A round's transaction id (appended rather than concatenated: g++ 12 warns falsely on
// string + literal here).
std::string tx(const std::string& round, const char* suffix) {
  std::string out = round;
  out.append(suffix);
  return out;
}

} // namespace

TEST_CASE("rounds get unique ids with the run's prefix, and are bounded", "[rounds]") {
  round_book book{"builtin", "builtin-17-42-", {2, 8}};
  auto a = book.open(slot(1, 100), t0);
  auto b = book.open(slot(2, 100), t0);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == "builtin-17-42-1");
  CHECK(*b == "builtin-17-42-2");
  CHECK_FALSE(book.open(slot(3, 100), t0));
  CHECK(book.size() == 2);
  book.close(*a);
  auto c = book.open(slot(3, 100), t0);
  REQUIRE(c);
  CHECK(*c == "builtin-17-42-3");
  CHECK(book.find(*a) == nullptr);
  CHECK(book.find(*c)->req.player_id == 3);
}

TEST_CASE("each step's wallet request derives from the round", "[rounds]") {
  round_book book{"builtin", "r-", {10, 8}};
  auto id = *book.open(slot(5, 250), t0);
  auto bet = book.bet(id);
  CHECK(bet.op == static_cast<uint8_t>(wallet_op::debit));
  CHECK(bet.player_id == 5);
  CHECK(bet.source == "builtin");
  CHECK(bet.tx_id == tx(id, ":bet"));
  CHECK(bet.ref_tx_id.empty());
  CHECK(bet.round_id == id);
  CHECK(bet.amount == 250);
  CHECK(bet.game_id == "slot-5x3");
  CHECK_FALSE(bet.close_round);
  outcome_reply o{1'000, R"({"reels":[[1,2,3]]})", true, "abc", "c", 9};
  book.outcome_known(id, o);
  auto win = book.win(id);
  CHECK(win.op == static_cast<uint8_t>(wallet_op::credit));
  CHECK(win.tx_id == tx(id, ":win"));
  CHECK(win.ref_tx_id == tx(id, ":bet"));
  CHECK(win.amount == 1'000);
  CHECK(win.close_round);
  auto detail = nlohmann::json::parse(win.round_detail);
  CHECK(detail["game"] == "slot-5x3");
  CHECK(detail["stake"] == 250);
  CHECK(detail["outcome"]["reels"][0][2] == 3);
  CHECK(detail["fairness"]["nonce"] == 9);
  auto refund = book.refund(id);
  CHECK(refund.op == static_cast<uint8_t>(wallet_op::rollback));
  CHECK(refund.tx_id == tx(id, ":rollback"));
  CHECK(refund.ref_tx_id == tx(id, ":bet"));
  // The same step asked twice is the same request: a retry replays it exactly.
  CHECK(book.win(id).tx_id == win.tx_id);
  wallet_receipt rc;
  rc.balance = 4'321;
  rc.created_us = 99;
  auto r = book.result(id, rc);
  CHECK(r.round_id == id);
  CHECK(r.win == 1'000);
  CHECK(r.balance == 4'321);
  CHECK(r.origin == 7);
}

TEST_CASE("an outcome that is not JSON is kept as text", "[rounds]") {
  outcome_reply o;
  o.detail_json = "seven, seven, seven";
  auto d = nlohmann::json::parse(round_book::stored_detail("dice", 10, o));
  CHECK(d["outcome"] == "seven, seven, seven");
  CHECK_FALSE(d.contains("fairness"));
}

TEST_CASE("a failed settlement is retried with doubling delays, then given up",
          "[rounds]") {
  round_book book{"builtin", "r-", {10, 4, 50ms, 300ms}};
  auto id = *book.open(slot(1, 10), t0);
  CHECK(book.retry_after_failure(id, true) == 100ms);
  CHECK(book.retry_after_failure(id, true) == 200ms);
  CHECK(book.retry_after_failure(id, true) == 300ms); // capped
  CHECK_FALSE(book.retry_after_failure(id, true));    // the fourth attempt failed too
  auto other = *book.open(slot(2, 10), t0);
  CHECK_FALSE(book.retry_after_failure(other, false)); // not retryable: at once
}

TEST_CASE("a stale round is settled once, and never one in flight", "[rounds]") {
  round_book book{"builtin", "r-", {10, 8}};
  auto live = *book.open(slot(1, 10), t0);
  CHECK_FALSE(book.begin_settling(live));
  CHECK(book.begin_settling("old-7"));
  CHECK_FALSE(book.begin_settling("old-7"));
  book.end_settling("old-7");
  CHECK(book.begin_settling("old-7"));
  round_record r;
  r.round_id = "old-7";
  r.player_id = 4;
  r.currency = "EUR";
  r.game_id = "dice";
  r.bet_total = 300;
  auto refund = book.stale_refund(r);
  CHECK(refund.tx_id == "old-7:rollback");
  CHECK(refund.ref_tx_id == "old-7:bet");
  CHECK(refund.player_id == 4);
  outcome_reply o;
  o.win = 600;
  auto pay = book.stale_win(r, o);
  CHECK(pay.tx_id == "old-7:win");
  CHECK(pay.amount == 600);
  CHECK(pay.close_round);
  CHECK(nlohmann::json::parse(pay.round_detail)["stake"] == 300);
}
