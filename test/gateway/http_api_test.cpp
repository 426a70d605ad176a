// The operator HTTP API over loopback: authentication and roles, players, locks,
// idempotent deposits and withdrawals, balance, ledger paging, the audit trail and
// the health, readiness and metrics endpoints.

#include "gateway/http_listener.hpp"
#include "support/server_fixture.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body, nullptr, false);
}

int64_t create(server_fixture& f, const std::string& username) {
  auto r = f.http().Post("/v1/players",
                         json{{"username", username},
                              {"password", "operator-made-1"},
                              {"currency", "EUR"},
                              {"email", username + "@example.com"}}
                             .dump(),
                         "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 201);
  return json::parse(r->body)["player_id"].get<int64_t>();
}

std::string path(int64_t player, const std::string& rest = "") {
  return "/v1/players/" + std::to_string(player) + rest;
}

} // namespace

TEST_CASE("health, readiness and metrics need no key", "[http]") {
  server_fixture f;
  auto c = f.http("");
  auto health = c.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ready = c.Get("/ready");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("agg_ws_connections ") != std::string::npos);
  CHECK(metrics->body.find("agg_commit_duration_seconds_bucket") != std::string::npos);
}

TEST_CASE("every other call needs a key whose role allows it", "[http]") {
  server_fixture f;
  auto none = f.http("").Get("/v1/players/1");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(body_of(none)["error"]["code"] == "unauthorized");
  auto wrong = f.http("not-a-key-at-all-1234").Get("/v1/players/1");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto reader = f.http(reader_key).Post("/v1/players", "{}", "application/json");
  REQUIRE(reader);
  CHECK(reader->status == 403);
  auto support = f.http(support_key).Post(path(1, "/deposits"), "{}", "application/json");
  REQUIRE(support);
  CHECK(support->status == 403);
}

