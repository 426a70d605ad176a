// The bonus rules on wallet_core alone (docs/bonus.md): grants, cash spent before
// bonus money and grants oldest first, wins split like their bet's stake, the maximum
// stake, wagering weighed by game and vendor, conversion once (capped, the rest
// forfeited), forfeit and expiry, rollbacks, late wins of ended grants, replays.

#include "actors/wallet/wallet_core.hpp"
#include "persistence/bonus_parts.hpp"
#include "support/wallet_requests.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;

namespace {

constexpr int64_t p1 = 1;

struct harness {
  wallet_core core{[] {
                     wallet_snapshot s;
                     s.player_id = p1;
                     return s;
                   }(),
                   4096};
  int64_t clock_us = 1'000'000;
  std::vector<ledger_write> written;

  apply_outcome run(const wallet_request& r) {
    for (int pass = 0; pass < 3; ++pass) {
      lookup_request miss;
      core.missing(r, miss);
      if (miss.empty()) break;
      core.learn(miss, lookup_result{});
    }
    auto out = core.apply(r, ++clock_us);
    if (out.write) written.push_back(*out.write);
    if (out.then) written.push_back(*out.then);
    return out;
  }

  wallet_receipt ok(const wallet_request& r) {
    auto out = run(r);
    INFO("error: " << to_string(out.error));
    REQUIRE(out.error == wallet_errc::none);
    return out.receipt;
  }

  wallet_errc err(const wallet_request& r) { return run(r).error; }

  int64_t cash() const { return core.balance("EUR"); }
  int64_t bonus() const { return core.bonus_balance("EUR"); }
  const bonus_grant* grant(const std::string& id) const {
    for (const auto& g : core.grants())
      if (g.grant_id == id) return &g;
    return nullptr;
  }
};

wallet_request game_bet(int64_t player, std::string tx, int64_t amount, std::string round,
                        std::string game, std::string source = "studio") {
  auto r = bet(player, std::move(tx), amount, std::move(round));
  r.game_id = std::move(game);
  r.source = std::move(source);
  return r;
}

} // namespace

TEST_CASE("a grant fills its own pocket, cash is spent first, then grants oldest first",
          "[bonus]") {
  harness h;
  h.ok(deposit(p1, "d1", 100));
  auto g = h.ok(grant(p1, terms("bon_a", 300, 1'000'000)));
  CHECK(g.amount == 0);
  CHECK(g.bonus_amount == 300);
  CHECK(g.bonus_balance == 300);
  CHECK(h.written.back().entry.kind == static_cast<uint8_t>(entry_kind::bonus_grant));
  CHECK(h.written.back().entry.bonus == "bon_a:300");
  REQUIRE(h.written.back().grants.size() == 1);
  CHECK(h.written.back().grants[0].balance == 300);
  h.ok(grant(p1, terms("bon_b", 200, 1'000'000)));
  CHECK(h.bonus() == 500);

  // 50 from cash alone; the oldest grant is listed as the one wagered.
  auto r = h.ok(bet(p1, "b1", 50, "r1"));
  CHECK(r.amount == -50);
  CHECK(r.bonus_amount == 0);
  CHECK(h.written.back().entry.bonus == "bon_a:0");
  // 450: the last 50 of cash, 300 of the first grant, 100 of the second.
  r = h.ok(bet(p1, "b2", 450, "r2"));
  CHECK(r.amount == -50);
  CHECK(r.bonus_amount == -400);
  CHECK(r.balance == 0);
  CHECK(r.bonus_balance == 100);
  CHECK(h.written.back().entry.bonus == "bon_a:-300;bon_b:-100");
  CHECK(h.grant("bon_a")->balance == 0);
  CHECK(h.grant("bon_b")->balance == 100);
  CHECK(h.err(bet(p1, "b3", 101, "r3")) == wallet_errc::insufficient_funds);
  // The whole stake counted toward the oldest grant only.
  CHECK(h.grant("bon_a")->wagered == 500);
  CHECK(h.grant("bon_b")->wagered == 0);

  // The win of b2 (900) splits like its stake: 50/450 cash, 300/450 and 100/450 bonus.
  r = h.ok(win(p1, "w2", 900, "r2", "b2"));
  CHECK(r.amount == 100);
  CHECK(r.bonus_amount == 800);
  CHECK(h.written.back().entry.bonus == "bon_a:600;bon_b:200");
  CHECK(h.grant("bon_a")->balance == 600);
  CHECK(h.grant("bon_b")->balance == 300);
  CHECK(h.cash() == 100);
}

