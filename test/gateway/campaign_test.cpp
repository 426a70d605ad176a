// Bonus campaigns end to end (docs/bonus.md): an operator creates campaigns (audited,
// bad terms refused), a deposit gets its automatic match from the event feed, codes
// are claimed once, free spins are played at no cost with their wins as bonus money,
// cashback is paid when its period ends, and each campaign's figures show in the API
// and in /metrics. The ledger verifies.

#include "common/clock.hpp"
#include "support/cashier_support.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

httplib::Result create(server_fixture& f, const json& body,
                       const std::string& key = admin_key) {
  return f.http(key).Post("/v1/bonus/campaigns", body.dump(), "application/json");
}

json created(server_fixture& f, const json& body) {
  auto res = create(f, body);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  return json::parse(res->body);
}

json grants_of(server_fixture& f, int64_t player) {
  return json::parse(f.http(reader_key)
                         .Get("/v1/players/" + std::to_string(player) + "/bonuses")
                         ->body)["bonuses"];
}

json campaign_of(server_fixture& f, const std::string& id) {
  return json::parse(f.http(reader_key).Get("/v1/bonus/campaigns/" + id)->body);
}

// Free spins name a vendor's game, which the vendor directory lists once that vendor's
// connection has started (just after the node): waits for it, bounded.
bool catalog_lists(server_fixture& f, const std::string& vendor) {
  return wait_until([&] {
    bool listed = false;
    f.self->request(f.the_node().vendors(), std::chrono::seconds{5}, games_atom_v)
        .receive(
            [&](game_catalog& c) {
              for (const auto& g : c.games)
                listed = listed || g.vendor == vendor;
            },
            [](caf::error&) {});
    return listed;
  });
}

} // namespace

