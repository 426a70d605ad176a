// Proves the wallet rules on wallet_core alone, without actors or storage: every
// key a request needs is answered "absent" the first time it is asked for, so what
// the core knows is exactly what it wrote itself.

#include "actors/wallet/wallet_core.hpp"
#include "persistence/chain_hash.hpp"
#include "support/wallet_requests.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;

namespace {

constexpr int64_t p1 = 1;

wallet_snapshot snapshot_of(int64_t player) {
  wallet_snapshot s;
  s.player_id = player;
  return s;
}

struct harness {
  wallet_core core{snapshot_of(p1), 4096};
  int64_t clock_us = 1'000'000;

  apply_outcome run(const wallet_request& r) {
    for (int pass = 0; pass < 3; ++pass) {
      lookup_request miss;
      core.missing(r, miss);
      if (miss.empty()) break;
      core.learn(miss, lookup_result{});
    }
    return core.apply(r, ++clock_us);
  }

  int64_t ok(const wallet_request& r) {
    auto out = run(r);
    INFO("error: " << to_string(out.error));
    REQUIRE(out.error == wallet_errc::none);
    return out.receipt.balance;
  }

  wallet_errc err(const wallet_request& r) { return run(r).error; }
};

} // namespace

TEST_CASE("deposit and withdraw move the balance", "[wallet_core]") {
  harness h;
  CHECK(h.ok(deposit(p1, "d1", 1000)) == 1000);
  CHECK(h.ok(withdraw(p1, "w1", 300)) == 700);
  CHECK(h.core.balance("EUR") == 700);
  CHECK(h.ok(balance(p1)) == 700);
}

TEST_CASE("insufficient funds is refused and the balance never goes negative",
          "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 100));
  CHECK(h.err(withdraw(p1, "w1", 101)) == wallet_errc::insufficient_funds);
  CHECK(h.err(bet(p1, "b1", 101, "r1")) == wallet_errc::insufficient_funds);
  CHECK(h.core.balance("EUR") == 100);
  CHECK(h.ok(bet(p1, "b2", 100, "r2")) == 0);
}

TEST_CASE("an exact replay returns the original result and not the current balance",
          "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  auto first = h.run(bet(p1, "b1", 200, "r1"));
  REQUIRE(first.error == wallet_errc::none);
  h.ok(deposit(p1, "d2", 5000));
  auto again = h.run(bet(p1, "b1", 200, "r1"));
  REQUIRE(again.error == wallet_errc::none);
  CHECK(again.receipt.replayed);
  CHECK_FALSE(again.write.has_value());
  CHECK(again.receipt.balance == 800);
  CHECK(again.receipt.seq == first.receipt.seq);
  CHECK(again.receipt.created_us == first.receipt.created_us);
  CHECK(h.core.balance("EUR") == 5800);
}

TEST_CASE("the same id with different data is a duplicate", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(bet(p1, "b1", 200, "r1"));
  CHECK(h.err(bet(p1, "b1", 201, "r1")) == wallet_errc::duplicate_transaction);
  CHECK(h.err(bet(p1, "b1", 200, "r2")) == wallet_errc::duplicate_transaction);
  CHECK(h.err(win(p1, "b1", 200, "r1")) == wallet_errc::duplicate_transaction);
  CHECK(h.err(deposit(p1, "d1", 999)) == wallet_errc::duplicate_transaction);
  CHECK(h.core.balance("EUR") == 800);
}

TEST_CASE("an id taken by another player is a duplicate", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  auto req = bet(p1, "b-other", 10, "r1");
  lookup_request asked;
  h.core.missing(req, asked);
  ledger_entry theirs;
  theirs.player_id = 2;
  theirs.seq = 1;
  theirs.kind = static_cast<uint8_t>(entry_kind::bet);
  theirs.source = "studio";
  theirs.tx_id = "b-other";
  theirs.round_id = "r1";
  theirs.currency = "EUR";
  theirs.amount = -10;
  h.core.learn(asked, lookup_result{{theirs}, {}, {}});
  CHECK(h.run(req).error == wallet_errc::duplicate_transaction);
}

TEST_CASE("a rollback of an unknown bet leaves a tombstone that refuses the late bet",
          "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  auto rb = h.run(rollback(p1, "rb1", "b-late", "r1"));
  REQUIRE(rb.error == wallet_errc::none);
  CHECK(rb.receipt.amount == 0);
  REQUIRE(rb.write.has_value());
  CHECK(rb.write->mark_rollback);
  CHECK(h.err(bet(p1, "b-late", 100, "r1")) == wallet_errc::transaction_rolled_back);
  CHECK(h.core.balance("EUR") == 1000);
}

