// The player protocol for games over real loopback sockets: the catalog, playing the
// built-in slot and dice with the result and balance pushed to every connection,
// round history, seeds (commitment, client seed, rotation) and verifying a past round
// from its revealed seed.

#include "support/server_fixture.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

TEST_CASE("the catalog lists every vendor's games with availability", "[ws][games]") {
  server_fixture f;
  auto c = f.connect();
  auto games = c->request({{"type", "games"}});
  REQUIRE(games["type"] == "games");
  REQUIRE(games["games"].size() == 2);
  auto slot = games["games"][0];
  CHECK(slot["vendor"] == "builtin");
  CHECK(slot["game"] == "slot-5x3");
  CHECK(slot["rtp_ppm"] == 964880);
  CHECK(slot["stake_step"] == 10);
  CHECK(slot["available"] == true);
  CHECK(slot["start"] == "play");
  CHECK(games["games"][1]["game"] == "dice");
}

TEST_CASE("a spin replies with the round and pushes it to the other connections",
          "[ws][games]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("player_one");
  auto player = reg["player_id"].get<int64_t>();
  f.deposit(player, 10'000, "d1");
  c1->next_of("balance");
  auto c2 = f.connect();
  REQUIRE(c2->request({{"type", "resume"}, {"token", reg["token"]}})["type"] ==
          "resumed");

  auto r = c1->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}});
  REQUIRE(r["type"] == "round");
  CHECK(r["vendor"] == "builtin");
  CHECK(r["stake"] == 100);
  CHECK(r["balance"] == 10'000 - 100 + r["win"].get<int64_t>());
  CHECK(r["outcome"]["grid"].size() == 5);
  CHECK(r["fairness"]["nonce"] == 0);
  CHECK(r["fairness"]["server_seed_hash"].get<std::string>().size() == 64);

  // The other connection sees the balance pushes of the bet and the win, then the round.
  int balances = 0;
  std::optional<json> pushed;
  while (!pushed) {
    auto m = c2->next();
    REQUIRE(m);
    if ((*m)["type"] == "balance")
      ++balances;
    else if ((*m)["type"] == "round")
      pushed = m;
  }
  CHECK(balances >= 1);
  CHECK((*pushed)["round_id"] == r["round_id"]);
  CHECK_FALSE(pushed->contains("id"));

  auto dice = c1->request({{"type", "play"},
                           {"game", "dice"},
                           {"stake", 100},
                           {"params", {{"chance", 5000}, {"over", true}}}});
  REQUIRE(dice["type"] == "round");
  CHECK(dice["outcome"]["chance"] == 5000);
  CHECK((dice["win"] == 0 || dice["win"] == 198));
  CHECK(dice["fairness"]["nonce"] == 1);

  auto rounds = c1->request({{"type", "rounds"}, {"limit", 10}});
  REQUIRE(rounds["type"] == "rounds");
  REQUIRE(rounds["rounds"].size() == 2);
  CHECK(rounds["rounds"][0]["round_id"] == dice["round_id"]);
  CHECK(rounds["rounds"][0]["state"] == "settled");
  CHECK(rounds["rounds"][1]["game"] == "slot-5x3");
  CHECK(rounds["rounds"][1]["outcome"]["grid"].size() == 5);

  // Both rounds are in the round duration histogram.
  auto metrics = f.http().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("agg_round_duration_seconds_count 2\n") != std::string::npos);
}

TEST_CASE("game errors are answered without moving money", "[ws][games]") {
  server_fixture f;
  auto [c, reg] = f.register_player("careful");
  f.deposit(reg["player_id"].get<int64_t>(), 100, "d1");
  CHECK(c->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 15}})["code"] ==
        "invalid_stake");
  CHECK(c->request({{"type", "play"}, {"game", "dice"}, {"stake", 100}})["code"] ==
        "invalid_params");
  CHECK(c->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 200}})["code"] ==
        "insufficient_funds");
  CHECK(c->request({{"type", "play"},
                    {"vendor", "nobody"},
                    {"game", "x"},
                    {"stake", 1}})["code"] == "vendor_unavailable");
  CHECK(c->request({{"type", "play"}, {"game", "slot-5x3"}})["code"] == "invalid_field");
  CHECK(c->request({{"type", "balance"}})["balances"][0]["balance"] == 100);
  auto anonymous = f.connect();
  CHECK(anonymous->request(
            {{"type", "play"}, {"game", "slot-5x3"}, {"stake", 10}})["code"] ==
        "not_authenticated");
}

TEST_CASE("a revealed seed lets anyone recompute a past round", "[ws][games][fair]") {
  server_fixture f;
  auto [c, reg] = f.register_player("verifier");
  f.deposit(reg["player_id"].get<int64_t>(), 1000, "d1");
  auto seeds = c->request({{"type", "seeds"}});
  REQUIRE(seeds["type"] == "seeds");
  auto committed = seeds["server_seed_hash"];
  auto set = c->request({{"type", "set_client_seed"}, {"client_seed", "my-lucky-seed"}});
  REQUIRE(set["type"] == "seeds_rotated");
  CHECK(set["revealed"]["server_seed_hash"] == committed);
  CHECK(set["next"]["client_seed"] == "my-lucky-seed");
  auto round = c->request({{"type", "play"},
                           {"game", "dice"},
                           {"stake", 100},
                           {"params", {{"chance", 2500}}}});
  REQUIRE(round["type"] == "round");
  CHECK(round["fairness"]["client_seed"] == "my-lucky-seed");
  CHECK(round["fairness"]["server_seed_hash"] == set["next"]["server_seed_hash"]);
  auto rotated = c->request({{"type", "rotate_seed"}});
  REQUIRE(rotated["type"] == "seeds_rotated");
  CHECK(rotated["revealed"]["server_seed_hash"] == round["fairness"]["server_seed_hash"]);
  CHECK(rotated["revealed"]["last_nonce"] == 0);
  auto anyone = f.connect();
  auto check = anyone->request({{"type", "verify"},
                                {"game", "dice"},
                                {"stake", 100},
                                {"params", {{"chance", 2500}}},
                                {"server_seed", rotated["revealed"]["server_seed"]},
                                {"client_seed", "my-lucky-seed"},
                                {"nonce", 0}});
  REQUIRE(check["type"] == "verified");
  CHECK(check["outcome"] == round["outcome"]);
  CHECK(check["win"] == round["win"]);
  auto wrong = anyone->request({{"type", "verify"},
                                {"game", "dice"},
                                {"stake", 100},
                                {"params", {{"chance", 2500}}},
                                {"server_seed", "zz"},
                                {"client_seed", "x"},
                                {"nonce", 0}});
  CHECK(wrong["code"] == "invalid_params");
}