TEST_CASE("a deposit match is given by the feed on a qualifying deposit, once",
          "[bonus][campaign]") {
  server_fixture f;
  auto c = created(f, {{"name", "Welcome"},
                       {"kind", "deposit_match"},
                       {"match_percent", 50},
                       {"max_bonus", 1'000},
                       {"min_deposit", 500},
                       {"first_deposit", true},
                       {"currencies", {"EUR"}},
                       {"wagering_multiplier", 20},
                       {"wagering_base", "bonus_deposit"},
                       {"max_stake", 200},
                       {"expiry_days", 7}});
  auto id = c["campaign_id"].get<std::string>();
  CHECK(c["status"] == "active");
  CHECK(c["code"].is_null());
  auto [ws, reg] = f.register_player("matcher");
  auto player = reg["player_id"].get<int64_t>();
  // An offer without a code is listed to the player.
  auto page = ws->request({{"type", "bonuses"}});
  REQUIRE(page["campaigns"].size() == 1);
  CHECK(page["campaigns"][0]["campaign_id"] == id);
  CHECK_FALSE(page["campaigns"][0].contains("code"));

  f.deposit(player, 1'200, "first");
  REQUIRE(wait_until([&] { return grants_of(f, player).size() == 1; }));
  auto g = grants_of(f, player)[0];
  CHECK(g["campaign_id"] == id);
  CHECK(g["amount"] == 600);
  CHECK(g["wagering_required"] == 20 * (600 + 1'200));
  CHECK(g["max_stake"] == 200);
  // The grant is pushed to the player's session.
  auto push = ws->next_of("bonus");
  REQUIRE(push);
  CHECK((*push)["event"] == "granted");
  // The second deposit is not a first deposit: nothing more.
  f.deposit(player, 5'000, "second");
  auto figures = [&] { return campaign_of(f, id)["figures"]; };
  REQUIRE(wait_until([&] { return figures()["grants"] == 1; }));
  ws->request({{"type", "ping"}});
  CHECK(grants_of(f, player).size() == 1);
  CHECK(figures()["granted"] == 600);
  CHECK(figures()["active"] == 1);
  // The figures are in /metrics too.
  auto metrics = f.http("").Get("/metrics")->body;
  CHECK(metrics.find("agg_bonus_campaign_grants{campaign=\"" + id +
                     "\",kind=\"deposit_match\"} 1") != std::string::npos);
  // Creating the campaign is audited.
  auto audit = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  bool audited = false;
  for (auto& a : audit["entries"])
    audited =
        audited || (a["action"] == "campaign.create" && a["target"] == "campaign:" + id);
  CHECK(audited);
  f.stop_servers();
  CHECK(f.verify().ok);
}

TEST_CASE("a code is claimed once, and unknown, paused or ended codes give nothing",
          "[bonus][campaign]") {
  server_fixture f;
  auto c = created(f, {{"name", "Gift"},
                       {"kind", "no_deposit"},
                       {"code", "gift-10"},
                       {"amount", 1'000},
                       {"wagering_multiplier", 5}});
  auto id = c["campaign_id"].get<std::string>();
  CHECK(c["code"] == "GIFT-10");
  auto [ws, reg] = f.register_player("claimer");
  auto player = reg["player_id"].get<int64_t>();
  // A code is never listed.
  CHECK(ws->request({{"type", "bonuses"}})["campaigns"].empty());
  auto r = ws->request({{"type", "claim_bonus"}, {"code", "nothing"}});
  CHECK(r["code"] == "invalid_code");
  r = ws->request({{"type", "claim_bonus"}, {"code", "gift-10"}});
  INFO(r.dump());
  REQUIRE(r["type"] == "bonus_claimed");
  CHECK(r["granted"] == true);
  CHECK(r["bonus"]["amount"] == 1'000);
  CHECK(r["bonus"]["wagering_required"] == 5'000);
  CHECK(r["campaign"]["campaign_id"] == id);
  r = ws->request({{"type", "claim_bonus"}, {"code", "GIFT-10"}});
  CHECK(r["code"] == "already_claimed");
  CHECK(grants_of(f, player).size() == 1);
  CHECK(ws->request({{"type", "balance"}})["balances"][0]["bonus"] == 1'000);

  // Paused: nobody can claim it; resumed: the next player can; ended: for good.
  auto path = "/v1/bonus/campaigns/" + id;
  CHECK(f.http(reader_key).Post(path + "/pause", "", "application/json")->status == 403);
  REQUIRE(f.http(admin_key).Post(path + "/pause", "", "application/json")->status == 200);
  auto [ws2, reg2] = f.register_player("second");
  CHECK(ws2->request({{"type", "claim_bonus"}, {"code", "GIFT-10"}})["code"] ==
        "invalid_code");
  REQUIRE(f.http(admin_key).Post(path + "/resume", "", "application/json")->status ==
          200);
  CHECK(ws2->request({{"type", "claim_bonus"}, {"code", "GIFT-10"}})["granted"] == true);
  REQUIRE(f.http(admin_key).Post(path + "/end", "", "application/json")->status == 200);
  auto [ws3, reg3] = f.register_player("third");
  CHECK(ws3->request({{"type", "claim_bonus"}, {"code", "GIFT-10"}})["code"] ==
        "invalid_code");
  auto again = f.http(admin_key).Post(path + "/resume", "", "application/json");
  CHECK(again->status == 409);
  CHECK(json::parse(again->body)["error"]["code"] == "campaign_ended");
  // A second campaign cannot take the code.
  auto taken = create(
      f, {{"name", "Copy"}, {"kind", "no_deposit"}, {"code", "GIFT-10"}, {"amount", 5}});
  CHECK(taken->status == 409);
  CHECK(json::parse(taken->body)["error"]["code"] == "code_taken");
  CHECK(campaign_of(f, id)["figures"]["grants"] == 2);
  f.stop_servers();
  CHECK(f.verify().ok);
}

TEST_CASE("campaigns with bad terms are refused and change nothing",
          "[bonus][campaign]") {
  server_fixture f;
  REQUIRE(catalog_lists(f, "builtin"));
  auto refused = [&](const json& body, int status, const std::string& code) {
    auto res = create(f, body);
    REQUIRE(res);
    INFO(body.dump() << " -> " << res->body);
    CHECK(res->status == status);
    CHECK(json::parse(res->body)["error"]["code"] == code);
  };
  json spins{{"name", "Spins"},       {"kind", "free_spins"}, {"vendor", "builtin"},
             {"game_id", "slot-5x3"}, {"rounds", 10},         {"bet", 100}};
  refused({{"name", "x"}, {"kind", "raffle"}}, 400, "invalid_field");
  refused({{"name", "x"},
           {"kind", "no_deposit"},
           {"amount", 5},
           {"weights", {{"game:slot-5x3", 150}}}},
          400, "invalid_field");
  refused({{"name", "x"}, {"kind", "no_deposit"}, {"amount", 5}, {"default_weight", 101}},
          400, "invalid_field");
  refused({{"name", "x"}, {"kind", "no_deposit"}}, 422, "invalid_campaign");
  refused(
      {{"name", "x"}, {"kind", "no_deposit"}, {"amount", 5}, {"currencies", {"euro!"}}},
      422, "invalid_campaign");
  auto bad = spins;
  bad["game_id"] = "nope";
  refused(bad, 422, "unknown_game");
  bad = spins;
  bad["vendor"] = "nobody";
  refused(bad, 422, "unknown_vendor");
  bad = spins;
  bad["bet"] = 101; // not a multiple of the slot's stake step
  refused(bad, 422, "invalid_stake");
  CHECK(create(f, {{"name", "x"}, {"kind", "no_deposit"}, {"amount", 5}}, support_key)
            ->status == 403);
  auto list = json::parse(f.http(reader_key).Get("/v1/bonus/campaigns")->body);
  CHECK(list["campaigns"].empty());
  CHECK(f.http(reader_key)
            .Get("/v1/bonus/campaigns/cmp_000000000000000000000000")
            ->status == 404);
}

TEST_CASE("free spins cost the player nothing, their wins are bonus money under the "
          "campaign's wagering",
          "[bonus][campaign][free]") {
  // Thirty spins back to back: the risk engine would take the player for a bot.
  server_fixture f{[](server_options& o) { o.risk_enabled = false; }};
  REQUIRE(catalog_lists(f, "builtin"));
  auto c = created(f, {{"name", "Spins"},
                       {"kind", "free_spins"},
                       {"code", "SPIN"},
                       {"vendor", "builtin"},
                       {"game_id", "slot-5x3"},
                       {"rounds", 30},
                       {"bet", 100},
                       {"max_win", 100'000},
                       {"wagering_multiplier", 3}});
  auto [ws, reg] = f.register_player("spinner");
  auto player = reg["player_id"].get<int64_t>();
  f.deposit(player, 50, "cash");
  auto r = ws->request({{"type", "claim_bonus"}, {"code", "spin"}});
  INFO(r.dump());
  REQUIRE(r["granted"] == true);
  auto grant_id = r["bonus"]["grant_id"].get<std::string>();
  CHECK(r["bonus"]["free_rounds"]["left"] == 30);
  // Another game, or another stake, is not a free round of it.
  auto wrong = ws->request({{"type", "play"},
                            {"game", "dice"},
                            {"stake", 100},
                            {"params", {{"chance", 5000}}},
                            {"free_round", grant_id}});
  CHECK(wrong["code"] == "free_round_mismatch");
  int64_t won = 0;
  for (int i = 0; i < 30; ++i) {
    auto round = ws->request({{"type", "play"},
                              {"game", "slot-5x3"},
                              {"stake", 100},
                              {"free_round", grant_id}});
    INFO(round.dump());
    REQUIRE(round["type"] == "round");
    won += round["win"].get<int64_t>();
    CHECK(round["balance"] == 50); // cash untouched, wins go to the bonus
  }
  auto none = ws->request(
      {{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}, {"free_round", grant_id}});
  CHECK(none["code"] == "no_free_rounds");
  auto grants = grants_of(f, player);
  REQUIRE(grants.size() == 1);
  auto g = grants[0];
  CHECK(g["free_rounds"]["left"] == 0);
  CHECK(g["free_rounds"]["won"] == won);
  if (won > 0) {
    CHECK(g["status"] == "active");
    CHECK(g["balance"] == won);
    CHECK(g["wagering_required"] == 3 * won);
  } else {
    CHECK(g["status"] == "converted");
  }
  auto b = ws->request({{"type", "balance"}})["balances"][0];
  CHECK(b["balance"] == 50);
  f.stop_servers();
  CHECK(f.verify().ok);
}

TEST_CASE("cashback pays a share of the period's net loss when the period ends",
          "[bonus][campaign][cashback]") {
  server_fixture f{[](server_options& o) { o.bonus_expiry_sweep_ms = 50; }};
  constexpr int64_t day_us = 86'400'000'000;
  // A one-day period that ends three seconds from now.
  auto starts = now_us() - day_us + 3'000'000;
  auto c = created(f, {{"name", "Cashback"},
                       {"kind", "cashback"},
                       {"cashback_percent", 10},
                       {"period_days", 1},
                       {"starts_at_us", starts},
                       {"pay_as", "cash"}});
  auto id = c["campaign_id"].get<std::string>();
  auto [ws, reg] = f.register_player("loser");
  auto player = reg["player_id"].get<int64_t>();
  f.deposit(player, 10'000, "fund");
  for (int i = 0; i < 20; ++i)
    REQUIRE(ws->request({{"type", "play"},
                         {"game", "dice"},
                         {"stake", 100},
                         {"params", {{"chance", 5000}}}})["type"] == "round");
  auto cash_now =
      ws->request({{"type", "balance"}})["balances"][0]["balance"].get<int64_t>();
  auto loss = 10'000 - cash_now;
  REQUIRE(wait_until(
      [&] {
        return campaign_of(f, id)["figures"]["grants"] == (loss > 0 ? 1 : 0) &&
               now_us() > starts + day_us + 500'000;
      },
      std::chrono::seconds{20}));
  if (loss > 0) {
    REQUIRE(wait_until([&] { return grants_of(f, player).size() == 1; }));
    auto g = grants_of(f, player)[0];
    CHECK(g["amount"] == loss / 10);
    CHECK(g["status"] == "converted"); // paid as cash: no wagering
    CHECK(ws->request({{"type", "balance"}})["balances"][0]["balance"] ==
          cash_now + loss / 10);
  }
  f.stop_servers();
  CHECK(f.verify().ok);
}

TEST_CASE("editing a campaign changes neither the grants it made nor its status",
          "[bonus][campaign]") {
  server_fixture f;
  json terms{{"name", "Gift"}, {"kind", "no_deposit"},     {"code", "EDIT-ME"},
             {"amount", 700},  {"wagering_multiplier", 4}, {"max_stake", 300}};
  auto c = created(f, terms);
  auto id = c["campaign_id"].get<std::string>();
  auto [ws, reg] = f.register_player("edited");
  auto player = reg["player_id"].get<int64_t>();
  REQUIRE(ws->request({{"type", "claim_bonus"}, {"code", "EDIT-ME"}})["granted"] == true);
  auto path = "/v1/bonus/campaigns/" + id;
  REQUIRE(f.http(admin_key).Post(path + "/pause", "", "application/json")->status == 200);
  terms["amount"] = 5'000;
  terms["max_stake"] = 10;
  terms["wagering_multiplier"] = 40;
  auto put = f.http(admin_key).Put(path, terms.dump(), "application/json");
  REQUIRE(put);
  INFO(put->body);
  REQUIRE(put->status == 200);
  auto saved = json::parse(put->body);
  CHECK(saved["amount"] == 5'000);
  CHECK(saved["status"] == "paused");
  CHECK(saved["starts_at_us"] == c["starts_at_us"]);
  auto g = grants_of(f, player)[0];
  CHECK(g["amount"] == 700);
  CHECK(g["max_stake"] == 300);
  CHECK(g["wagering_required"] == 2'800);
  // The kind cannot change; an unknown campaign is not found.
  terms["kind"] = "cashback";
  terms["cashback_percent"] = 5;
  terms["period_days"] = 7;
  CHECK(f.http(admin_key).Put(path, terms.dump(), "application/json")->status == 422);
  CHECK(f.http(admin_key)
            .Put("/v1/bonus/campaigns/cmp_000000000000000000000000", terms.dump(),
                 "application/json")
            ->status == 404);
}

TEST_CASE("automatic campaigns greet a new player, a deposit match by code waits for "
          "the next qualifying deposit, and wagering progress is pushed",
          "[bonus][campaign]") {
  server_fixture f;
  REQUIRE(catalog_lists(f, "builtin"));
  auto welcome = created(f, {{"name", "Hello"},
                             {"kind", "no_deposit"},
                             {"amount", 300},
                             {"wagering_multiplier", 1},
                             {"countries", {"DE", "AT"}}});
  auto spins = created(f, {{"name", "Hello spins"},
                           {"kind", "free_spins"},
                           {"vendor", "builtin"},
                           {"game_id", "slot-5x3"},
                           {"rounds", 3},
                           {"bet", 50}});
  auto reload = created(f, {{"name", "Reload"},
                            {"kind", "deposit_match"},
                            {"code", "RELOAD"},
                            {"match_percent", 100},
                            {"max_bonus", 400},
                            {"min_deposit", 100},
                            {"wagering_multiplier", 2}});
  // A player from Germany gets both automatic campaigns at registration; one from
  // nowhere in particular only the free spins.
  auto c = f.connect();
  auto reg = c->request({{"type", "register"},
                         {"username", "berlin"},
                         {"password", "correct horse battery"},
                         {"currency", "EUR"},
                         {"country", "DE"}});
  REQUIRE(reg["type"] == "registered");
  auto de = reg["player_id"].get<int64_t>();
  auto [other, reg2] = f.register_player("nowhere");
  auto none = reg2["player_id"].get<int64_t>();
  REQUIRE(wait_until([&] { return grants_of(f, de).size() == 2; }));
  REQUIRE(wait_until([&] { return grants_of(f, none).size() == 1; }));
  CHECK(grants_of(f, none)[0]["campaign_id"] == spins["campaign_id"]);
  bool greeted = false;
  for (auto& g : grants_of(f, de))
    greeted =
        greeted || (g["campaign_id"] == welcome["campaign_id"] && g["amount"] == 300);
  CHECK(greeted);
  auto fresh = f.connect();
  auto bad = fresh->request({{"type", "register"},
                             {"username", "nocountry"},
                             {"password", "correct horse battery"},
                             {"currency", "EUR"},
                             {"country", "Germany"}});
  CHECK(bad["code"] == "invalid_country");

  // The code is an opt-in: nothing yet; the next deposit of at least 100 is matched.
  auto claim = other->request({{"type", "claim_bonus"}, {"code", "reload"}});
  INFO(claim.dump());
  REQUIRE(claim["type"] == "bonus_claimed");
  CHECK(claim["granted"] == false);
  auto offers = other->request({{"type", "bonuses"}})["campaigns"];
  bool listed = false;
  for (auto& o : offers)
    listed = listed || o["campaign_id"] == reload["campaign_id"];
  CHECK(listed);
  f.deposit(none, 50, "small"); // below min_deposit
  f.deposit(none, 1'000, "big");
  REQUIRE(wait_until([&] { return grants_of(f, none).size() == 2; }));
  json match;
  for (auto& g : grants_of(f, none))
    if (g["campaign_id"] == reload["campaign_id"]) match = g;
  REQUIRE(match.is_object());
  CHECK(match["amount"] == 400);
  CHECK(match["wagering_required"] == 800);

  // Bets wager the oldest spendable grant (the free spins' grant has rounds left, so
  // the match): progress is pushed, at most once a second.
  for (int i = 0; i < 5; ++i)
    REQUIRE(other->request({{"type", "play"},
                            {"game", "dice"},
                            {"stake", 100},
                            {"params", {{"chance", 5000}}}})["type"] == "round");
  std::optional<json> progress;
  for (int i = 0; i < 10 && !progress; ++i) {
    auto push = other->next_of("bonus", std::chrono::seconds{3});
    if (push && (*push)["event"] == "progress") progress = push;
  }
  REQUIRE(progress);
  CHECK((*progress)["grant_id"] == match["grant_id"]);
  CHECK((*progress)["wagered"].get<int64_t>() > 0);
  f.stop_servers();
  CHECK(f.verify().ok);
}

TEST_CASE("cashback paid as bonus money carries the campaign's wagering",
          "[bonus][campaign][cashback]") {
  server_fixture f{[](server_options& o) { o.bonus_expiry_sweep_ms = 50; }};
  constexpr int64_t day_us = 86'400'000'000;
  auto starts = now_us() - day_us + 3'000'000;
  auto c = created(f, {{"name", "Cashback bonus"},
                       {"kind", "cashback"},
                       {"code", "BACK"},
                       {"cashback_percent", 50},
                       {"period_days", 1},
                       {"starts_at_us", starts},
                       {"wagering_multiplier", 3}});
  auto id = c["campaign_id"].get<std::string>();
  auto [ws, reg] = f.register_player("optin");
  auto player = reg["player_id"].get<int64_t>();
  auto [ws2, reg2] = f.register_player("optout");
  auto outsider = reg2["player_id"].get<int64_t>();
  REQUIRE(ws->request({{"type", "claim_bonus"}, {"code", "BACK"}})["type"] ==
          "bonus_claimed");
  f.deposit(player, 10'000, "fund-a");
  f.deposit(outsider, 10'000, "fund-b");
  // Ten even-money dice rolls each: the net loss (if any) is what cashback pays on.
  auto lose = [&](ws_client& w) {
    for (int i = 0; i < 10; ++i)
      REQUIRE(w.request({{"type", "play"},
                         {"game", "dice"},
                         {"stake", 100},
                         {"params", {{"chance", 5000}}}})["type"] == "round");
    return 10'000 -
           w.request({{"type", "balance"}})["balances"][0]["balance"].get<int64_t>();
  };
  auto loss = lose(*ws);
  auto outsider_loss = lose(*ws2);
  (void)outsider_loss;
  REQUIRE(wait_until([&] { return now_us() > starts + day_us + 500'000; },
                     std::chrono::seconds{20}));
  if (loss > 0) {
    REQUIRE(wait_until([&] { return grants_of(f, player).size() == 1; }));
    auto g = grants_of(f, player)[0];
    CHECK(g["amount"] == loss / 2);
    CHECK(g["status"] == "active");
    CHECK(g["wagering_required"] == 3 * (loss / 2));
  }
  // The period is marked paid: nothing more comes, and nobody who did not opt in.
  REQUIRE(wait_until([&] {
    auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
    auto st = conn.prepare("SELECT count(*) FROM bonus_cashback_periods");
    return st.step() && st.int64(0) == 1;
  }));
  CHECK(grants_of(f, outsider).empty());
  f.stop_servers();
  CHECK(f.verify().ok);
}
