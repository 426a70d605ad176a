// Proves the built-in studio's games and provable fairness: the slot's line rules and
// its exact RTP, the dice payout formula, unbiased uniform draws, the HMAC byte stream
// against an independent computation, seeds that verify after rotation, and nonces
// that never repeat across restarts.

#include "common/crypto.hpp"
#include "vendors/builtin/dice_game.hpp"
#include "vendors/builtin/fair_random.hpp"
#include "vendors/builtin/slot_game.hpp"
#include "vendors/builtin/studio.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <openssl/hmac.h>

#include <deque>
#include <map>

using namespace agg::vendors;
using namespace agg::vendors::builtin;
using json = nlohmann::json;

namespace {

// Returns the numbers it was given, in order.
class scripted_source : public random_source {
public:
  explicit scripted_source(std::deque<uint32_t> xs) : xs_(std::move(xs)) {}
  uint32_t next_u32() override {
    REQUIRE_FALSE(xs_.empty());
    auto x = xs_.front();
    xs_.pop_front();
    return x;
  }
  size_t left() const { return xs_.size(); }

private:
  std::deque<uint32_t> xs_;
};

class memory_repository : public seed_repository {
public:
  std::optional<stored_seeds> load(const std::string& v, int64_t p) override {
    auto i = seeds.find({v, p});
    return i == seeds.end() ? std::nullopt : std::optional<stored_seeds>{i->second};
  }
  void save(const std::string& v, int64_t p, const stored_seeds& s) override {
    seeds[{v, p}] = s;
  }
  void rotate(const std::string& v, int64_t p, const revealed_seed& old,
              const stored_seeds& next) override {
    revealed.push_back(old);
    seeds[{v, p}] = next;
  }
  std::map<std::pair<std::string, int64_t>, stored_seeds> seeds;
  std::vector<revealed_seed> revealed;
};

round_context ctx(int64_t player, const std::string& game, int64_t stake,
                  const std::string& params = "") {
  return {player, game, "EUR", stake, params, "r"};
}

} // namespace

TEST_CASE("slot lines pay left to right with wilds substituting", "[builtin][slot]") {
  int symbol = 0, count = 0;
  const int ten = 0, seven = 6, wild = slot_game::wild;
  CHECK(slot_game::line_pay({seven, seven, seven, ten, ten}, symbol, count) == 81);
  CHECK(symbol == seven);
  CHECK(count == 3);
  CHECK(slot_game::line_pay({ten, ten, seven, seven, seven}, symbol, count) == 0);
  CHECK(slot_game::line_pay({wild, seven, wild, seven, ten}, symbol, count) == 245);
  CHECK(count == 4);
  // Three wilds pay more than four TENs completed by them.
  CHECK(slot_game::line_pay({wild, wild, wild, ten, 1}, symbol, count) == 122);
  CHECK(symbol == wild);
  CHECK(slot_game::line_pay({wild, wild, wild, wild, wild}, symbol, count) == 3054);
}

