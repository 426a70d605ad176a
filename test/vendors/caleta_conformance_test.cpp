// The Caleta Gaming System API v1.5, operator side, driven the way Caleta drives it:
// a player launches a game over WebSocket (our signed /api/game/url call reaches a
// fake Caleta Games API), then a client signing like Caleta calls every wallet
// endpoint through success, duplicates, rollbacks, refusals and bad input. Every
// reply is checked against the spec's schema and status list, and the ledger verifies.

#include "support/caleta_support.hpp"
#include "support/raw_connection.hpp"
#include "support/server_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <set>
#include <thread>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

const std::set<std::string> spec_statuses = {
    "RS_OK",
    "RS_ERROR_UNKNOWN",
    "RS_ERROR_TIMEOUT",
    "RS_ERROR_INVALID_TOKEN",
    "RS_ERROR_INVALID_GAME",
    "RS_ERROR_WRONG_CURRENCY",
    "RS_ERROR_NOT_ENOUGH_MONEY",
    "RS_ERROR_USER_DISABLED",
    "RS_ERROR_INVALID_SIGNATURE",
    "RS_ERROR_TOKEN_EXPIRED",
    "RS_ERROR_WRONG_SYNTAX",
    "RS_ERROR_WRONG_TYPES",
    "RS_ERROR_DUPLICATE_TRANSACTION",
    "RS_ERROR_TRANSACTION_DOES_NOT_EXIST",
    "RS_ERROR_TRANSACTION_ROLLED_BACK",
    "RS_ERROR_BET_LIMIT_EXCEEDED",
};

constexpr const char* game = "cg_torchoffire";
constexpr int64_t unit = 100'000; // Caleta's units per currency unit

// BalanceResponse: request_uuid and status required; user, currency strings; balance
// an integer.
void check_balance_response(const json& j, const std::string& request_uuid) {
  REQUIRE(j.is_object());
  REQUIRE(j.contains("status"));
  REQUIRE(j["status"].is_string());
  CHECK(spec_statuses.count(j["status"].get<std::string>()) == 1);
  REQUIRE(j.contains("request_uuid"));
  CHECK(j["request_uuid"] == request_uuid);
  if (j.contains("user")) CHECK(j["user"].is_string());
  if (j.contains("currency")) CHECK(j["currency"].is_string());
  if (j.contains("balance")) CHECK(j["balance"].is_number_integer());
  for (const auto& [key, value] : j.items())
    CHECK(std::set<std::string>{"status", "request_uuid", "user", "currency", "balance"}
              .count(key) == 1);
}

struct caleta_world {
  explicit caleta_world(std::map<std::string, std::string> more = {},
                        std::function<void(server_options&)> server = {})
      : extra(std::move(more)), server_settings(std::move(server)) {}

  std::map<std::string, std::string> extra;             // more settings of the vendor
  std::function<void(server_options&)> server_settings; // and of the server
  temp_dir keys;
  rsa_pair caleta_keys = rsa_pair::generate(keys.file("caleta"));
  rsa_pair our_keys = rsa_pair::generate(keys.file("operator"));
  fake_caleta_games_api games_api{our_keys.public_pem};
  server_fixture f{[this](server_options& o) {
    o.vendors = {"builtin", "caleta"};
    o.stake_max_by_currency = {"EUR:50000"};
    o.vendor_settings["caleta"] = {{"kind", "caleta"},
                                   {"api_url", games_api.url()},
                                   {"operator_id", "test-operator"},
                                   {"sub_partner_id", "test-casino"},
                                   {"private_key_file", our_keys.private_file},
                                   {"public_key_file", caleta_keys.public_file},
                                   {"games", std::string{game} + ":Torch of Fire:slots"},
                                   {"stake_max", "45000"},
                                   {"default_country", "MT"}};
    for (const auto& [key, value] : extra)
      o.vendor_settings["caleta"][key] = value;
    if (server_settings) server_settings(o);
  }};
  caleta_client caleta{f.vendor_port, "caleta", caleta_keys.private_pem};
  int counter = 0;

  std::string uuid(const std::string& what) {
    return what + "-" + std::to_string(++counter);
  }

  // Registers a player with `deposit` minor units and launches the game; returns the
  // player's connection, id and the game session token Caleta received.
  struct player {
    std::unique_ptr<ws_client> ws;
    int64_t id = 0;
    std::string token;
  };

  player launch(const std::string& name, int64_t deposit) {
    auto [ws, reg] = f.register_player(name);
    player p{std::move(ws), reg["player_id"].get<int64_t>(), {}};
    if (deposit > 0) f.deposit(p.id, deposit, "dep-" + name);
    auto before = games_api.calls().size();
    auto r = p.ws->request({{"type", "launch"}, {"vendor", "caleta"}, {"game", game}});
    REQUIRE(r["type"] == "launched");
    auto calls = games_api.calls();
    REQUIRE(calls.size() == before + 1);
    const auto& call = calls.back();
    REQUIRE(call.path == "/api/game/url");
    p.token = call.body["token"].get<std::string>();
    CHECK(r["url"] == "https://games.caleta.test/games/?token=" + p.token);
    CHECK(r.contains("token") == false); // the token is the studio's business
    return p;
  }

  json bet_body(const player& p, const std::string& tx, int64_t amount,
                const std::string& round, const std::string& currency = "EUR") {
    return {{"token", p.token},
            {"transaction_uuid", tx},
            {"supplier_user", std::to_string(p.id)},
            {"round_closed", false},
            {"round", round},
            {"request_uuid", uuid("req")},
            {"is_free", false},
            {"game_code", game},
            {"currency", currency},
            {"amount", amount}};
  }

  json win_body(const player& p, const std::string& tx, const std::string& bet_tx,
                int64_t amount, const std::string& round) {
    auto j = bet_body(p, tx, amount, round);
    j["reference_transaction_uuid"] = bet_tx;
    j["round_closed"] = true;
    return j;
  }

  json rollback_body(const player& p, const std::string& tx, const std::string& ref,
                     const std::string& round) {
    return {{"token", p.token},
            {"transaction_uuid", tx},
            {"round_closed", true},
            {"round", round},
            {"request_uuid", uuid("req")},
            {"reference_transaction_uuid", ref},
            {"game_code", game},
            {"user", std::to_string(p.id)}};
  }

  // Posts and checks the reply's schema; returns it.
  json call(const std::string& op, const json& body) {
    auto r = caleta.post(op, body);
    REQUIRE(r.status == 200);
    check_balance_response(r.body, body["request_uuid"].get<std::string>());
    return r.body;
  }