TEST_CASE("a rollback refunds the bet once", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(bet(p1, "b1", 300, "r1"));
  CHECK(h.ok(rollback(p1, "rb1", "b1")) == 1000);
  // A second rollback of the same bet under another id moves nothing.
  auto again = h.run(rollback(p1, "rb2", "b1"));
  REQUIRE(again.error == wallet_errc::none);
  CHECK(again.receipt.amount == 0);
  CHECK(h.core.balance("EUR") == 1000);
  // The replay of the first rollback returns its original result.
  auto replay = h.run(rollback(p1, "rb1", "b1"));
  CHECK(replay.receipt.replayed);
  CHECK(replay.receipt.amount == 300);
}

TEST_CASE("a win after the bet's rollback is refused as rolled back", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(bet(p1, "b1", 300, "r1"));
  h.ok(rollback(p1, "rb1", "b1", "r1"));
  CHECK(h.err(win(p1, "w1", 500, "r1", "b1")) == wallet_errc::transaction_rolled_back);
  CHECK(h.err(win(p1, "w2", 500, "r1")) == wallet_errc::transaction_rolled_back);
  CHECK(h.core.balance("EUR") == 1000);
}

TEST_CASE("a rollback after the round's win is refused as settled", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(bet(p1, "b1", 300, "r1"));
  h.ok(win(p1, "w1", 500, "r1", "b1"));
  CHECK(h.err(rollback(p1, "rb1", "b1", "r1")) == wallet_errc::round_settled);
  CHECK(h.core.balance("EUR") == 1200);
}

TEST_CASE("several bets per round: one rolled back and the win still pays",
          "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(bet(p1, "b1", 100, "r1"));
  h.ok(bet(p1, "b2", 200, "r1"));
  h.ok(rollback(p1, "rb1", "b1", "r1"));
  CHECK(h.ok(win(p1, "w1", 50, "r1")) == 850);
}

TEST_CASE("a win naming an unknown bet is refused", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  CHECK(h.err(win(p1, "w1", 100, "r1", "nope")) == wallet_errc::transaction_not_found);
  h.ok(win(p1, "w0", 5));
  CHECK(h.err(rollback(p1, "rb1", "w0")) == wallet_errc::not_rollbackable);
}

TEST_CASE("a win without a bet (a promotion) is paid", "[wallet_core]") {
  harness h;
  CHECK(h.ok(win(p1, "promo-1", 250)) == 250);
  CHECK(h.ok(win(p1, "promo-2", 250, "free-round")) == 500);
}

TEST_CASE("a bet into a closed round is refused", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  auto closing = bet(p1, "b1", 100, "r1");
  closing.close_round = true;
  h.ok(closing);
  CHECK(h.err(bet(p1, "b2", 100, "r1")) == wallet_errc::round_closed);
  // The win of a round its last bet closed is still paid.
  CHECK(h.ok(win(p1, "w1", 40, "r1", "b1")) == 940);
}

TEST_CASE("a round keeps its player and currency", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(deposit(p1, "d2", 1000, "USD"));
  h.ok(bet(p1, "b1", 100, "r1"));
  auto usd = make_req(wallet_op::debit, p1, "b2", 100, "r1", {}, "USD");
  CHECK(h.err(usd) == wallet_errc::round_mismatch);
}

TEST_CASE("currencies are separate balances", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", 1000));
  h.ok(deposit(p1, "d2", 50, "USD"));
  CHECK(h.err(withdraw(p1, "w1", 51, "USD")) == wallet_errc::insufficient_funds);
  CHECK(h.core.balance("EUR") == 1000);
  CHECK(h.core.balance("USD") == 50);
}