TEST_CASE("the slot's exact RTP is the documented 96.488%", "[builtin][slot]") {
  auto r = slot_game::exact_rtp();
  CHECK(r.denominator == 32LL * 32 * 32 * 32 * 32);
  CHECK(slot_game::rtp_ppm() == 964'880);
}

TEST_CASE("a slot spin reads the grid from its stops", "[builtin][slot]") {
  scripted_source src{{0, 0, 0, 0, 0}};
  auto r = slot_game{}.spin(src);
  for (size_t reel = 0; reel < 5; ++reel)
    for (size_t row = 0; row < 3; ++row)
      CHECK(r.grid[reel][row] == slot_game::strips()[reel][row]);
  int64_t sum = 0;
  for (const auto& w : r.wins)
    sum += w.pay;
  CHECK(sum == r.pay);
}

TEST_CASE("dice pays stake * 9900 / chance rounded down, for exactly chance rolls",
          "[builtin][dice]") {
  CHECK(dice_game::payout(100, 5000) == 198);
  CHECK(dice_game::payout(1, 9800) == 1);
  CHECK(dice_game::payout(1'000'000'000'000'000, 100) == 99'000'000'000'000'000);
  for (bool over : {false, true}) {
    int wins = 0;
    for (uint32_t roll = 0; roll < 10'000; ++roll) {
      scripted_source src{{roll + 10'000}}; // above 2^32 mod 10000: never rejected
      wins += dice_game::play(src, 100, 2500, over).win ? 1 : 0;
    }
    CHECK(wins == 2500);
  }
}

TEST_CASE("uniform draws reject the biased remainder", "[builtin][random]") {
  // For n = 3, 2^32 mod 3 = 1: the value 0 must be rejected, 1 accepted.
  scripted_source src{{0, 1}};
  CHECK(src.uniform(3) == 1);
  CHECK(src.left() == 0);
  scripted_source big{{0xFFFFFFFF}};
  CHECK(big.uniform(10) == 0xFFFFFFFFu % 10);
}

TEST_CASE("the outcome bytes are HMAC-SHA256(server_seed, client_seed:nonce:cursor)",
          "[builtin][random]") {
  std::string seed(32, '\x07');
  hmac_source src{seed, "lucky", 42};
  unsigned char mac[32];
  unsigned int len = 0;
  std::string msg = "lucky:42:0";
  HMAC(EVP_sha256(), seed.data(), 32, reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), mac, &len);
  for (int i = 0; i < 8; ++i) {
    uint32_t expected = (uint32_t{mac[4 * i]} << 24) | (uint32_t{mac[4 * i + 1]} << 16) |
                        (uint32_t{mac[4 * i + 2]} << 8) | uint32_t{mac[4 * i + 3]};
    CHECK(src.next_u32() == expected);
  }
  msg = "lucky:42:1"; // the ninth number comes from the next cursor
  HMAC(EVP_sha256(), seed.data(), 32, reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), mac, &len);
  CHECK(src.next_u32() == ((uint32_t{mac[0]} << 24) | (uint32_t{mac[1]} << 16) |
                           (uint32_t{mac[2]} << 8) | uint32_t{mac[3]}));
}

TEST_CASE("rounds verify once their server seed is revealed", "[builtin][fair]") {
  memory_repository repo;
  studio s{{"builtin", {}, &repo}};
  auto before = s.seeds(7);
  std::vector<std::pair<round_outcome, round_context>> played;
  for (int i = 0; i < 5; ++i) {
    auto c =
        i % 2 == 0 ? ctx(7, "slot-5x3", 100) : ctx(7, "dice", 100, R"({"chance":4000})");
    played.emplace_back(s.play(c), c);
  }
  for (size_t i = 0; i < played.size(); ++i) {
    REQUIRE(played[i].first.proof);
    CHECK(played[i].first.proof->nonce == static_cast<int64_t>(i));
    CHECK(played[i].first.proof->server_seed_hash == before.server_seed_hash);
  }
  auto revealed = s.rotate_seed(7, std::string{"my-own-seed"});
  CHECK(revealed.server_seed_hash == before.server_seed_hash);
  std::string raw;
  REQUIRE(agg::from_hex(revealed.server_seed, raw));
  CHECK(agg::sha256_hex(raw) == before.server_seed_hash);
  CHECK(revealed.last_nonce == 4);
  CHECK(revealed.next.client_seed == "my-own-seed");
  CHECK(revealed.next.next_nonce == 0);
  CHECK(revealed.next.server_seed_hash != before.server_seed_hash);
  REQUIRE(repo.revealed.size() == 1);
  for (auto& [out, c] : played) {
    auto again = s.verify(c.game_id, c.params_json, c.stake, revealed.server_seed,
                          out.proof->client_seed, out.proof->nonce);
    CHECK(again.win == out.win);
    CHECK(again.detail_json == out.detail_json);
  }
  CHECK_THROWS_AS(s.rotate_seed(7, std::string{"has space"}), invalid_params);
}

TEST_CASE("a restart never reuses a nonce", "[builtin][fair]") {
  memory_repository repo;
  int64_t last = -1;
  {
    studio s{{"builtin", {}, &repo}};
    for (int i = 0; i < 3; ++i)
      last = s.play(ctx(9, "dice", 10, R"({"chance":5000})")).proof->nonce;
  }
  studio restarted{{"builtin", {}, &repo}};
  auto next = restarted.play(ctx(9, "dice", 10, R"({"chance":5000})")).proof->nonce;
  CHECK(next > last);
  CHECK(next == studio::nonce_block);
}

TEST_CASE("bad game parameters are refused before anything happens", "[builtin]") {
  studio s{{"builtin", {}, nullptr}};
  CHECK_THROWS_AS(s.check(ctx(1, "slot-5x3", 15)), invalid_params);
  CHECK_THROWS_AS(s.check(ctx(1, "dice", 10)), invalid_params);
  CHECK_THROWS_AS(s.check(ctx(1, "dice", 10, R"({"chance":99})")), invalid_params);
  CHECK_THROWS_AS(s.check(ctx(1, "dice", 10, R"({"chance":5000,"over":"yes"})")),
                  invalid_params);
  CHECK_THROWS_AS(s.check(ctx(1, "dice", 10, "[1]")), invalid_params);
  CHECK_THROWS_AS(s.check(ctx(1, "roulette", 10)), invalid_params);
  CHECK_NOTHROW(s.check(ctx(1, "dice", 10, R"({"chance":5000,"over":true})")));
  auto games = s.games();
  REQUIRE(games.size() == 2);
  CHECK(games[0].rtp_ppm == slot_game::rtp_ppm());
  CHECK(games[1].rtp_ppm == 990'000);
}