TEST_CASE("players are created, read and refused twice", "[http]") {
  server_fixture f;
  auto id = create(f, "oscar");
  auto got = f.http(reader_key).Get(path(id));
  REQUIRE(got);
  CHECK(got->status == 200);
  auto j = body_of(got);
  CHECK(j["username"] == "oscar");
  CHECK(j["status"] == "active");
  CHECK(j["balance"] == 0);
  auto again = f.http().Post(
      "/v1/players", R"({"username":"Oscar","password":"whatever-1","currency":"EUR"})",
      "application/json");
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(body_of(again)["error"]["code"] == "username_taken");
  auto missing = f.http().Get(path(999999));
  REQUIRE(missing);
  CHECK(missing->status == 404);
  auto bad = f.http().Post("/v1/players", "not json", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(body_of(bad)["error"]["code"] == "malformed_json");
}

TEST_CASE("a player is found by username", "[http]") {
  server_fixture f;
  auto id = create(f, "Petra");
  for (const auto* name : {"Petra", "petra"}) {
    auto found = f.http(reader_key).Get(std::string{"/v1/players?username="} + name);
    REQUIRE(found);
    CHECK(found->status == 200);
    auto j = body_of(found)["players"];
    REQUIRE(j.size() == 1);
    CHECK(j[0]["player_id"] == id);
    CHECK(j[0]["username"] == "Petra");
    CHECK(j[0]["balance"] == 0);
  }
  auto none = f.http(reader_key).Get("/v1/players?username=nobody");
  REQUIRE(none);
  CHECK(none->status == 200);
  CHECK(body_of(none)["players"].empty());
  auto odd = f.http(reader_key).Get("/v1/players?username=%22%3B--");
  REQUIRE(odd);
  CHECK(odd->status == 200);
  CHECK(body_of(odd)["players"].empty());
  auto missing = f.http(reader_key).Get("/v1/players");
  REQUIRE(missing);
  CHECK(missing->status == 400);
  CHECK(body_of(missing)["error"]["code"] == "invalid_field");
  CHECK(f.http("").Get("/v1/players?username=Petra")->status == 401);
}

TEST_CASE("deposits are idempotent by key", "[http][wallet]") {
  server_fixture f;
  auto id = create(f, "peggy");
  auto c = f.http();
  auto first = c.Post(path(id, "/deposits"), R"({"amount":1500,"idempotency_key":"k1"})",
                      "application/json");
  REQUIRE(first);
  CHECK(first->status == 201);
  auto replay = c.Post(path(id, "/deposits"), R"({"amount":1500,"idempotency_key":"k1"})",
                       "application/json");
  REQUIRE(replay);
  CHECK(replay->status == 200);
  CHECK(body_of(replay)["seq"] == body_of(first)["seq"]);
  CHECK(body_of(replay)["replayed"] == true);
  auto conflict = c.Post(path(id, "/deposits"),
                         R"({"amount":1600,"idempotency_key":"k1"})", "application/json");
  REQUIRE(conflict);
  CHECK(conflict->status == 409);
  CHECK(body_of(conflict)["error"]["code"] == "duplicate_transaction");
  httplib::Headers key_header{{"Idempotency-Key", "k2"}};
  auto by_header =
      c.Post(path(id, "/deposits"), key_header, R"({"amount":5})", "application/json");
  REQUIRE(by_header);
  CHECK(by_header->status == 201);
  CHECK(body_of(by_header)["balance"] == 1505);
  auto no_key = c.Post(path(id, "/deposits"), R"({"amount":5})", "application/json");
  REQUIRE(no_key);
  CHECK(no_key->status == 400);
  auto fractional =
      c.Post(path(id, "/deposits"), R"({"amount":1.5,"idempotency_key":"k3"})",
             "application/json");
  REQUIRE(fractional);
  CHECK(fractional->status == 400);
  auto negative = c.Post(path(id, "/deposits"), R"({"amount":-5,"idempotency_key":"k4"})",
                         "application/json");
  REQUIRE(negative);
  CHECK(negative->status == 400);
  CHECK(body_of(negative)["error"]["code"] == "invalid_amount");
}

TEST_CASE("withdrawals cannot overdraw", "[http][wallet]") {
  server_fixture f;
  auto id = create(f, "quinn");
  f.deposit(id, 100, "d1");
  auto c = f.http();
  auto too_much = c.Post(path(id, "/withdrawals"),
                         R"({"amount":101,"idempotency_key":"w1"})", "application/json");
  REQUIRE(too_much);
  CHECK(too_much->status == 422);
  CHECK(body_of(too_much)["error"]["code"] == "insufficient_funds");
  auto ok = c.Post(path(id, "/withdrawals"), R"({"amount":60,"idempotency_key":"w2"})",
                   "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 201);
  CHECK(body_of(ok)["balance"] == 40);
  auto bal = c.Get(path(id, "/balance"));
  REQUIRE(bal);
  CHECK(body_of(bal)["balance"] == 40);
}

TEST_CASE("the ledger pages newest first", "[http][wallet]") {
  server_fixture f;
  auto id = create(f, "rupert");
  for (int i = 1; i <= 7; ++i)
    f.deposit(id, i, test::id("d", i));
  auto page = body_of(f.http(reader_key).Get(path(id, "/ledger?limit=4")));
  REQUIRE(page["entries"].size() == 4);
  CHECK(page["entries"][0]["seq"] == 7);
  CHECK(page["entries"][0]["hash"].get<std::string>().size() == 64);
  auto next = body_of(
      f.http(reader_key)
          .Get(path(id, "/ledger?limit=4&before_seq=" +
                            std::to_string(page["next_before_seq"].get<int64_t>()))));
  CHECK(next["entries"].size() == 3);
  auto bad = f.http(reader_key).Get(path(id, "/ledger?limit=0"));
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

TEST_CASE("every write is in the audit trail with who and the request id",
          "[http][audit]") {
  server_fixture f;
  auto id = create(f, "sybil");
  httplib::Headers rid{{"X-Request-Id", "req-12345"}};
  auto dep = f.http().Post(path(id, "/deposits"), rid,
                           R"({"amount":10,"idempotency_key":"a1"})", "application/json");
  REQUIRE(dep);
  CHECK(dep->get_header_value("X-Request-Id") == "req-12345");
  REQUIRE(f.http(support_key).Post(path(id, "/lock"))->status == 200);
  auto trail = body_of(f.http().Get("/v1/audit?limit=10"));
  REQUIRE(trail["entries"].size() == 3);
  auto lock = trail["entries"][0];
  CHECK(lock["action"] == "player.lock");
  CHECK(lock["actor"] == "desk");
  CHECK(lock["role"] == "support");
  auto deposit = trail["entries"][1];
  CHECK(deposit["action"] == "wallet.deposit");
  CHECK(deposit["actor"] == "ops");
  CHECK(deposit["request_id"] == "req-12345");
  CHECK(deposit["detail"]["amount"] == 10);
  CHECK(trail["entries"][2]["action"] == "player.create");
  auto metrics = f.http("").Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("agg_wallet_ops_total{op=\"deposit\",outcome=\"ok\"} 1") !=
        std::string::npos);
}

TEST_CASE("operator calls need an existing account and its currency", "[http][wallet]") {
  server_fixture f;
  auto c = f.http();
  auto nobody = c.Post(path(424242, "/deposits"),
                       R"({"amount":5,"idempotency_key":"n1"})", "application/json");
  REQUIRE(nobody);
  CHECK(nobody->status == 404);
  CHECK(body_of(nobody)["error"]["code"] == "player_not_found");
  auto ledger = c.Get(path(424242, "/ledger"));
  REQUIRE(ledger);
  CHECK(ledger->status == 404);
  auto id = create(f, "victor");
  auto usd = c.Post(path(id, "/deposits"),
                    R"({"amount":5,"currency":"USD","idempotency_key":"u1"})",
                    "application/json");
  REQUIRE(usd);
  CHECK(usd->status == 400);
  CHECK(body_of(usd)["error"]["code"] == "invalid_currency");
  auto lower = c.Post(path(id, "/deposits"),
                      R"({"amount":5,"currency":"eur","idempotency_key":"u2"})",
                      "application/json");
  CHECK(body_of(lower)["error"]["code"] == "invalid_currency");
  auto typed =
      c.Post(path(id, "/withdrawals"),
             R"({"amount":5,"currency":978,"idempotency_key":"u3"})", "application/json");
  CHECK(typed->status == 400);
  CHECK(body_of(typed)["error"]["code"] == "invalid_field");
  auto same = c.Post(path(id, "/deposits"),
                     R"({"amount":5,"currency":"EUR","idempotency_key":"u4"})",
                     "application/json");
  CHECK(same->status == 201);
  auto balance = c.Get(path(424242, "/balance?currency=EUR"));
  REQUIRE(balance);
  CHECK(balance->status == 404);
  CHECK(body_of(balance)["error"]["code"] == "player_not_found");
}

TEST_CASE("an empty idempotency key is invalid_field", "[http][wallet]") {
  server_fixture f;
  auto id = create(f, "yvonne");
  auto c = f.http();
  auto none = c.Post(path(id, "/deposits"), R"({"amount":5,"idempotency_key":""})",
                     "application/json");
  REQUIRE(none);
  CHECK(none->status == 400);
  CHECK(body_of(none)["error"]["code"] == "invalid_field");
  auto header = c.Post(path(id, "/deposits"), {{"Idempotency-Key", ""}},
                       R"({"amount":5})", "application/json");
  CHECK(body_of(header)["error"]["code"] == "invalid_field");
}

TEST_CASE("a body nested deeper than allowed gets json_too_deep at the largest body "
          "size",
          "[http][bad_input]") {
  constexpr int64_t body_max = 64 << 20; // the largest http_body_bytes_max accepted
  server_fixture f{[](server_options& o) { o.http_body_bytes_max = body_max; }};
  auto id = create(f, "zelda");
  std::string head = R"({"idempotency_key":"deep","amount":)";
  auto depth = (static_cast<size_t>(body_max) - head.size() - 1) / 2;
  auto body = head + std::string(depth, '[') + std::string(depth, ']') + "}";
  REQUIRE(body.size() <= static_cast<size_t>(body_max));
  auto c = f.http();
  for (auto route : {"/deposits", "/withdrawals"}) {
    auto r = c.Post(path(id, route), body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(body_of(r)["error"]["code"] == "json_too_deep");
  }
  auto created = c.Post("/v1/players", body, "application/json");
  CHECK(body_of(created)["error"]["code"] == "json_too_deep");
  // The reason of a lock is optional: a body too deep is ignored, the lock done.
  auto lock = c.Post(path(id, "/lock"), body, "application/json");
  REQUIRE(lock);
  CHECK(lock->status == 200);
  CHECK(c.Get("/health")->status == 200);
}

TEST_CASE("an operator unlock does not lift a self-exclusion", "[http][accounts]") {
  server_fixture f;
  auto [conn, reg] = f.register_player("wendy");
  REQUIRE(conn->request({{"type", "self_exclude"}})["type"] == "self_excluded");
  auto unlock =
      f.http(support_key).Post(path(reg["player_id"].get<int64_t>(), "/unlock"));
  REQUIRE(unlock);
  CHECK(unlock->status == 403);
  CHECK(body_of(unlock)["error"]["code"] == "account_self_excluded");
  auto player = body_of(f.http().Get(path(reg["player_id"].get<int64_t>())));
  CHECK(player["status"] == "self_excluded");
}

TEST_CASE("a listener refuses a port another listener holds", "[http]") {
  gateway::http_listener first{"the first listener", 2, 1024};
  auto port = first.start("127.0.0.1", 0);
  gateway::http_listener second{"the second listener", 1, 1024};
  // httplib's default socket options (SO_REUSEPORT) would let it bind and share the
  // port silently.
  CHECK_THROWS_AS(second.start("127.0.0.1", port), std::runtime_error);
  first.stop();
}