  json balance(const player& p) {
    return call("balance", {{"token", p.token},
                            {"request_uuid", uuid("req")},
                            {"supplier_user", std::to_string(p.id)},
                            {"game_code", game}});
  }
};

} // namespace

TEST_CASE("launch signs /api/game/url with our key and binds the token to the player") {
  caleta_world w;
  auto p = w.launch("launcher", 10'000);
  auto calls = w.games_api.calls();
  REQUIRE(calls.size() == 1);
  const auto& c = calls[0];
  CHECK(c.signature_ok);
  // game_url_body: every required field, with the spec's types.
  for (auto key : {"country", "currency", "game_code", "lang", "lobby_url", "operator_id",
                   "sub_partner_id"}) {
    INFO(key);
    REQUIRE(c.body.contains(key));
    CHECK(c.body[key].is_string());
  }
  CHECK(c.body["user"] == std::to_string(p.id));
  CHECK(c.body["currency"] == "EUR");
  CHECK(c.body["game_code"] == game);
  CHECK(c.body["operator_id"] == "test-operator");
  CHECK(c.body["sub_partner_id"] == "test-casino");
  CHECK(c.body["country"] == "MT");
  CHECK(c.body["lang"] == "en");

  auto b = w.balance(p);
  CHECK(b["status"] == "RS_OK");
  CHECK(b["balance"] == 100 * unit);
  CHECK(b["currency"] == "EUR");
  CHECK(b["user"] == std::to_string(p.id));

  // A game Caleta does not have, and a studio that is not seamless, are refused.
  auto bad = p.ws->request({{"type", "launch"}, {"vendor", "caleta"}, {"game", "nope"}});
  CHECK(bad["type"] == "error");
  CHECK(bad["code"] == "unknown_game");
  auto builtin =
      p.ws->request({{"type", "launch"}, {"vendor", "builtin"}, {"game", "slot-5x3"}});
  CHECK(builtin["type"] == "error");
  CHECK(w.games_api.calls().size() == 1);
  // Caleta's rounds are played in Caleta's client: play is refused before any stake.
  auto play = p.ws->request(
      {{"type", "play"}, {"vendor", "caleta"}, {"game", game}, {"stake", 100}});
  CHECK(play["type"] == "error");
  CHECK(play["code"] == "invalid_params");
  CHECK(w.balance(p)["balance"] == 100 * unit);
}

TEST_CASE(
    "bet and win move the money, reach the player's connection and replay exactly") {
  caleta_world w;
  auto p = w.launch("punter", 10'000); // 100.00 EUR
  auto bet = w.bet_body(p, "bet-1", 1 * unit, "round-1");
  auto r = w.call("bet", bet);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 99 * unit);
  CHECK(r["currency"] == "EUR");
  // The deposit's push may come first; the bet's follows.
  auto push = p.ws->next_of("balance");
  if (push && (*push)["balance"] == 10'000) push = p.ws->next_of("balance");
  REQUIRE(push);
  CHECK((*push)["balance"] == 9'900);
  CHECK((*push)["reason"] == "bet");

  // The exact same bet again (a retry): RS_OK, nothing moves.
  auto again = bet;
  again["request_uuid"] = w.uuid("req");
  r = w.call("bet", again);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 99 * unit);
  // Same transaction_uuid, different content: a duplicate.
  auto conflicting = w.bet_body(p, "bet-1", 2 * unit, "round-1");
  r = w.call("bet", conflicting);
  CHECK(r["status"] == "RS_ERROR_DUPLICATE_TRANSACTION");
  CHECK(w.balance(p)["balance"] == 99 * unit);

  auto win = w.win_body(p, "win-1", "bet-1", 5 * unit / 2, "round-1");
  r = w.call("win", win);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 99 * unit + 5 * unit / 2);
  auto win_again = win;
  win_again["request_uuid"] = w.uuid("req");
  CHECK(w.call("win", win_again)["status"] == "RS_OK");
  auto win_conflict = w.win_body(p, "win-1", "bet-1", 9 * unit, "round-1");
  CHECK(w.call("win", win_conflict)["status"] == "RS_ERROR_DUPLICATE_TRANSACTION");
  CHECK(w.balance(p)["balance"] == 99 * unit + 5 * unit / 2);

  // A win of 0 for a lost round is a normal close.
  w.call("bet", w.bet_body(p, "bet-2", 1 * unit, "round-2"));
  r = w.call("win", w.win_body(p, "win-2", "bet-2", 0, "round-2"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 98 * unit + 5 * unit / 2);
  CHECK(w.f.verify().ok);
}

TEST_CASE("rollbacks: of a bet, of an unknown transaction, win after rollback, rollback "
          "after win") {
  caleta_world w;
  auto p = w.launch("roller", 10'000);
  w.call("bet", w.bet_body(p, "bet-r", 3 * unit, "round-r"));
  auto rb = w.rollback_body(p, "rb-1", "bet-r", "round-r");
  auto r = w.call("rollback", rb);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 100 * unit);
  // Retried: RS_OK, refunded once.
  auto rb_again = rb;
  rb_again["request_uuid"] = w.uuid("req");
  r = w.call("rollback", rb_again);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 100 * unit);
  // A win for the rolled-back bet.
  r = w.call("win", w.win_body(p, "win-r", "bet-r", 10 * unit, "round-r"));
  CHECK(r["status"] == "RS_ERROR_TRANSACTION_ROLLED_BACK");

  // A rollback of a bet we never saw (it timed out on the way): RS_OK, nothing moves,
  // and the bet arriving late is refused.
  r = w.call("rollback", w.rollback_body(p, "rb-2", "bet-lost", "round-lost"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 100 * unit);
  r = w.call("bet", w.bet_body(p, "bet-lost", 4 * unit, "round-lost"));
  CHECK(r["status"] != "RS_OK");
  CHECK(w.balance(p)["balance"] == 100 * unit);

  // A win whose bet does not exist.
  r = w.call("win", w.win_body(p, "win-x", "bet-never", 1 * unit, "round-x"));
  CHECK(r["status"] == "RS_ERROR_TRANSACTION_DOES_NOT_EXIST");

  // Rollback after win: the round is paid; a final status, nothing moves.
  w.call("bet", w.bet_body(p, "bet-w", 2 * unit, "round-w"));
  w.call("win", w.win_body(p, "win-w", "bet-w", 3 * unit, "round-w"));
  r = w.call("rollback", w.rollback_body(p, "rb-3", "bet-w", "round-w"));
  CHECK(r["status"] == "RS_ERROR_TRANSACTION_DOES_NOT_EXIST");
  CHECK(w.balance(p)["balance"] == 101 * unit);
  CHECK(w.f.verify().ok);
}

TEST_CASE("refusals: insufficient funds, wrong currency, invalid token and game, bet "
          "limit, disabled user") {
  caleta_world w;
  auto p = w.launch("refused", 1'000); // 10.00 EUR
  auto r = w.call("bet", w.bet_body(p, "bet-big", 20 * unit, "round-1"));
  CHECK(r["status"] == "RS_ERROR_NOT_ENOUGH_MONEY");
  r = w.call("bet", w.bet_body(p, "bet-usd", 1 * unit, "round-2", "USD"));
  CHECK(r["status"] == "RS_ERROR_WRONG_CURRENCY");
  auto forged = w.bet_body(p, "bet-tok", 1 * unit, "round-3");
  forged["token"] = "no-such-token";
  r = w.call("bet", forged);
  CHECK(r["status"] == "RS_ERROR_INVALID_TOKEN");
  CHECK(r.contains("user") == false);
  auto other_game = w.bet_body(p, "bet-game", 1 * unit, "round-4");
  other_game["game_code"] = "cg_other";
  CHECK(w.call("bet", other_game)["status"] == "RS_ERROR_INVALID_GAME");
  // stake_max_by_currency EUR:50000 minor units = 500.00 EUR; the game's stake_max
  // is 450.00.
  CHECK(w.call("bet", w.bet_body(p, "bet-limit", 501 * unit, "round-5"))["status"] ==
        "RS_ERROR_BET_LIMIT_EXCEEDED");
  CHECK(w.call("bet", w.bet_body(p, "bet-limit2", 451 * unit, "round-5"))["status"] ==
        "RS_ERROR_BET_LIMIT_EXCEEDED");
  CHECK(w.balance(p)["balance"] == 10 * unit);

  // A locked player: bets are refused, a win for an earlier bet still lands.
  w.call("bet", w.bet_body(p, "bet-ok", 1 * unit, "round-6"));
  REQUIRE(w.f.http(support_key)
              .Post("/v1/players/" + std::to_string(p.id) + "/lock")
              ->status == 200);
  CHECK(w.call("bet", w.bet_body(p, "bet-locked", 1 * unit, "round-7"))["status"] ==
        "RS_ERROR_USER_DISABLED");
  r = w.call("win", w.win_body(p, "win-ok", "bet-ok", 2 * unit, "round-6"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 11 * unit);
  CHECK(w.f.verify().ok);
}

TEST_CASE("a bet over the player's own loss or wager limit is refused with "
          "RS_ERROR_BET_LIMIT_EXCEEDED before any money moves") {
  caleta_world w;
  auto p = w.launch("limited", 10'000); // 100.00 EUR
  auto limit = [&](const char* name, int64_t amount) {
    auto r = p.ws->request({{"type", "set_limit"}, {"limit", name}, {"amount", amount}});
    REQUIRE(r["type"] == "limits");
  };
  limit("loss_day", 300); // minor units: 3.00 EUR
  CHECK(w.call("bet", w.bet_body(p, "lim-1", 2 * unit, "lim-round-1"))["status"] ==
        "RS_OK");
  // 2.00 lost so far (the round has no win yet): 2.00 more would lose 4.00 > 3.00.
  auto r = w.call("bet", w.bet_body(p, "lim-2", 2 * unit, "lim-round-2"));
  CHECK(r["status"] == "RS_ERROR_BET_LIMIT_EXCEEDED");
  CHECK(w.balance(p)["balance"] == 98 * unit);
  // The refused bet left nothing behind: its rollback moves nothing.
  r = w.call("rollback", w.rollback_body(p, "lim-rb", "lim-2", "lim-round-2"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 98 * unit);
  // A win brings the day's loss down, and a bet within the limit is taken again.
  CHECK(w.call("win", w.win_body(p, "lim-w1", "lim-1", 2 * unit,
                                 "lim-round-1"))["status"] == "RS_OK");
  CHECK(w.call("bet", w.bet_body(p, "lim-3", 1 * unit, "lim-round-3"))["status"] ==
        "RS_OK");
  // A wager limit counts stakes whatever they win.
  limit("wager_day", 400);
  r = w.call("bet", w.bet_body(p, "lim-4", 2 * unit, "lim-round-4"));
  CHECK(r["status"] == "RS_ERROR_BET_LIMIT_EXCEEDED");
  CHECK(w.balance(p)["balance"] == 99 * unit);
  // The player's built-in games are held to the same limits.
  auto spin = p.ws->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 200}});
  CHECK(spin["code"] == "wager_limit_reached");
  CHECK(w.f.verify().ok);
}

TEST_CASE("bonus money is playable at Caleta: the balance shows cash and bonus, a bet "
          "takes cash first, its win splits like its stake") {
  caleta_world w;
  auto p = w.launch("bonused", 1'000); // 10.00 EUR cash
  auto res = w.f.http(admin_key).Post(
      "/v1/players/" + std::to_string(p.id) + "/bonuses",
      R"({"amount":2000,"wagering_multiplier":10,"max_stake":1500,"reason":"welcome"})",
      "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  CHECK(w.balance(p)["balance"] == 30 * unit);
  // Above the bonus's maximum stake: refused before any money moves.
  CHECK(w.call("bet", w.bet_body(p, "bb-0", 16 * unit, "bb-r0"))["status"] ==
        "RS_ERROR_BET_LIMIT_EXCEEDED");
  auto r = w.call("bet", w.bet_body(p, "bb-1", 15 * unit, "bb-r1"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 15 * unit);
  // 10 of the 15 staked were cash: a win of 30 gives 20 to cash, 10 to the bonus.
  r = w.call("win", w.win_body(p, "bw-1", "bb-1", 30 * unit, "bb-r1"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 45 * unit);
  auto cash =
      w.f.http(reader_key).Get("/v1/players/" + std::to_string(p.id) + "/balance");
  CHECK(json::parse(cash->body)["balance"] == 2'000);
  CHECK(w.f.verify().ok);
}

TEST_CASE("free bets: a free-spins campaign gives Caleta a reward through the Freebets "
          "API, and its free bets cost nothing and win bonus money under the campaign") {
  caleta_world w;
  auto p = w.launch("freebie", 1'000); // 10.00 EUR cash
  auto res = w.f.http(admin_key).Post("/v1/bonus/campaigns",
                                      json{{"name", "Torch spins"},
                                           {"kind", "free_spins"},
                                           {"code", "TORCH"},
                                           {"vendor", "caleta"},
                                           {"game_id", game},
                                           {"rounds", 2},
                                           {"bet", 50},
                                           {"max_win", 400},
                                           {"vendor_campaign", "prepaid-1/campaign-9"},
                                           {"wagering_multiplier", 2},
                                           {"expiry_days", 3}}
                                          .dump(),
                                      "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  auto claim = p.ws->request({{"type", "claim_bonus"}, {"code", "torch"}});
  INFO(claim.dump());
  REQUIRE(claim["granted"] == true);
  auto reward = claim["bonus"]["grant_id"].get<std::string>();
  // The reward went to Caleta, signed, with the spec's fields.
  std::optional<fake_caleta_games_api::call> given;
  for (const auto& c : w.games_api.calls())
    if (c.path == "/api/freebet/rewards/create") given = c;
  REQUIRE(given);
  CHECK(given->signature_ok);
  CHECK(given->body["user"] == std::to_string(p.id));
  CHECK(given->body["reward_uuid"] == reward);
  CHECK(given->body["prepaid_uuid"] == "prepaid-1");
  CHECK(given->body["campaign_uuid"] == "campaign-9");
  CHECK(given->body["bet_value"] == unit / 2); // 0.50 EUR
  CHECK(given->body["bet_count"] == 2);
  CHECK(given->body["operator_id"] == "test-operator");
  CHECK(given->body["sub_partner_id"] == "test-casino");
  CHECK(given->body["end_time"].get<std::string>().size() == 19);

  auto free_bet = [&](const std::string& tx, const std::string& round) {
    auto b = w.bet_body(p, tx, unit / 2, round);
    b["is_free"] = true;
    b["reward_uuid"] = reward;
    b["campaign_uuid"] = "campaign-9";
    return b;
  };
  // A free bet takes nothing; its win goes to the grant (at most max_win in all).
  auto r = w.call("bet", free_bet("fb-1", "fr-1"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 10 * unit);
  auto win = w.win_body(p, "fw-1", "fb-1", 3 * unit, "fr-1");
  win["is_free"] = true;
  r = w.call("win", win);
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 13 * unit); // cash 10 and bonus 3, told together
  // A free bet of another value is not one of the reward's rounds.
  auto wrong = free_bet("fb-x", "fr-x");
  wrong["amount"] = unit;
  CHECK(w.call("bet", wrong)["status"] == "RS_ERROR_BET_LIMIT_EXCEEDED");
  CHECK(w.call("bet", free_bet("fb-2", "fr-2"))["status"] == "RS_OK");
  win = w.win_body(p, "fw-2", "fb-2", 5 * unit, "fr-2");
  win["is_free"] = true;
  CHECK(w.call("win", win)["balance"] == 14 * unit); // capped at 4.00 in all
  // Every round is played: a third is refused before anything moves.
  CHECK(w.call("bet", free_bet("fb-3", "fr-3"))["status"] ==
        "RS_ERROR_BET_LIMIT_EXCEEDED");
  auto g = json::parse(w.f.http(reader_key)
                           .Get("/v1/players/" + std::to_string(p.id) + "/bonuses")
                           ->body)["bonuses"][0];
  CHECK(g["balance"] == 400);
  CHECK(g["wagering_required"] == 800);
  CHECK(g["free_rounds"]["left"] == 0);
  CHECK(g["free_rounds"]["won"] == 400);
  // A free bet naming no reward of ours is the studio's own: free, its win is cash.
  auto own = w.bet_body(p, "fb-own", unit, "fr-own");
  own["is_free"] = true;
  CHECK(w.call("bet", own)["balance"] == 14 * unit);
  CHECK(w.call("win", w.win_body(p, "fw-own", "fb-own", unit, "fr-own"))["balance"] ==
        15 * unit);
  w.f.stop_servers();
  CHECK(w.f.verify().ok);
}

TEST_CASE("a studio that refuses the reward leaves the grant forfeited") {
  caleta_world w;
  auto p = w.launch("unlucky", 1'000);
  w.games_api.refuse_rewards = true;
  auto res = w.f.http(admin_key).Post("/v1/bonus/campaigns",
                                      json{{"name", "Torch spins"},
                                           {"kind", "free_spins"},
                                           {"code", "TORCH"},
                                           {"vendor", "caleta"},
                                           {"game_id", game},
                                           {"rounds", 2},
                                           {"bet", 50},
                                           {"vendor_campaign", "prepaid-1"}}
                                          .dump(),
                                      "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  auto claim = p.ws->request({{"type", "claim_bonus"}, {"code", "TORCH"}});
  CHECK(claim["type"] == "error");
  CHECK(claim["code"] == "vendor_error");
  auto grants = json::parse(w.f.http(reader_key)
                                .Get("/v1/players/" + std::to_string(p.id) + "/bonuses")
                                ->body)["bonuses"];
  REQUIRE(grants.size() == 1);
  CHECK(grants[0]["status"] == "forfeited");
}

TEST_CASE("a free-rounds grant whose studio was never told is given to it by the sweep") {
  caleta_world w{{}, [](server_options& o) {
                   o.bonus_expiry_sweep_ms = 50;
                   o.request_timeout_ms = 1'000;
                 }};
  auto p = w.launch("forgotten", 1'000);
  auto res = w.f.http(admin_key).Post("/v1/bonus/campaigns",
                                      json{{"name", "Torch spins"},
                                           {"kind", "free_spins"},
                                           {"code", "TORCH"},
                                           {"vendor", "caleta"},
                                           {"game_id", game},
                                           {"rounds", 2},
                                           {"bet", 50},
                                           {"vendor_campaign", "prepaid-1"}}
                                          .dump(),
                                      "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 201);
  auto claim = p.ws->request({{"type", "claim_bonus"}, {"code", "TORCH"}});
  REQUIRE(claim["granted"] == true);
  auto reward = claim["bonus"]["grant_id"].get<std::string>();
  auto rewards = [&] {
    int n = 0;
    for (const auto& c : w.games_api.calls())
      n += c.path == "/api/freebet/rewards/create" && c.body["reward_uuid"] == reward;
    return n;
  };
  CHECK(rewards() == 1);
  // As if the server had stopped between the grant's commit and Caleta's answer.
  {
    auto conn =
        db::connection::open(w.f.options().db_path(), db::open_mode::read_write_create);
    conn.prepare("DELETE FROM bonus_awards WHERE grant_id = ?").bind(1, reward).run();
  }
  REQUIRE(wait_until([&] { return rewards() == 2; }, std::chrono::seconds{20}));
  auto awarded = [&] {
    auto conn = db::connection::open(w.f.options().db_path(), db::open_mode::read_only);
    auto st = conn.prepare("SELECT count(*) FROM bonus_awards WHERE grant_id = ?");
    st.bind(1, reward);
    return st.step() && st.int64(0) == 1;
  };
  REQUIRE(wait_until(awarded));
  auto grants = json::parse(w.f.http(reader_key)
                                .Get("/v1/players/" + std::to_string(p.id) + "/bonuses")
                                ->body)["bonuses"];
  CHECK(grants[0]["status"] == "active");
  CHECK(rewards() == 2); // told once more, not again and again
}

TEST_CASE("check swaps the token: the old one is expired for bets, still good for wins") {
  caleta_world w;
  auto p = w.launch("checker", 10'000);
  w.call("bet", w.bet_body(p, "bet-1", 1 * unit, "round-1"));
  auto res = w.caleta.post("check", {{"token", p.token}});
  REQUIRE(res.status == 200);
  REQUIRE(res.body["status"] == "RS_OK");
  REQUIRE(res.body["token"].is_string());
  auto fresh = res.body["token"].get<std::string>();
  CHECK(fresh != p.token);
  // Caleta retries a check whose answer it lost: the same new token again.
  auto retried = w.caleta.post("check", {{"token", p.token}});
  CHECK(retried.body["status"] == "RS_OK");
  CHECK(retried.body["token"] == fresh);

  caleta_world::player old{nullptr, p.id, p.token};
  CHECK(w.call("bet", w.bet_body(old, "bet-2", 1 * unit, "round-2"))["status"] ==
        "RS_ERROR_TOKEN_EXPIRED");
  CHECK(w.call("balance", {{"token", old.token},
                           {"request_uuid", w.uuid("req")},
                           {"supplier_user", std::to_string(p.id)},
                           {"game_code", game}})["status"] == "RS_ERROR_INVALID_TOKEN");
  // Money coming in is never refused for an old token.
  auto r = w.call("win", w.win_body(old, "win-1", "bet-1", 4 * unit, "round-1"));
  CHECK(r["status"] == "RS_OK");
  CHECK(r["balance"] == 103 * unit);
  w.call("bet", w.bet_body(old, "bet-3", 0, "round-3")); // refused, expired
  p.token = fresh;
  CHECK(w.call("bet", w.bet_body(p, "bet-3", 1 * unit, "round-3"))["status"] == "RS_OK");
  CHECK(w.call("rollback", w.rollback_body(old, "rb-3", "bet-3", "round-3"))["status"] ==
        "RS_OK");
  CHECK(w.balance(p)["balance"] == 103 * unit);
  // An unknown token cannot be checked.
  CHECK(w.caleta.post("check", {{"token", "nope"}}).body["status"] ==
        "RS_ERROR_INVALID_TOKEN");
}

TEST_CASE(
    "bad signatures, malformed bodies and amounts that would round change nothing") {
  caleta_world w;
  auto p = w.launch("forged", 10'000);
  auto bet = w.bet_body(p, "bet-sig", 5 * unit, "round-1");
  auto text = bet.dump();
  // No signature, a signature of another body, garbage, another key's signature.
  auto other = rsa_pair::generate(w.keys.file("intruder"));
  caleta_client intruder{w.f.vendor_port, "caleta", other.private_pem};
  for (const auto& sig : {std::string{}, w.caleta.sign(text + " "),
                          std::string{"!!!not base64"}, intruder.sign(text)}) {
    auto r = w.caleta.post_raw("bet", text, sig);
    REQUIRE(r.status == 200);
    CHECK(r.body["status"] == "RS_ERROR_INVALID_SIGNATURE");
  }
  CHECK(w.balance(p)["balance"] == 100 * unit);
  // The transaction id was not used up by the forgeries.
  CHECK(w.call("bet", bet)["status"] == "RS_OK");
  CHECK(w.balance(p)["balance"] == 95 * unit);

  // Not JSON (signed): wrong syntax.
  auto garbage = std::string{"{\"token\": "};
  auto r = w.caleta.post_raw("bet", garbage, w.caleta.sign(garbage));
  CHECK(r.body["status"] == "RS_ERROR_WRONG_SYNTAX");
  // Wrong types and missing fields.
  auto as_string = w.bet_body(p, "bet-t1", 1 * unit, "round-2");
  as_string["amount"] = "100000";
  CHECK(w.caleta.post("bet", as_string).body["status"] == "RS_ERROR_WRONG_TYPES");
  auto fractional = w.bet_body(p, "bet-t2", 1 * unit, "round-2");
  fractional["amount"] = 1000.5;
  CHECK(w.caleta.post("bet", fractional).body["status"] == "RS_ERROR_WRONG_TYPES");
  auto missing = w.bet_body(p, "bet-t3", 1 * unit, "round-2");
  missing.erase("transaction_uuid");
  CHECK(w.caleta.post("bet", missing).body["status"] == "RS_ERROR_WRONG_TYPES");
  auto flag = w.bet_body(p, "bet-t4", 1 * unit, "round-2");
  flag["round_closed"] = "no";
  CHECK(w.caleta.post("bet", flag).body["status"] == "RS_ERROR_WRONG_TYPES");
  // 0.00001 EUR cannot be paid in cents: refused, not rounded.
  auto rounding = w.bet_body(p, "bet-t5", 1 * unit + 1, "round-2");
  CHECK(w.caleta.post("bet", rounding).body["status"] == "RS_ERROR_WRONG_TYPES");
  auto negative = w.bet_body(p, "bet-t6", -unit, "round-2");
  CHECK(w.caleta.post("bet", negative).body["status"] == "RS_ERROR_WRONG_TYPES");
  CHECK(w.balance(p)["balance"] == 95 * unit);

  // An unknown endpoint of a known vendor, and an unknown vendor.
  auto unknown_op = w.caleta.post("refund", {{"token", p.token}});
  CHECK(unknown_op.body["status"] == "RS_ERROR_UNKNOWN");
  caleta_client nobody{w.f.vendor_port, "nobody", w.caleta_keys.private_pem};
  auto lost = nobody.post("bet", bet);
  CHECK(lost.status == 404);
  CHECK(lost.body["error"]["code"] == "unknown_vendor");
  // An oversized body is refused by the listener before anything reads it.
  auto huge = std::string(200 * 1024, 'x');
  auto big = w.caleta.post_raw("bet", huge, w.caleta.sign(huge));
  CHECK(big.status == 413);
  CHECK(big.body["error"]["code"] == "payload_too_large");
  CHECK(w.balance(p)["balance"] == 95 * unit);
  CHECK(w.f.verify().ok);
}

TEST_CASE("a call nested deeper than allowed is wrong syntax at the largest body size",
          "[caleta][bad_input]") {
  constexpr int64_t body_max = 64 << 20; // the largest http_body_bytes_max accepted
  caleta_world w{{}, [](server_options& o) { o.http_body_bytes_max = body_max; }};
  auto p = w.launch("deep", 10'000);
  auto before = w.balance(p)["balance"];
  std::string head = R"({"request_uuid":"deep-1","token":")" + p.token + R"(","amount":)";
  auto depth = (static_cast<size_t>(body_max) - head.size() - 1) / 2;
  auto body = head + std::string(depth, '[') + std::string(depth, ']') + "}";
  REQUIRE(body.size() <= static_cast<size_t>(body_max));
  // Unsigned: the signature is checked first, but the body was read before it.
  CHECK(w.caleta.post_raw("bet", body, "").body["status"] ==
        "RS_ERROR_INVALID_SIGNATURE");
  CHECK(w.caleta.post_raw("bet", body, w.caleta.sign(body)).body["status"] ==
        "RS_ERROR_WRONG_SYNTAX");
  CHECK(w.balance(p)["balance"] == before);
}

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

// A signed balance call of `p` on a raw connection, and its answer.
std::optional<http::response<http::string_body>>
signed_balance(caleta_world& w, const caleta_world::player& p, raw_connection& c) {
  auto body = json{
      {"token", p.token},
      {"request_uuid", w.uuid("req")},
      {"supplier_user", std::to_string(p.id)},
      {"game_code",
       game}}.dump();
  c.write(
      raw_connection::post("/vendors/caleta/wallet/balance", body, w.caleta.sign(body)));
  return c.read();
}

json body_of(const http::response<http::string_body>& res) {
  return json::parse(res.body(), nullptr, false);
}

} // namespace

TEST_CASE("the vendor listener answers HTTP outside the protocol with JSON errors") {
  caleta_world w;
  auto p = w.launch("raw", 10'000);
  auto balance = [&] {
    return json{{"token", p.token},
                {"request_uuid", w.uuid("req")},
                {"supplier_user", std::to_string(p.id)},
                {"game_code", game}}
        .dump();
  };

  raw_connection c{w.f.vendor_port};
  // A wallet path with another method: 405, naming the one allowed.
  c.write("GET /vendors/caleta/wallet/balance HTTP/1.1\r\nHost: x\r\n\r\n");
  auto wrong_method = c.read();
  REQUIRE(wrong_method);
  CHECK(wrong_method->result_int() == 405);
  CHECK((*wrong_method)[http::field::allow] == "POST");
  CHECK(body_of(*wrong_method)["error"]["code"] == "method_not_allowed");
  // Any other path: 404; the connection stays usable.
  c.write(raw_connection::post("/vendors/caleta/other/balance", "{}", ""));
  auto elsewhere = c.read();
  REQUIRE(elsewhere);
  CHECK(elsewhere->result_int() == 404);
  CHECK(body_of(*elsewhere)["error"]["code"] == "not_found");
  c.write(raw_connection::post("/vendors/ca$leta/wallet/balance", "{}", ""));
  auto bad_id = c.read();
  REQUIRE(bad_id);
  CHECK(bad_id->result_int() == 404);

  // Two calls written back to back on one kept-alive connection: both answered, in
  // order.
  auto first = balance(), second = balance();
  c.write(raw_connection::post("/vendors/caleta/wallet/balance", first,
                               w.caleta.sign(first)) +
          raw_connection::post("/vendors/caleta/wallet/balance?x=1", second,
                               w.caleta.sign(second)));
  for (const auto& sent : {first, second}) {
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->result_int() == 200);
    CHECK(r->keep_alive());
    auto j = body_of(*r);
    CHECK(j["status"] == "RS_OK");
    CHECK(j["request_uuid"] == json::parse(sent)["request_uuid"]);
    CHECK(j["balance"] == 100 * unit);
  }

  // "Expect: 100-continue": the go-ahead comes before the body is sent.
  auto waiting = balance();
  c.write("POST /vendors/caleta/wallet/balance HTTP/1.1\r\nHost: x\r\nExpect: "
          "100-continue\r\nX-Auth-Signature: " +
          w.caleta.sign(waiting) +
          "\r\nContent-Length: " + std::to_string(waiting.size()) + "\r\n\r\n");
  auto go_ahead = c.read();
  REQUIRE(go_ahead);
  CHECK(go_ahead->result_int() == 100);
  c.write(waiting);
  auto after_wait = c.read();
  REQUIRE(after_wait);
  CHECK(after_wait->result_int() == 200);
  CHECK(body_of(*after_wait)["status"] == "RS_OK");

  // A body cut in two writes: what came with the header is parsed at once, the rest
  // is read when it comes.
  auto split = balance();
  auto whole =
      raw_connection::post("/vendors/caleta/wallet/balance", split, w.caleta.sign(split));
  auto cut = whole.size() - split.size() / 2;
  c.write(whole.substr(0, cut));
  c.write(whole.substr(cut));
  auto joined = c.read();
  REQUIRE(joined);
  CHECK(joined->result_int() == 200);
  CHECK(body_of(*joined)["status"] == "RS_OK");
  CHECK(body_of(*joined)["request_uuid"] == json::parse(split)["request_uuid"]);

  // An HTTP/1.0 client gets HTTP/1.0 and a closed connection; a version that is
  // neither is a bad request, answered in HTTP/1.1.
  auto plain = balance();
  auto as_version = [&](const char* version) {
    auto request = raw_connection::post("/vendors/caleta/wallet/balance", plain,
                                        w.caleta.sign(plain));
    return request.replace(request.find("HTTP/1.1"), 8, version);
  };
  raw_connection old{w.f.vendor_port};
  old.write(as_version("HTTP/1.0"));
  auto answer_10 = old.read();
  REQUIRE(answer_10);
  CHECK(answer_10->version() == 10);
  CHECK(body_of(*answer_10)["status"] == "RS_OK");
  CHECK_FALSE(old.read());
  raw_connection odd{w.f.vendor_port};
  odd.write(as_version("HTTP/1.9"));
  auto answer_19 = odd.read();
  REQUIRE(answer_19);
  CHECK(answer_19->version() == 11);
  CHECK(answer_19->result_int() == 400);
  CHECK(body_of(*answer_19)["error"]["code"] == "bad_request");

  // Not HTTP: 400, and that connection is closed; the listener serves on.
  raw_connection garbage{w.f.vendor_port};
  garbage.write("NOT HTTP AT ALL\r\n\r\n");
  auto refused = garbage.read();
  REQUIRE(refused);
  CHECK(refused->result_int() == 400);
  CHECK(body_of(*refused)["error"]["code"] == "bad_request");
  CHECK_FALSE(garbage.read());
  // "Connection: close" is honoured after the answer.
  auto last = balance();
  c.write("POST /vendors/caleta/wallet/balance HTTP/1.1\r\nHost: x\r\nConnection: "
          "close\r\nX-Auth-Signature: " +
          w.caleta.sign(last) + "\r\nContent-Length: " + std::to_string(last.size()) +
          "\r\n\r\n" + last);
  auto closing = c.read();
  REQUIRE(closing);
  CHECK(body_of(*closing)["status"] == "RS_OK");
  CHECK_FALSE(closing->keep_alive());
  CHECK_FALSE(c.read());
}

TEST_CASE("the vendor listener holds no thread per connection or call") {
  caleta_world w;
  auto p = w.launch("many", 10'000);
  // More connections, each with a call in flight, than there are io threads (2) or
  // than the thread-per-connection listener it replaced had threads (64).
  constexpr int connections = 150;
  std::vector<std::unique_ptr<raw_connection>> conns;
  std::vector<std::string> uuids;
  for (int i = 0; i < connections; ++i) {
    conns.push_back(std::make_unique<raw_connection>(w.f.vendor_port));
    uuids.push_back(w.uuid("req"));
    auto body = json{
        {"token", p.token},
        {"request_uuid", uuids.back()},
        {"supplier_user", std::to_string(p.id)},
        {"game_code",
         game}}.dump();
    conns.back()->write(raw_connection::post("/vendors/caleta/wallet/balance", body,
                                             w.caleta.sign(body)));
  }
  for (int i = 0; i < connections; ++i) {
    auto r = conns[static_cast<size_t>(i)]->read();
    REQUIRE(r);
    CHECK(r->result_int() == 200);
    auto j = body_of(*r);
    CHECK(j["status"] == "RS_OK");
    CHECK(j["request_uuid"] == uuids[static_cast<size_t>(i)]);
  }

  // Stopping with calls in flight: it returns, the clients see an answer or a closed
  // connection, and whatever was applied is in the ledger.
  for (int i = 0; i < 20; ++i) {
    auto body = w.bet_body(p, "stop-" + std::to_string(i), 1 * unit, "round-stop").dump();
    conns[static_cast<size_t>(i)]->write(
        raw_connection::post("/vendors/caleta/wallet/bet", body, w.caleta.sign(body)));
  }
  w.f.stop_servers();
  for (int i = 0; i < 20; ++i) {
    auto r = conns[static_cast<size_t>(i)]->read();
    if (r) CHECK(body_of(*r)["status"] == "RS_OK");
  }
  CHECK(w.f.verify().ok);
}

TEST_CASE("the vendor listener answers 503 beyond vendor_http_connections_max") {
  caleta_world w{{}, [](server_options& o) { o.vendor_http_connections_max = 2; }};
  auto p = w.launch("capped", 10'000);
  auto balance_call = [&](raw_connection& c) { return signed_balance(w, p, c); };
  // The fixture's own client may hold a kept-alive connection: close it by using
  // only raw connections from here, and count on the cap of 2 with it gone.
  auto first = std::make_unique<raw_connection>(w.f.vendor_port);
  auto second = std::make_unique<raw_connection>(w.f.vendor_port);
  auto a = balance_call(*first);
  auto b = balance_call(*second);
  REQUIRE(a);
  REQUIRE(b);
  // Both held open; a third is refused at once, and closed.
  raw_connection third{w.f.vendor_port};
  auto refused = balance_call(third);
  REQUIRE(refused);
  CHECK(refused->result_int() == 503);
  CHECK(body_of(*refused)["error"]["code"] == "too_many_connections");
  CHECK_FALSE(refused->keep_alive());
  CHECK_FALSE(third.read());
  // Once one closes, a new connection is served again.
  first.reset();
  std::optional<http::response<http::string_body>> served;
  for (int attempt = 0; attempt < 200 && !(served && served->result_int() == 200);
       ++attempt) {
    raw_connection again{w.f.vendor_port};
    served = balance_call(again);
    if (!(served && served->result_int() == 200))
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  REQUIRE(served);
  CHECK(served->result_int() == 200);
  CHECK(body_of(*served)["status"] == "RS_OK");
}

TEST_CASE("the vendor listener closes a connection stalled mid-request after 10 s, "
          "not one that keeps calling") {
  caleta_world w;
  auto p = w.launch("stalled", 10'000);
  auto balance_call = [&](raw_connection& c) { return signed_balance(w, p, c); };
  raw_connection busy{w.f.vendor_port};
  REQUIRE(balance_call(busy));
  auto start = std::chrono::steady_clock::now();
  // Headers begun, never finished.
  bool closed = false;
  std::chrono::steady_clock::duration closed_after{};
  std::thread stalled{[&] {
    raw_connection c{w.f.vendor_port};
    c.write("POST /vendors/caleta/wallet/balance HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    closed = !c.read(); // blocks until the server closes it
    closed_after = std::chrono::steady_clock::now() - start;
  }};
  // Meanwhile a call a second on the other connection, past its first read's deadline.
  int calls = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds{12}) {
    std::this_thread::sleep_for(std::chrono::seconds{1});
    auto r = balance_call(busy);
    REQUIRE(r);
    CHECK(body_of(*r)["status"] == "RS_OK");
    ++calls;
  }
  stalled.join();
  CHECK(closed);
  CHECK(closed_after >= std::chrono::seconds{10}); // not before its read timeout
  CHECK(calls >= 10);
}

TEST_CASE("a kept-alive studio connection goes on calling once its vendor connection "
          "was restarted") {
  caleta_world w;
  auto p = w.launch("restart", 10'000);
  raw_connection c{w.f.vendor_port};
  auto first = signed_balance(w, p, c);
  REQUIRE(first);
  REQUIRE(body_of(*first)["status"] == "RS_OK");
  // Kill the Caleta connection actor its supervisor runs.
  caf::scoped_actor self{w.f.sys};
  auto child = [&](const caf::actor& sup, const std::string& id) {
    caf::actor out;
    self->request(sup, std::chrono::seconds{5}, caf::get_atom_v, id)
        .receive([&](caf::actor& a) { out = a; }, [](caf::error&) {});
    return out;
  };
  auto connection = child(child(child(w.f.the_node().root(), "studios"), "vendor:caleta"),
                          "connection");
  REQUIRE(connection);
  self->send_exit(connection, caf::exit_reason::kill);
  // The same HTTP connection is answered throughout: unknown while the vendor is
  // down, then served by the new connection actor.
  bool served = false;
  for (int attempt = 0; attempt < 500 && !served; ++attempt) {
    auto r = signed_balance(w, p, c);
    REQUIRE(r);
    auto status = body_of(*r)["status"].get<std::string>();
    served = status == "RS_OK";
    if (!served) {
      CHECK(status == "RS_ERROR_UNKNOWN");
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  }
  CHECK(served);
  auto again = child(child(child(w.f.the_node().root(), "studios"), "vendor:caleta"),
                     "connection");
  CHECK(again);
  CHECK(again != connection);
}

TEST_CASE("round details come from /api/game/round, signed") {
  caleta_world w;
  auto p = w.launch("details", 10'000);
  w.call("bet", w.bet_body(p, "bet-d", 1 * unit, "CG-1718271"));
  auto res = w.f.http().Get("/v1/vendors/caleta/rounds/CG-1718271?player=" +
                            std::to_string(p.id));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto j = json::parse(res->body);
  CHECK(j["url"] == "https://backoffice.caleta.test/round_details/CG-1718271");
  auto calls = w.games_api.calls();
  REQUIRE(calls.back().path == "/api/game/round");
  CHECK(calls.back().signature_ok);
  CHECK(calls.back().body["round"] == "CG-1718271");
  CHECK(calls.back().body["user"] == std::to_string(p.id));
}

TEST_CASE("without a games setting the catalog comes from /api/game/list") {
  temp_dir keys;
  auto caleta_keys = rsa_pair::generate(keys.file("caleta"));
  auto our_keys = rsa_pair::generate(keys.file("operator"));
  fake_caleta_games_api api{our_keys.public_pem,
                            json::array({{{"game_id", 1},
                                          {"game_code", "cg_torchoffire"},
                                          {"name", "Torch of Fire"},
                                          {"category", "Video Slots"},
                                          {"enabled", true},
                                          {"blocked_countries", json::array()}},
                                         {{"game_id", 2},
                                          {"game_code", "cg_off"},
                                          {"name", "Disabled"},
                                          {"category", "Video Slots"},
                                          {"enabled", false},
                                          {"blocked_countries", json::array()}}})};
  server_fixture f{[&](server_options& o) {
    o.vendors = {"caleta"};
    o.vendor_settings["caleta"] = {{"kind", "caleta"},
                                   {"api_url", api.url()},
                                   {"operator_id", "test-operator"},
                                   {"private_key_file", our_keys.private_file},
                                   {"public_key_file", caleta_keys.public_file}};
  }};
  auto c = f.connect();
  json games;
  REQUIRE(wait_until([&] {
    games = c->request({{"type", "games"}});
    return games["games"].size() == 1;
  }));
  CHECK(games["games"][0]["game"] == "cg_torchoffire");
  CHECK(games["games"][0]["name"] == "Torch of Fire");
  CHECK(games["games"][0]["vendor"] == "caleta");
  CHECK(games["games"][0]["start"] == "launch");
  auto calls = api.calls();
  REQUIRE(!calls.empty());
  CHECK(calls[0].path == "/api/game/list");
  CHECK(calls[0].signature_ok);
  CHECK(calls[0].body["operator_id"] == "test-operator");
}

TEST_CASE("reconciliation: a vendor's day in counts and sums, and its open rounds") {
  caleta_world w;
  auto p = w.launch("reconciled", 10'000);
  w.call("bet", w.bet_body(p, "b1", 2 * unit, "r1"));
  w.call("win", w.win_body(p, "w1", "b1", 5 * unit, "r1"));
  w.call("bet", w.bet_body(p, "b2", 3 * unit, "r2"));
  w.call("rollback", w.rollback_body(p, "rb2", "b2", "r2"));
  w.call("bet", w.bet_body(p, "b3", 1 * unit, "r3")); // still open
  w.call("rollback", w.rollback_body(p, "rb4", "never-seen", "r4"));
  // A refused bet is not counted.
  w.call("bet", w.bet_body(p, "b5", 1'000 * unit, "r5"));

  auto res = w.f.http(reader_key).Get("/v1/vendors/caleta/reconciliation");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto j = json::parse(res->body);
  CHECK(j["vendor"] == "caleta");
  REQUIRE(j["totals"].size() == 1);
  auto t = j["totals"][0];
  CHECK(t["currency"] == "EUR");
  CHECK(t["bets"]["count"] == 3);
  CHECK(t["bets"]["amount"] == 600);
  CHECK(t["wins"]["count"] == 1);
  CHECK(t["wins"]["amount"] == 500);
  CHECK(t["rollbacks"]["count"] == 2);
  CHECK(t["rollbacks"]["amount"] == 300);
  CHECK(t["net"] == 600 - 500 - 300);
  REQUIRE(j["open_rounds"].size() == 1);
  CHECK(j["open_rounds"][0]["round_id"] == "r3");
  CHECK(j["open_rounds"][0]["player_id"] == p.id);
  CHECK(j["open_rounds"][0]["bet_total"] == 100);
  CHECK(j["open_rounds"][0]["game"] == game);
  CHECK(j["open_rounds_truncated"] == false);

  // Another day has nothing; bad days and vendors are refused clearly.
  auto old = json::parse(
      w.f.http(reader_key).Get("/v1/vendors/caleta/reconciliation?day=2001-01-01")->body);
  CHECK(old["totals"].empty());
  CHECK(old["open_rounds"].empty());
  auto bad = w.f.http(reader_key).Get("/v1/vendors/caleta/reconciliation?day=2024-02-30");
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"]["code"] == "invalid_field");
  auto nobody = w.f.http(reader_key).Get("/v1/vendors/nobody/reconciliation");
  CHECK(nobody->status == 404);
  CHECK(json::parse(nobody->body)["error"]["code"] == "unknown_vendor");
  CHECK(w.f.http("").Get("/v1/vendors/caleta/reconciliation")->status == 401);
}

TEST_CASE("a bet answered past its deadline is rolled back and answered unknown") {
  // Caleta gives up on a bet after its retries; answered later, it would be lost.
  caleta_world w{{{"bet_deadline_ms", "1"}}};
  auto p = w.launch("late", 10'000);
  auto bet = w.bet_body(p, "bet-late", 5 * unit, "round-late");
  auto r = w.call("bet", bet);
  // A durable commit takes longer than 1 ms here; should it not, the bet is simply OK.
  if (r["status"] == "RS_OK") {
    CHECK(r["balance"] == 95 * unit);
    return;
  }
  CHECK(r["status"] == "RS_ERROR_UNKNOWN");
  // The rollback lands: the stake is back, and the bet cannot be taken again.
  REQUIRE(wait_until([&] { return w.balance(p)["balance"] == 100 * unit; }));
  auto again = bet;
  again["request_uuid"] = w.uuid("req");
  CHECK(w.call("bet", again)["status"] != "RS_OK");
  // Caleta's own rollback of it is an idempotent RS_OK.
  auto rb = w.call("rollback", w.rollback_body(p, "rb-late", "bet-late", "round-late"));
  CHECK(rb["status"] == "RS_OK");
  CHECK(rb["balance"] == 100 * unit);
  CHECK(w.f.verify().ok);
}