TEST_CASE("malformed requests are refused before any lookup", "[wallet_core]") {
  harness h;
  CHECK(h.err(deposit(p1, "d1", 0)) == wallet_errc::invalid_amount);
  CHECK(h.err(deposit(p1, "d1", -5)) == wallet_errc::invalid_amount);
  CHECK(h.err(deposit(p1, "d1", amount_minor_max + 1)) == wallet_errc::invalid_amount);
  CHECK(h.err(bet(p1, "b1", -1)) == wallet_errc::invalid_amount);
  CHECK(h.err(deposit(p1, "", 10)) == wallet_errc::invalid_request);
  CHECK(h.err(deposit(p1, "d1", 10, "eur")) == wallet_errc::invalid_request);
  CHECK(h.err(deposit(p1, "d1", 10, "EU")) == wallet_errc::invalid_request);
  CHECK(h.err(deposit(p1, std::string(129, 'x'), 10)) == wallet_errc::invalid_request);
  CHECK(h.err(deposit(p1, "d\x01", 10)) == wallet_errc::invalid_request);
  CHECK(h.err(rollback(p1, "rb", "")) == wallet_errc::invalid_request);
  auto unknown_op = deposit(p1, "d1", 10);
  unknown_op.op = 42;
  CHECK(h.err(unknown_op) == wallet_errc::invalid_request);
  lookup_request miss;
  h.core.missing(deposit(p1, "", 10), miss);
  CHECK(miss.empty());
}

TEST_CASE("credits stop short of overflowing the balance", "[wallet_core]") {
  harness h;
  h.ok(deposit(p1, "d1", amount_minor_max));
  CHECK(h.err(deposit(p1, "d2", 1)) == wallet_errc::balance_overflow);
  CHECK(h.err(win(p1, "w1", 1)) == wallet_errc::balance_overflow);
}

TEST_CASE("every write continues the hash chain", "[wallet_core]") {
  harness h;
  hash256 prev{};
  int64_t seq = 0;
  for (auto r : {deposit(p1, "d1", 1000), bet(p1, "b1", 10, "r1"),
                 win(p1, "w1", 20, "r1"), rollback(p1, "rb1", "unknown")}) {
    auto out = h.run(r);
    REQUIRE(out.write.has_value());
    const auto& e = out.write->entry;
    CHECK(e.seq == ++seq);
    CHECK(e.prev_hash == prev);
    CHECK(e.hash == chain_hash(e.prev_hash, e));
    prev = e.hash;
  }
  CHECK(h.core.last_seq() == seq);
  CHECK(h.core.last_hash() == prev);
}

TEST_CASE("a lookup answer never overwrites what the wallet wrote since",
          "[wallet_core]") {
  harness h;
  auto req = deposit(p1, "d1", 100);
  lookup_request asked;
  h.core.missing(req, asked);
  REQUIRE(asked.entries.size() == 1);
  h.core.learn(asked, lookup_result{});
  h.core.apply(req, 1);
  // A stale answer saying "d1 does not exist" arrives late.
  h.core.learn(asked, lookup_result{});
  auto replay = h.run(req);
  CHECK(replay.receipt.replayed);
}

TEST_CASE("bets over a wager or loss limit are refused before the debit",
          "[wallet_core][limits]") {
  harness h;
  h.ok(deposit(p1, "d1", 10'000));
  play_limits limits;
  limits.currency = "EUR";
  limits.wager[static_cast<int>(limit_period::day)].amount = 1'000;
  limits.loss[static_cast<int>(limit_period::week)].amount = 500;
  h.core.set_limits(limits, play_totals{});
  h.ok(bet(p1, "b1", 400, "r1"));
  h.ok(win(p1, "w1", 300, "r1", "b1")); // lost 100 net
  h.ok(bet(p1, "b2", 400, "r2"));       // wagered 800, lost 500
  // The loss limit: any stake now would exceed it.
  CHECK(h.err(bet(p1, "b3", 1, "r3")) == wallet_errc::loss_limit_reached);
  h.ok(win(p1, "w2", 400, "r2", "b2")); // lost 100 net
  CHECK(h.err(bet(p1, "b4", 300, "r4")) == wallet_errc::wager_limit_reached);
  CHECK(h.core.balance("EUR") == 9'900);
  h.ok(bet(p1, "b5", 200, "r5")); // wagered exactly 1,000
  // A refunded bet gives back both.
  h.ok(rollback(p1, "rb5", "b5", "r5"));
  h.ok(bet(p1, "b6", 200, "r6"));
  // Another currency is not limited.
  CHECK(h.err(bet(p1, "b7", 5'000, "r7")) == wallet_errc::wager_limit_reached);
  h.ok(deposit(p1, "d2", 100, "USD"));
  h.ok(make_req(wallet_op::debit, p1, "b8", 100, "r8", {}, "USD"));
}
