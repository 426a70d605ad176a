// The remote RGS protocol end to end on loopback: the built-in games served by an
// in-process rgs_server (what aggregator-studio runs) and played through a vendor
// connection of kind "remote"; the protocol's refusals (bad signature, stale
// timestamp, replay); an outcome asked twice; a round voided by a status query; and
// a round whose answer was lost, resolved by the studio's record.

#include "studio/rgs_server.hpp"
#include "support/server_fixture.hpp"
#include "vendors/remote/remote_adapter.hpp"
#include "vendors/remote/rgs_protocol.hpp"

#include <fstream>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;
namespace rgs = vendors::rgs;

namespace {

const std::string secret = "a-shared-secret-for-tests-0123456789";

struct studio_process {
  temp_dir dir;
  std::string secret_file = dir.file("rgs.secret");
  std::unique_ptr<studio::rgs_server> server;
  uint16_t port = 0;

  studio_process() {
    std::ofstream{secret_file} << secret << "\n";
    studio::rgs_server_options o;
    o.port = 0;
    o.threads = 4;
    o.secret = secret;
    o.db_path = dir.file("studio.db");
    server = std::make_unique<studio::rgs_server>(o);
    port = server->start();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  // A raw signed call, with the timestamp and signature given.
  httplib::Result post(const std::string& op, const std::string& body, int64_t ts,
                       const std::string& sig) {
    httplib::Client c{"127.0.0.1", port};
    return c.Post(
        std::string{rgs::path_prefix} + op,
        {{rgs::timestamp_header, std::to_string(ts)}, {rgs::signature_header, sig}}, body,
        "application/json");
  }

  httplib::Result post_signed(const std::string& op, const std::string& body,
                              int64_t ts = now_ms()) {
    return post(
        op, body, ts,
        rgs::request_signature(secret, ts, std::string{rgs::path_prefix} + op, body));
  }
};

std::unique_ptr<vendors::remote::remote_adapter> adapter_for(const studio_process& s) {
  return std::make_unique<vendors::remote::remote_adapter>(vendors::adapter_env{
      "remote", {{"url", s.url()}, {"secret_file", s.secret_file}}, nullptr});
}

} // namespace

TEST_CASE("the studio refuses unsigned, stale and replayed requests") {
  studio_process s;
  auto body = json::object().dump();
  auto ts = now_ms();
  auto res = s.post("games", body, ts, "00");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(json::parse(res->body)["error"]["code"] == "bad_signature");
  auto wrong_key = rgs::hmac_hex("another-secret-0123456789",
                                 std::to_string(ts) + "\n/rgs/v1/games\n" + body);
  CHECK(s.post("games", body, ts, wrong_key)->status == 401);
  // Signed, but two minutes old.
  auto old = s.post_signed("games", body, ts - 120'000);
  CHECK(old->status == 401);
  CHECK(json::parse(old->body)["error"]["code"] == "stale_request");
  // Signed and fresh: answered, and signed for this request; the same again is a replay.
  auto sig = rgs::request_signature(secret, ts, "/rgs/v1/games", body);
  auto ok = s.post("games", body, ts, sig);
  REQUIRE(ok->status == 200);
  auto rts = rgs::parse_timestamp(ok->get_header_value(rgs::timestamp_header));
  REQUIRE(rts);
  CHECK(ok->get_header_value(rgs::signature_header) ==
        rgs::response_signature(secret, *rts, sig, ok->body));
  CHECK(json::parse(ok->body)["games"].size() == 2);
  auto again = s.post("games", body, ts, sig);
  CHECK(again->status == 409);
  CHECK(json::parse(again->body)["error"]["code"] == "replayed");
  // A body changed on the way no longer matches its signature.
  CHECK(s.post("games", "{\"x\":1}", ts, sig)->status == 401);
}

TEST_CASE("the studio refuses a body nested deeper than allowed at its largest size") {
  studio_process s;
  constexpr size_t body_max = 64 * 1024; // the studio's body limit
  std::string head = R"({"player_id":1,"game_id":"dice","params":)";
  auto depth = (body_max - head.size() - 1) / 2;
  auto body = head + std::string(depth, '[') + std::string(depth, ']') + "}";
  for (auto op : {"play", "verify", "seeds"}) {
    auto res = s.post_signed(op, body);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["error"]["code"] == "bad_request");
  }
  CHECK(s.post_signed("games", "{}")->status == 200);
}

TEST_CASE(
    "an outcome asked twice is the same, and a status query voids an unplayed round") {
  studio_process s;
  auto a = adapter_for(s);
  REQUIRE(a->games().size() == 2);
  CHECK(a->provably_fair());
  vendors::round_context ctx{7, "slot-5x3", "EUR", 100, "", "round-1"};
  auto first = a->play(ctx);
  auto second = a->play(ctx);
  CHECK(first.win == second.win);
  CHECK(first.detail_json == second.detail_json);
  REQUIRE(first.proof);
  CHECK(first.proof->nonce == second.proof->nonce);
  // The same round id with another stake is a conflict, not a new round.
  auto other = ctx;
  other.stake = 200;
  CHECK_THROWS(a->play(other));
  // Status of a played round gives its outcome.
  auto resolved = a->resolve(ctx);
  REQUIRE(resolved);
  CHECK(resolved->win == first.win);
  // A round never played: void, and it cannot be played afterwards.
  vendors::round_context lost{7, "slot-5x3", "EUR", 100, "", "round-lost"};
  CHECK_FALSE(a->resolve(lost));
  CHECK_THROWS(a->play(lost));
  // Bad parameters are the player's fault, not the studio's.
  vendors::round_context bad{7, "dice", "EUR", 100, R"({"chance":0})", "round-bad"};
  CHECK_THROWS_AS(a->play(bad), vendors::invalid_params);
  // Provably fair calls pass through.
  auto seeds = a->seeds(7);
  CHECK(seeds.next_nonce == 1);
  auto revealed = a->rotate_seed(7, std::nullopt);
  auto check = a->verify("slot-5x3", "", 100, revealed.server_seed, revealed.client_seed,
                         first.proof->nonce);
  CHECK(check.win == first.win);
}

TEST_CASE("players play the remote studio's games over WebSocket like in-process ones") {
  studio_process s;
  server_fixture f{[&](server_options& o) {
    o.vendors = {"builtin", "remote"};
    o.vendor_settings["remote"] = {{"kind", "remote"},
                                   {"url", s.url()},
                                   {"secret_file", s.secret_file},
                                   {"workers", "4"}};
  }};
  auto [c, reg] = f.register_player("remote_player");
  auto player = reg["player_id"].get<int64_t>();
  f.deposit(player, 10'000, "d1");
  auto games = c->request({{"type", "games"}});
  int remote_games = 0;
  for (const auto& g : games["games"])
    if (g["vendor"] == "remote") ++remote_games;
  CHECK(remote_games == 2);
  int64_t balance = 10'000;
  for (int i = 0; i < 20; ++i) {
    auto r = c->request(
        {{"type", "play"}, {"vendor", "remote"}, {"game", "slot-5x3"}, {"stake", 100}});
    REQUIRE(r["type"] == "round");
    CHECK(r["vendor"] == "remote");
    balance += r["win"].get<int64_t>() - 100;
    CHECK(r["balance"] == balance);
    CHECK(r["fairness"]["nonce"] == i);
  }
  auto seeds = c->request({{"type", "seeds"}, {"vendor", "remote"}});
  CHECK(seeds["next_nonce"] == 20);
  auto bad = c->request({{"type", "play"},
                         {"vendor", "remote"},
                         {"game", "dice"},
                         {"stake", 100},
                         {"params", {{"chance", 0}}}});
  CHECK(bad["code"] == "invalid_params");
  CHECK(f.balance_of(player) == balance);
  CHECK(f.verify().ok);
}
