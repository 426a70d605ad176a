// The risk service end to end (docs/risk.md), over the real protocol on loopback: a
// scripted bot is scored, gets a case and is locked (bets refused, its withdrawal
// rejected and given back, money in still taken); the gate judges a withdrawal on the
// bets just before it; an account linked to a locked one is held; cases are read and
// resolved (cleared unlocks and is not flagged again on the same evidence, a second
// resolution is an error); links carry their reasons; a model that cannot be used
// stops the start or is refused at reload; cases, locks and features survive a restart.

#include "support/cashier_support.hpp"

#include <fstream>
#include <thread>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

std::function<void(server_options&)> risk_tuning(int64_t score_every = 25) {
  return [score_every](server_options& o) {
    o.withdrawal_auto_approve_max = {"EUR:1000000"};
    o.risk_score_every = score_every;
    o.trusted_proxies = {"127.0.0.1"}; // each player from an address of its own
  };
}

struct player {
  std::unique_ptr<ws_client> c;
  int64_t id = 0;
};

player join(server_fixture& f, const std::string& name, const std::string& device,
            int64_t deposit, const std::string& card) {
  player p;
  p.c = f.connect("", "10.7." + std::to_string(std::hash<std::string>{}(name) % 250) +
                          "." + std::to_string(name.size()));
  auto r = p.c->request({{"type", "register"},
                         {"username", name},
                         {"password", "correct horse battery"},
                         {"currency", "EUR"},
                         {"device", {{"id", device}}}});
  REQUIRE(r["type"] == "registered");
  p.id = r["player_id"].get<int64_t>();
  auto kyc = f.http(support_key)
                 .Put("/v1/players/" + std::to_string(p.id) + "/kyc",
                      R"({"status":"verified","level":2})", "application/json");
  REQUIRE(kyc->status == 200);
  auto d = p.c->request({{"type", "deposit"},
                         {"amount", deposit},
                         {"provider", "sandbox"},
                         {"instrument", card}});
  REQUIRE(payment_push(*p.c, d["payment_id"], "confirmed"));
  return p;
}

// `n` dice bets of `stake` at a fixed interval: a script. Returns the errors' codes.
std::vector<std::string> script(player& p, int n, int64_t stake,
                                std::chrono::milliseconds every) {
  std::vector<std::string> errors;
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(next);
    next += every;
    auto r = p.c->request({{"type", "play"},
                           {"game", "dice"},
                           {"stake", stake},
                           {"params", {{"chance", 4950}}}});
    if (r["type"] == "error") errors.push_back(r["code"].get<std::string>());
  }
  return errors;
}

// A person: think times from 30 ms to a second, stakes and games that change.
void person(player& p, int n) {
  const int64_t stakes[] = {100, 200, 500, 1'000};
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{30 + (i * 7919) % 400});
    json req{{"type", "play"}, {"stake", stakes[(i * 31) % 4]}};
    if (i % 3 == 0)
      req["game"] = "slot-5x3";
    else
      req.merge_patch({{"game", "dice"}, {"params", {{"chance", 4950}}}});
    p.c->request(req);
  }
}

json get(server_fixture& f, const std::string& path, int expect = 200) {
  auto res = f.http(reader_key).Get(path);
  REQUIRE(res);
  INFO(path << ": " << res->body);
  REQUIRE(res->status == expect);
  return json::parse(res->body);
}

std::vector<json> cases_of(server_fixture& f, int64_t player) {
  std::vector<json> out;
  auto page = get(f, "/v1/risk/cases");
  for (auto& c : page["cases"])
    if (c["player_id"] == player) out.push_back(c);
  return out;
}

json withdraw(player& p, int64_t amount) {
  return p.c->request({{"type", "withdraw"},
                       {"amount", amount},
                       {"provider", "sandbox"},
                       {"instrument", "card-w"}});
}

std::string final_status(server_fixture& f, const std::string& payment_id) {
  std::string status;
  wait_until([&] {
    status = get(f, "/v1/withdrawals/" + payment_id)["status"].get<std::string>();
    return status != "requested" && status != "approved" && status != "sent";
  });
  return status;
}

} // namespace