TEST_CASE("a bet above a wagered grant's maximum stake is refused before money moves",
          "[bonus]") {
  harness h;
  auto t = terms("bon_m", 1'000, 10'000);
  t.max_stake = 200;
  h.ok(grant(p1, t));
  h.ok(deposit(p1, "d1", 5'000));
  auto before = h.written.size();
  CHECK(h.err(bet(p1, "b1", 201, "r1")) == wallet_errc::bonus_stake_too_high);
  CHECK(h.written.size() == before);
  CHECK(h.cash() == 5'000);
  CHECK(h.ok(bet(p1, "b2", 200, "r2")).balance == 4'800);
  // Once the grant has ended, the maximum no longer holds.
  h.ok(end_grant(p1, "bon_m"));
  CHECK(h.ok(bet(p1, "b3", 1'000, "r3")).balance == 3'800);
}

TEST_CASE("stakes count by the game's, else the vendor's, else the default weight, "
          "the grant converts once, capped, and the rest is forfeited",
          "[bonus]") {
  harness h;
  auto t = terms("bon_w", 1'000, 2'000);
  t.default_weight = 50;
  t.weights = "game:roulette=0;vendor:live=10;game:slot=100";
  t.max_conversion = 700;
  h.ok(grant(p1, t));
  h.ok(deposit(p1, "d1", 10'000));
  h.ok(game_bet(p1, "b1", 1'000, "r1", "roulette"));
  CHECK(h.grant("bon_w")->wagered == 0);
  h.ok(game_bet(p1, "b2", 1'000, "r2", "blackjack", "live"));
  CHECK(h.grant("bon_w")->wagered == 100);
  h.ok(game_bet(p1, "b3", 1'000, "r3", "dice"));
  CHECK(h.grant("bon_w")->wagered == 600);
  // A slot counts whole even at the live vendor (the game's weight comes first);
  // 1,400 more reaches 2,000: the bet's entry, then the conversion's.
  auto before = h.written.size();
  auto r = h.ok(game_bet(p1, "b4", 1'400, "r4", "slot", "live"));
  CHECK(r.balance == 10'000 - 4'400);
  REQUIRE(h.written.size() == before + 2);
  const auto& conv = h.written.back();
  CHECK(conv.entry.kind == static_cast<uint8_t>(entry_kind::bonus_conversion));
  CHECK(conv.entry.tx_id == "bon_w:end");
  CHECK(conv.entry.amount == 700);
  CHECK(conv.entry.bonus == "bon_w:-1000");
  REQUIRE(conv.grants.size() == 1);
  CHECK(conv.grants[0].status == static_cast<uint8_t>(grant_status::converted));
  CHECK(conv.grants[0].converted == 700);
  CHECK(conv.grants[0].forfeited == 300);
  CHECK(h.cash() == 10'000 - 4'400 + 700);
  CHECK(h.bonus() == 0);
  CHECK(h.core.grants().empty());
  // Ended once: a forfeit or an expiry of it now is refused, nothing moves.
  before = h.written.size();
  CHECK(h.err(end_grant(p1, "bon_w")) == wallet_errc::bonus_not_active);
  CHECK(h.err(end_grant(p1, "bon_w", wallet_op::expire_bonus)) ==
        wallet_errc::bonus_not_active);
  CHECK(h.written.size() == before);
  // And a late win of a bet it paid for is paid as cash.
}

TEST_CASE("a grant with no wagering converts at once", "[bonus]") {
  harness h;
  h.ok(grant(p1, terms("bon_0", 250, 0)));
  CHECK(h.cash() == 250);
  CHECK(h.bonus() == 0);
  CHECK(h.written.size() == 2);
}

TEST_CASE("forfeit and expiry take what is left, once, and an expired grant is not spent",
          "[bonus]") {
  harness h;
  h.ok(grant(p1, terms("bon_f", 400, 100'000)));
  h.ok(bet(p1, "b1", 100, "r1"));
  auto r = h.ok(end_grant(p1, "bon_f"));
  CHECK(r.bonus_amount == -300);
  CHECK(h.written.back().entry.kind == static_cast<uint8_t>(entry_kind::bonus_forfeit));
  CHECK(h.written.back().grants[0].forfeited == 300);
  CHECK(h.bonus() == 0);
  auto before = h.written.size();
  auto again = h.ok(end_grant(p1, "bon_f"));
  CHECK(again.replayed);
  CHECK(h.written.size() == before);
  CHECK(h.err(end_grant(p1, "bon_none")) == wallet_errc::bonus_not_found);

  auto t = terms("bon_e", 500, 100'000);
  t.expires_us = h.clock_us + 3;
  h.ok(grant(p1, t));
  h.ok(deposit(p1, "d1", 50));
  h.clock_us += 10; // past its expiry: its money is not spent, its expiry is due
  CHECK(h.err(bet(p1, "b2", 100, "r2")) == wallet_errc::insufficient_funds);
  r = h.ok(end_grant(p1, "bon_e", wallet_op::expire_bonus));
  CHECK(r.bonus_amount == -500);
  CHECK(h.written.back().entry.kind == static_cast<uint8_t>(entry_kind::bonus_expiry));
  CHECK(h.err(end_grant(p1, "bon_e")) == wallet_errc::bonus_not_active);
}

TEST_CASE("a rollback gives each part back and takes the stake off the wagering",
          "[bonus]") {
  harness h;
  h.ok(deposit(p1, "d1", 100));
  h.ok(grant(p1, terms("bon_r", 300, 100'000)));
  h.ok(bet(p1, "b1", 250, "r1"));
  CHECK(h.grant("bon_r")->wagered == 250);
  auto r = h.ok(rollback(p1, "rb1", "b1", "r1"));
  CHECK(r.amount == 100);
  CHECK(r.bonus_amount == 150);
  CHECK(h.cash() == 100);
  CHECK(h.bonus() == 300);
  CHECK(h.grant("bon_r")->wagered == 0);
}

TEST_CASE("a late win or refund for an ended grant: cash once converted, lapsed once "
          "forfeited",
          "[bonus]") {
  harness h;
  h.ok(grant(p1, terms("bon_x", 100, 100'000)));
  h.ok(bet(p1, "b1", 100, "r1"));
  h.ok(end_grant(p1, "bon_x"));
  auto r = h.ok(win(p1, "w1", 400, "r1", "b1"));
  CHECK(r.amount == 0);
  CHECK(r.bonus_amount == 0);
  CHECK(h.written.back().entry.bonus == "bon_x:400:lapsed");
  CHECK(h.cash() == 0);
  // Its exact retry is a replay, the lapsed share counted in what was asked for.
  auto before = h.written.size();
  auto again = h.ok(win(p1, "w1", 400, "r1", "b1"));
  CHECK(again.replayed);
  CHECK(h.written.size() == before);

  h.ok(grant(p1, terms("bon_y", 100, 150)));
  h.ok(bet(p1, "b2", 100, "r2")); // wagered 100 of 150
  h.ok(deposit(p1, "d1", 50));
  h.ok(bet(p1, "b3", 50, "r3")); // 150: converts its 0 left
  CHECK(h.core.grants().empty());
  r = h.ok(win(p1, "w2", 300, "r2", "b2"));
  CHECK(r.amount == 300);
  CHECK(h.cash() == 300);
}

TEST_CASE("a grant is idempotent by its id, and bad grants are refused", "[bonus]") {
  harness h;
  h.ok(grant(p1, terms("bon_i", 100, 500)));
  auto again = h.ok(grant(p1, terms("bon_i", 100, 500)));
  CHECK(again.replayed);
  CHECK(h.bonus() == 100);
  CHECK(h.err(grant(p1, terms("bon_i", 101, 500))) == wallet_errc::duplicate_transaction);
  auto bad = terms("bon_j", 100);
  bad.weights = "game:slot=101";
  CHECK(h.err(grant(p1, bad)) == wallet_errc::invalid_request);
  bad = terms("bon:j", 100);
  CHECK(h.err(grant(p1, bad)) == wallet_errc::invalid_request);
  bad = terms("bon_j", 0);
  CHECK(h.err(grant(p1, bad)) == wallet_errc::invalid_amount);
  bad = terms("bon_j", 100);
  bad.default_weight = -1;
  CHECK(h.err(grant(p1, bad)) == wallet_errc::invalid_request);
  CHECK(h.bonus() == 100);
}

TEST_CASE("bonus parts and weights read back as written", "[bonus]") {
  std::vector<bonus_part> parts{{"a", -3, false}, {"b_2", 40, true}, {"c", 0, false}};
  auto text = format_parts(parts);
  CHECK(text == "a:-3;b_2:40:lapsed;c:0");
  std::vector<bonus_part> back;
  REQUIRE(parse_parts(text, back));
  CHECK(back.size() == 3);
  CHECK(parts_total(back) == -3);
  CHECK_FALSE(parse_parts("a:", back));
  CHECK_FALSE(parse_parts("a:1;", back));
  CHECK_FALSE(parse_parts(":1", back));
  CHECK_FALSE(parse_parts("a:1:gone", back));
  CHECK(valid_weights(""));
  CHECK(valid_weights("game:x=0;vendor:y=100"));
  CHECK_FALSE(valid_weights("game:x=101"));
  CHECK_FALSE(valid_weights("studio:x=5"));
  CHECK_FALSE(valid_weights("game:=5"));
}

namespace {

// A grant of `rounds` free rounds of 50 on "slot" of "studio", their wins wagered
// 10 times, at most `max_win` won in all.
bonus_grant free_terms(std::string id, int64_t rounds, int64_t max_win = 0) {
  auto t = terms(std::move(id), 0);
  t.vendor = "studio";
  t.game_id = "slot";
  t.free_rounds = rounds;
  t.free_bet = 50;
  t.max_win = max_win;
  t.wagering_x100 = 1000;
  return t;
}

wallet_request free_bet(std::string tx, std::string round, std::string grant_id,
                        int64_t amount = 50, std::string game = "slot") {
  auto r = game_bet(p1, std::move(tx), amount, std::move(round), std::move(game));
  r.grant_id = std::move(grant_id);
  return r;
}

wallet_request free_win(std::string tx, std::string round, std::string ref,
                        int64_t amount) {
  auto r = win(p1, std::move(tx), amount, std::move(round), std::move(ref));
  r.source = "studio";
  return r;
}

} // namespace

TEST_CASE("free rounds cost the player nothing and their wins are bonus money under "
          "the grant's wagering",
          "[bonus][free]") {
  harness h;
  h.ok(deposit(p1, "d1", 1'000));
  auto g = h.ok(grant(p1, free_terms("bon_f", 2)));
  CHECK(g.bonus_amount == 0);
  REQUIRE(h.grant("bon_f") != nullptr);
  CHECK(h.grant("bon_f")->free_rounds == 2);

  auto b = h.ok(free_bet("fb1", "r1", "bon_f"));
  CHECK(b.amount == 0);
  CHECK(h.cash() == 1'000);
  CHECK(h.written.back().entry.bonus == "bon_f:0:free");
  CHECK(h.grant("bon_f")->free_rounds == 1);
  CHECK(h.grant("bon_f")->free_open == 1);

  auto w = h.ok(free_win("fw1", "r1", "fb1", 300));
  CHECK(w.amount == 0);
  CHECK(w.bonus_amount == 300);
  CHECK(h.cash() == 1'000);
  CHECK(h.grant("bon_f")->balance == 300);
  CHECK(h.grant("bon_f")->wagering_required == 3'000);
  CHECK(h.grant("bon_f")->free_open == 0);

  // While a round is left the grant is not spendable: a cash bet takes only cash and
  // wagers nothing of it.
  h.ok(game_bet(p1, "cb1", 100, "r2", "slot"));
  CHECK(h.cash() == 900);
  CHECK(h.grant("bon_f")->wagered == 0);

  SECTION("the last round's loss makes it an ordinary grant being wagered") {
    h.ok(free_bet("fb2", "r3", "bon_f"));
    h.ok(free_win("fw2", "r3", "fb2", 0));
    CHECK(h.grant("bon_f")->free_rounds == 0);
    h.ok(game_bet(p1, "cb2", 900, "r4", "slot"));
    CHECK(h.grant("bon_f")->wagered == 900);
    CHECK(h.err(free_bet("fb3", "r5", "bon_f")) == wallet_errc::no_free_rounds);
  }
  SECTION("a free round of another game, stake, vendor or grant is refused") {
    CHECK(h.err(free_bet("x1", "rx1", "bon_f", 60)) == wallet_errc::free_round_mismatch);
    CHECK(h.err(free_bet("x2", "rx2", "bon_f", 50, "dice")) ==
          wallet_errc::free_round_mismatch);
    auto other = free_bet("x3", "rx3", "bon_f");
    other.source = "elsewhere";
    CHECK(h.err(other) == wallet_errc::free_round_mismatch);
    CHECK(h.err(free_bet("x4", "rx4", "bon_none")) == wallet_errc::bonus_not_found);
    CHECK(h.grant("bon_f")->free_rounds == 1);
    CHECK(h.cash() == 900);
  }
  SECTION("a rolled-back free round is given back") {
    h.ok(free_bet("fb2", "r3", "bon_f"));
    CHECK(h.grant("bon_f")->free_rounds == 0);
    auto rb = rollback(p1, "rb2", "fb2", "r3");
    rb.source = "studio";
    h.ok(rb);
    CHECK(h.grant("bon_f")->free_rounds == 1);
    CHECK(h.grant("bon_f")->free_open == 0);
    CHECK(h.cash() == 900);
  }
}

TEST_CASE("free rounds win at most their cap, and a grant whose rounds won nothing ends "
          "at once",
          "[bonus][free]") {
  harness h;
  h.ok(grant(p1, free_terms("bon_c", 1, 200)));
  h.ok(free_bet("fb1", "r1", "bon_c"));
  auto w = h.ok(free_win("fw1", "r1", "fb1", 500));
  CHECK(w.bonus_amount == 200); // the rest is over the cap: paid to no one
  CHECK(h.written.back().entry.bonus == "bon_c:200;bon_c:300:lapsed");
  CHECK(h.cash() == 0);

  h.ok(grant(p1, free_terms("bon_z", 1)));
  h.ok(free_bet("fb2", "r2", "bon_z"));
  h.ok(free_win("fw2", "r2", "fb2", 0));
  // Nothing to wager: it converts (to nothing) with that win.
  CHECK(h.grant("bon_z") == nullptr);
  CHECK(h.written.back().entry.kind ==
        static_cast<uint8_t>(entry_kind::bonus_conversion));
  CHECK(h.written.back().entry.amount == 0);
}

TEST_CASE("a grant that asks for no wagering converts at once even behind an older "
          "grant",
          "[bonus]") {
  harness h;
  h.ok(grant(p1, terms("bon_old", 100, 10'000)));
  auto cash = h.ok(grant(p1, terms("bon_cash", 70, 0)));
  CHECK(h.grant("bon_cash") == nullptr);
  CHECK(h.cash() == 70);
  CHECK(h.grant("bon_old") != nullptr);
  (void)cash;
}

TEST_CASE("a free round sent again is a replay, and one its bet closes is settled",
          "[bonus][free]") {
  harness h;
  h.ok(grant(p1, free_terms("bon_r", 2)));
  auto first = h.ok(free_bet("fb1", "r1", "bon_r"));
  auto again = h.ok(free_bet("fb1", "r1", "bon_r"));
  CHECK(again.replayed);
  CHECK(again.seq == first.seq);
  CHECK(h.grant("bon_r")->free_rounds == 1);
  // The same id as a free round of another grant is a different bet.
  CHECK(h.err(free_bet("fb1", "r1", "bon_other")) == wallet_errc::duplicate_transaction);
  // A losing round closed by its bet leaves nothing open: the grant, its rounds all
  // played, ends at once with nothing won.
  h.ok(free_win("fw1", "r1", "fb1", 0));
  auto closing = free_bet("fb2", "r2", "bon_r");
  closing.close_round = true;
  h.ok(closing);
  CHECK(h.grant("bon_r") == nullptr);
  CHECK(h.written.back().entry.kind ==
        static_cast<uint8_t>(entry_kind::bonus_conversion));
}
