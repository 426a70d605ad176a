// Responsible-gaming limits end to end: a player (WebSocket) or an operator (HTTP)
// sets them; a stricter one holds at once, a looser one only after the delay, and
// either way the player sees it; bets over a wager or loss limit and deposits over a
// deposit limit are refused before any money moves.

#include "support/cashier_support.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

json set_limit(ws_client& c, const std::string& limit, std::optional<int64_t> amount) {
  json r{{"type", "set_limit"}, {"limit", limit}};
  if (amount) r["amount"] = *amount;
  return c.request(r);
}

json spin(ws_client& c, int64_t stake) {
  return c.request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", stake}});
}

} // namespace

TEST_CASE("a player lowers a limit at once, raises it only after the delay",
          "[limits][ws]") {
  server_fixture f{[](server_options& o) { o.limit_increase_delay_h = 24; }};
  auto [c, reg] = f.register_player("lena");
  auto player = std::to_string(reg["player_id"].get<int64_t>());
  f.deposit(reg["player_id"], 10'000, "fund");
  auto r = set_limit(*c, "wager_day", 300);
  REQUIRE(r["type"] == "limits");
  CHECK(r["limits"]["wager_day"]["amount"] == 300);
  CHECK(spin(*c, 200)["type"] == "round");
  auto over = spin(*c, 200);
  CHECK(over["type"] == "error");
  CHECK(over["code"] == "wager_limit_reached");
  // Raising waits; the pending change is visible.
  r = set_limit(*c, "wager_day", 5'000);
  CHECK(r["limits"]["wager_day"]["amount"] == 300);
  CHECK(r["limits"]["wager_day"]["pending"] == 5'000);
  CHECK(r["limits"]["wager_day"]["pending_from_us"].get<int64_t>() > now_us());
  CHECK(spin(*c, 200)["code"] == "wager_limit_reached");
  // Removing waits too; lowering again drops the pending change.
  r = set_limit(*c, "wager_day", std::nullopt);
  CHECK(r["limits"]["wager_day"]["pending"].is_null());
  r = set_limit(*c, "wager_day", 250);
  CHECK(r["limits"]["wager_day"]["amount"] == 250);
  CHECK_FALSE(r["limits"]["wager_day"].contains("pending"));
  // Read back by the player and the operator.
  auto mine = c->request({{"type", "limits"}});
  CHECK(mine["limits"]["wager_day"]["amount"] == 250);
  auto theirs =
      json::parse(f.http(reader_key).Get("/v1/players/" + player + "/limits")->body);
  CHECK(theirs["limits"]["wager_day"]["amount"] == 250);
  // Bad names and amounts.
  CHECK(set_limit(*c, "luck_day", 1)["code"] == "invalid_limit");
  CHECK(set_limit(*c, "loss_day", -5)["code"] == "invalid_field");
  CHECK(set_limit(*c, "session_minutes", 0)["code"] == "invalid_limit");
  // Every change is an event.
  auto events =
      json::parse(f.http(reader_key).Get("/v1/events?after=0&limit=1000")->body);
  int changes = 0;
  for (auto& e : events["events"])
    if (e["type"] == "activity.limit_changed") ++changes;
  CHECK(changes == 4);
}

TEST_CASE("a loss limit set before the wallet started holds from its first bet",
          "[limits][ws]") {
  // Spins back to back: the risk engine would take the player for a bot, and more than
  // the connection's burst of them would be answered rate_limited (without an id).
  server_fixture f{[](server_options& o) {
    o.risk_enabled = false;
    o.ws_rate_per_s = 1'000'000;
  }};
  auto [c, reg] = f.register_player("lars");
  REQUIRE(set_limit(*c, "loss_week", 300)["type"] == "limits");
  f.deposit(reg["player_id"], 1'000, "fund");
  int64_t lost = 0;
  // Dice at a 98% chance with a stake of 100 (its least): a win pays 101 (floor(100 *
  // 9900 / 9800)), a loss takes 100, so the net loss climbs by about a unit a roll and
  // the bet that could take it past 300 is refused after a few hundred rolls at most.
  bool refused = false;
  for (int i = 0; i < 5'000 && !refused; ++i) {
    auto r = c->request({{"type", "play"},
                         {"game", "dice"},
                         {"stake", 100},
                         {"params", {{"chance", 9800}}}});
    INFO("roll " << i << ": " << r.dump());
    if (r["type"] == "error") {
      CHECK(r["code"] == "loss_limit_reached");
      refused = true;
      break;
    }
    REQUIRE(r["type"] == "round");
    lost += 100 - r["win"].get<int64_t>();
    REQUIRE(lost <= 300);
  }
  CHECK(refused);
  CHECK(lost + 100 > 300);
  CHECK(balance_of(*c) == 1'000 - lost);
}

TEST_CASE("operators set limits (audited) and deposits over a deposit limit are refused",
          "[limits][http][cashier]") {
  auto f = cashier_server();
  auto [c, reg] = f.register_player("liv");
  auto path = "/v1/players/" + std::to_string(reg["player_id"].get<int64_t>()) +
              "/limits/deposit_day";
  CHECK(f.http(reader_key).Put(path, R"({"amount":1000})", "application/json")->status ==
        403);
  CHECK(f.http(support_key).Put(path, R"({"amount":"x"})", "application/json")->status ==
        400);
  CHECK(f.http(support_key)
            .Put("/v1/players/1/limits/nosuch", R"({"amount":1})", "application/json")
            ->status == 404);
  auto set = f.http(support_key).Put(path, R"({"amount":1000})", "application/json");
  REQUIRE(set->status == 200);
  CHECK(json::parse(set->body)["limits"]["deposit_day"]["amount"] == 1'000);
  auto deposit = [&](int64_t amount) {
    return c->request({{"type", "deposit"},
                       {"amount", amount},
                       {"provider", "sandbox"},
                       {"instrument", "card-l"}});
  };
  auto first = deposit(800);
  REQUIRE(first["type"] == "payment");
  auto second = deposit(300); // the open intent counts
  CHECK(second["code"] == "deposit_limit_reached");
  CHECK(deposit(200)["type"] == "payment");
  auto audit = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  int limits = 0;
  for (auto& e : audit["entries"])
    if (e["action"] == "player.limit") ++limits;
  CHECK(limits == 1); // refused requests (role, body) change nothing and are not audited
}

TEST_CASE("a session ends at its time limit and reality checks tell its time and play",
          "[limits][ws][session]") {
  node_hooks hooks;
  hooks.session_minute_us = 300'000; // a "minute" of 0.3 s
  server_fixture f{{}, hooks};
  auto [c, reg] = f.register_player("sam");
  f.deposit(reg["player_id"], 10'000, "fund");
  REQUIRE(set_limit(*c, "reality_check_minutes", 1)["type"] == "limits");
  REQUIRE(set_limit(*c, "session_minutes", 3)["type"] == "limits");
  // The timers start with the next login.
  auto again = f.connect();
  auto login = again->request(
      {{"type", "login"}, {"username", "sam"}, {"password", "correct horse battery"}});
  REQUIRE(login["type"] == "logged_in");
  auto r = again->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}});
  REQUIRE(r["type"] == "round");
  auto check = again->next_of("reality_check", std::chrono::seconds{5});
  REQUIRE(check);
  CHECK((*check)["stakes"] == 100);
  CHECK((*check)["wins"] == r["win"]);
  CHECK((*check)["net"] == r["win"].get<int64_t>() - 100);
  auto ended = again->next_of("session_limit_reached", std::chrono::seconds{5});
  REQUIRE(ended);
  auto after = again->request({{"type", "balance"}});
  CHECK(after["code"] == "not_authenticated");
}

TEST_CASE(
    "a cool-off refuses logins and money out until it ends; a self-exclusion stands",
    "[limits][ws][exclusion]") {
  server_fixture f;
  auto [c, reg] = f.register_player("cora");
  CHECK(c->request({{"type", "cool_off"}, {"hours", 2}})["code"] == "invalid_field");
  auto ack = c->request({{"type", "cool_off"}, {"hours", 24}});
  CHECK(ack["type"] == "cooling_off");
  auto again = f.connect();
  auto login = again->request(
      {{"type", "login"}, {"username", "cora"}, {"password", "correct horse battery"}});
  CHECK(login["code"] == "account_cooling_off");
  // An operator does not lift it.
  auto unlock = f.http(support_key)
                    .Post("/v1/players/" +
                              std::to_string(reg["player_id"].get<int64_t>()) + "/unlock",
                          "{}", "application/json");
  CHECK(unlock->status == 403);
  // Its end passed (set back in the database): the next login lifts it.
  {
    auto conn = db::connection::open(f.options().db_path(),
                                     db::open_mode::read_write_create, db::tuning{});
    conn.exec("UPDATE accounts SET excluded_until_us = 1 WHERE username = 'cora'");
  }
  auto later = f.connect();
  CHECK(later->request({{"type", "login"},
                        {"username", "cora"},
                        {"password", "correct horse battery"}})["type"] == "logged_in");
  auto [d, reg2] = f.register_player("dora");
  CHECK(d->request({{"type", "self_exclude"}, {"days", 10}})["code"] == "invalid_field");
  CHECK(d->request({{"type", "self_exclude"}, {"days", 200}})["type"] == "self_excluded");
  auto third = f.connect();
  CHECK(third->request({{"type", "login"},
                        {"username", "dora"},
                        {"password", "correct horse battery"}})["code"] ==
        "account_self_excluded");
}