TEST_CASE("a scripted bot is scored, gets a case with its reasons and is locked",
          "[risk]") {
  auto f = cashier_server(900'000, {}, risk_tuning());
  auto bot = join(f, "metronome", "dev-bot-1", 50'000, "card-bot");
  auto errors = script(bot, 80, 200, std::chrono::milliseconds{25});
  // Locked at a decision point: the bets after it are refused.
  REQUIRE(!errors.empty());
  auto cases = cases_of(f, bot.id);
  INFO(
      "first error " << errors[0] << "; risk "
                     << get(f, "/v1/players/" + std::to_string(bot.id) + "/risk").dump());
  REQUIRE(cases.size() == 1);
  CHECK(cases[0]["kind"] == "bot");
  CHECK(cases[0]["locked"] == true);
  CHECK(cases[0]["status"] == "open");
  CHECK(cases[0]["score"].get<double>() >= 0.9);
  REQUIRE(!cases[0]["reasons"].empty());
  CHECK(cases[0]["reasons"][0].contains("feature"));
  auto risk = get(f, "/v1/players/" + std::to_string(bot.id) + "/risk");
  CHECK(risk["locked"] == true);
  CHECK(risk["kind"] == "bot");
  CHECK(risk["features"]["gap_cv"].get<double>() < 0.3);
  CHECK(risk["features"].size() == 21);
  auto account = get(f, "/v1/players/" + std::to_string(bot.id));
  CHECK(account["status"] == "locked");
  // Money in is still taken; money out is not.
  f.deposit(bot.id, 1'000, "after-lock");
  auto again = bot.c->request({{"type", "balance"}});
  CHECK((again["type"] == "error" || again["type"] == "balance"));
  CHECK(f.metric("agg_risk_locks_total") >= 1);
  CHECK(f.metric("agg_risk_scores_total") >= 3);
  // The lock is an activity event with the reason.
  auto events = get(f, "/v1/events?after=0&limit=1000");
  bool locked = false;
  for (auto& e : events["events"])
    if (e["type"] == "activity.locked" && e["player_id"] == bot.id)
      locked = e["detail"]["reason"] == "risk";
  CHECK(locked);
}

TEST_CASE("the gate judges a withdrawal on the bets just before it", "[risk][gate]") {
  // Scored only at the withdrawal: the gate must have taken every bet first.
  auto f = cashier_server(900'000, {}, risk_tuning(1'000'000));
  auto bot = join(f, "quickdraw", "dev-bot-2", 50'000, "card-q");
  auto errors = script(bot, 60, 200, std::chrono::milliseconds{20});
  CHECK(errors.empty());
  CHECK(cases_of(f, bot.id).empty());
  auto w = withdraw(bot, 20'000);
  REQUIRE(w["type"] == "error");
  // The engine's lock may reach the account before the cashier reads it.
  CHECK((w["code"] == "risk_refused" || w["code"] == "account_not_active"));
  auto cases = cases_of(f, bot.id);
  REQUIRE(cases.size() == 1);
  CHECK(cases[0]["locked"] == true);
  // Refused and given back: the balance holds the money again.
  auto b = bot.c->request({{"type", "balance"}});
  if (b["type"] == "balance") CHECK(b["balances"][0]["balance"].get<int64_t>() > 20'000);
}

TEST_CASE("an honest player's withdrawal is paid, an account linked to a locked one is "
          "held",
          "[risk][gate][links]") {
  auto f = cashier_server(900'000, {}, risk_tuning());
  auto ann = join(f, "ann", "dev-ann", 100'000, "card-ann");
  person(ann, 30);
  auto w = withdraw(ann, 3'000);
  REQUIRE(w.contains("payment_id"));
  CHECK(final_status(f, w["payment_id"]) == "paid");
  CHECK(cases_of(f, ann.id).empty());

  // A bot and an account on the same device.
  auto bot = join(f, "bot3", "dev-shared", 50'000, "card-b3");
  auto mate = join(f, "mate", "dev-shared", 100'000, "card-mate");
  person(mate, 10);
  script(bot, 80, 200, std::chrono::milliseconds{25});
  REQUIRE(!cases_of(f, bot.id).empty());
  auto links = get(f, "/v1/players/" + std::to_string(mate.id) + "/links");
  CHECK(links["group"] == json::array({bot.id, mate.id}));
  REQUIRE(links["links"].size() == 1);
  CHECK(links["links"][0]["kind"] == "device");
  CHECK(links["links"][0]["value"] == "dev-shared");
  auto mate_cases = cases_of(f, mate.id);
  REQUIRE(mate_cases.size() == 1);
  CHECK(mate_cases[0]["kind"] == "linked");
  auto held = withdraw(mate, 2'000);
  REQUIRE(held.contains("payment_id"));
  CHECK(final_status(f, held["payment_id"]) == "review");
  CHECK(get(f, "/v1/withdrawals/" + held["payment_id"].get<std::string>())["reason"]
            .get<std::string>()
            .rfind("risk:", 0) == 0);
}

TEST_CASE("cases are resolved once: cleared unlocks and is not flagged again on the "
          "same evidence",
          "[risk][cases]") {
  auto f = cashier_server(900'000, {}, risk_tuning());
  auto bot = join(f, "tick", "dev-tick", 50'000, "card-tick");
  script(bot, 60, 200, std::chrono::milliseconds{25});
  auto cases = cases_of(f, bot.id);
  REQUIRE(cases.size() == 1);
  auto id = std::to_string(cases[0]["case_id"].get<int64_t>());
  auto path = "/v1/risk/cases/" + id + "/resolve";
  CHECK(f.http(reader_key)
            .Post(path, R"({"outcome":"cleared"})", "application/json")
            ->status == 403);
  auto bad = f.http(support_key).Post(path, R"({"outcome":"maybe"})", "application/json");
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"]["code"] == "invalid_outcome");
  auto none = f.http(support_key)
                  .Post("/v1/risk/cases/999999/resolve", R"({"outcome":"cleared"})",
                        "application/json");
  CHECK(none->status == 404);
  CHECK(json::parse(none->body)["error"]["code"] == "case_not_found");
  auto ok = f.http(support_key)
                .Post(path, R"({"outcome":"cleared","note":"a test rig of ours"})",
                      "application/json");
  REQUIRE(ok->status == 200);
  CHECK(json::parse(ok->body)["status"] == "cleared");
  CHECK(json::parse(ok->body)["resolved_by"] == "desk");
  auto twice =
      f.http(support_key).Post(path, R"({"outcome":"confirmed"})", "application/json");
  CHECK(twice->status == 409);
  CHECK(json::parse(twice->body)["error"]["code"] == "case_resolved");
  CHECK(wait_until([&] {
    return get(f, "/v1/players/" + std::to_string(bot.id))["status"] == "active";
  }));
  // The same play again: no new case, and it plays (after logging in again).
  auto c2 = f.connect("", "10.7.0.9");
  auto login = c2->request({{"type", "login"},
                            {"username", "tick"},
                            {"password", "correct horse battery"},
                            {"device", {{"id", "dev-tick"}}}});
  REQUIRE(login["type"] == "logged_in");
  bot.c = std::move(c2);
  CHECK(script(bot, 30, 200, std::chrono::milliseconds{25}).empty());
  CHECK(cases_of(f, bot.id).size() == 1);
  CHECK(get(f, "/v1/risk/cases/" + id)["status"] == "cleared");
  CHECK(get(f, "/v1/risk/cases?status=cleared")["cases"].size() == 1);
  CHECK(get(f, "/v1/risk/cases?status=open")["cases"].empty());
  auto bad_status = f.http(reader_key).Get("/v1/risk/cases?status=odd");
  CHECK(bad_status->status == 400);
  // Audited.
  auto trail = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  int resolved = 0;
  for (auto& e : trail["entries"])
    if (e["action"] == "risk.case.resolve") ++resolved;
  CHECK(resolved >= 3);
}

TEST_CASE("a model that cannot be used stops the start, and a reload keeps the old one",
          "[risk][model]") {
  temp_dir dir;
  auto bad = dir.str() + "/broken.json";
  std::ofstream(bad) << "{\"format\":\"agg-risk-model\"";
  {
    caf::actor_system_config cfg;
    test_config(cfg);
    caf::actor_system sys{cfg};
    auto o = test_options(dir);
    o.risk_model = dir.str() + "/missing.json";
    CHECK_THROWS_WITH(node(sys, o), Catch::Contains("missing.json"));
    o.risk_model = bad;
    CHECK_THROWS_WITH(node(sys, o), Catch::Contains("broken.json: not JSON"));
  }
  auto path = dir.str() + "/model.json";
  {
    std::ifstream in(server_options::default_risk_model());
    std::ofstream out(path);
    out << in.rdbuf();
  }
  auto f = cashier_server(900'000, {}, [path](server_options& o) {
    o.risk_model = path;
    o.trusted_proxies = {"127.0.0.1"};
  });
  auto reload = [&] {
    return f.http(admin_key).Post("/v1/risk/model/reload", "", "application/json");
  };
  CHECK(
      f.http(support_key).Post("/v1/risk/model/reload", "", "application/json")->status ==
      403);
  CHECK(reload()->status == 200);
  std::ofstream(path) << "[1,2,3]";
  auto refused = reload();
  CHECK(refused->status == 422);
  CHECK(json::parse(refused->body)["error"]["code"] == "model_refused");
  // The old model still scores.
  auto p = join(f, "scored", "dev-s", 50'000, "card-s");
  script(p, 30, 200, std::chrono::milliseconds{20});
  CHECK(get(f, "/v1/players/" + std::to_string(p.id) + "/risk")["score"].get<double>() >
        0);
}

TEST_CASE("cases, locks and features survive a restart", "[risk][restart]") {
  temp_dir dir;
  int64_t bot_id = 0;
  double score = 0;
  auto tune = [&dir](server_options& o) {
    o.withdrawal_auto_approve_max = {"EUR:1000000"};
    o.trusted_proxies = {"127.0.0.1"};
    o.data_dir = dir.str();
  };
  {
    auto f = cashier_server(900'000, {}, tune);
    auto bot = join(f, "phoenix", "dev-ph", 50'000, "card-ph");
    script(bot, 60, 200, std::chrono::milliseconds{25});
    bot_id = bot.id;
    REQUIRE(cases_of(f, bot_id).size() == 1);
    score = get(f, "/v1/players/" + std::to_string(bot_id) + "/risk")["score"];
  }
  auto f = cashier_server(900'000, {}, tune);
  // The engine reads the log again: the same features, the same single case.
  json risk;
  REQUIRE(wait_until([&] {
    risk = get(f, "/v1/players/" + std::to_string(bot_id) + "/risk");
    return risk["features"]["bets_log"].get<double>() > 0;
  }));
  CHECK(risk["score"].get<double>() == Approx(score));
  CHECK(risk["locked"] == true);
  CHECK(cases_of(f, bot_id).size() == 1);
}

TEST_CASE("bets with bonus money on a game its grant barely counts are low-weight play",
          "[risk][bonus]") {
  auto f = cashier_server(900'000, {}, risk_tuning());
  auto p = join(f, "weights", "dev-w", 1'000, "card-w");
  // A grant whose wagering counts the dice at 5%.
  auto g = f.http(admin_key).Post(
      "/v1/players/" + std::to_string(p.id) + "/bonuses",
      R"({"amount":50000,"wagering_multiplier":30,"reason":"test",)"
      R"("weights":{"game:dice":5}})",
      "application/json");
  REQUIRE(g);
  INFO(g->body);
  REQUIRE(g->status / 100 == 2);
  for (int i = 0; i < 12; ++i)
    p.c->request({{"type", "play"},
                  {"game", "dice"},
                  {"stake", 200},
                  {"params", {{"chance", 4950}}}});
  auto risk = get(f, "/v1/players/" + std::to_string(p.id) + "/risk");
  CHECK(risk["features"]["bonus_bet_share"].get<double>() > 0.5);
  CHECK(risk["features"]["bonus_low_weight_share"].get<double>() > 0.5);
}
