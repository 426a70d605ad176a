// End to end over real loopback sockets with a Beast WebSocket client: accounts and
// sessions, balance pushes to every connection of a player, tokens (resume, refresh,
// expired, tampered, revoked), account locks, history, and graceful shutdown.

#include "support/raw_connection.hpp"
#include "support/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

// A token signed with the server's own key, for tests that need one the server
// would never issue (expired ones).
token_authority server_authority(const server_fixture& f) {
  return token_authority{load_or_create_token_key(f.options().token_key_path()),
                         3'600'000'000};
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

TEST_CASE("a deposit shows up at once on every connection of the player", "[ws]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("alice");
  auto player = reg["player_id"].get<int64_t>();
  CHECK(reg["currency"] == "EUR");
  CHECK(reg["balances"][0]["balance"] == 0);
  auto c2 = f.connect();
  auto login = c2->request(
      {{"type", "login"}, {"username", "alice"}, {"password", "correct horse battery"}});
  REQUIRE(login["type"] == "logged_in");
  CHECK(login["player_id"] == player);
  auto bystander = f.register_player("bob").first;

  CHECK(f.deposit(player, 500, "dep-1") == 500);
  for (auto* c : {c1.get(), c2.get()}) {
    auto push = c->next_of("balance");
    REQUIRE(push);
    CHECK((*push)["balance"] == 500);
    CHECK((*push)["currency"] == "EUR");
    CHECK((*push)["reason"] == "deposit");
    CHECK_FALSE(push->contains("id"));
  }
  CHECK_FALSE(bystander->next_of("balance", std::chrono::milliseconds{300}));
  auto bal = c2->request({{"type", "balance"}});
  CHECK(bal["balances"][0]["balance"] == 500);
}

TEST_CASE("a token resumes a session on a new connection", "[ws][tokens]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("carol");
  auto c2 = f.connect();
  auto resumed = c2->request({{"type", "resume"}, {"token", reg["token"]}});
  REQUIRE(resumed["type"] == "resumed");
  CHECK(resumed["player_id"] == reg["player_id"]);
  auto refreshed = c2->request({{"type", "refresh"}});
  REQUIRE(refreshed["type"] == "refreshed");
  CHECK(refreshed["expires_at_us"].get<int64_t>() >= reg["expires_at_us"].get<int64_t>());
  CHECK(c2->request({{"type", "balance"}})["type"] == "balance");
}

TEST_CASE("a tampered token is refused", "[ws][tokens]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("dave");
  auto token = reg["token"].get<std::string>();
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  auto c2 = f.connect();
  auto r = c2->request({{"type", "resume"}, {"token", token}});
  CHECK(r["type"] == "error");
  CHECK(r["code"] == "token_invalid");
  CHECK(c2->request({{"type", "resume"}, {"token", "v1.garbage"}})["code"] ==
        "token_invalid");
}

TEST_CASE("an expired token is refused", "[ws][tokens]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("erin");
  auto authority = server_authority(f);
  auto old = now_us() - 7'200'000'000;
  auto token = authority.issue(
      {reg["player_id"].get<int64_t>(), reg["session_id"], old, old + 3'600'000'000});
  auto c2 = f.connect();
  CHECK(c2->request({{"type", "resume"}, {"token", token}})["code"] == "token_expired");
}

TEST_CASE("logout revokes the token everywhere", "[ws][tokens]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("frank");
  auto c2 = f.connect();
  REQUIRE(c2->request({{"type", "resume"}, {"token", reg["token"]}})["type"] ==
          "resumed");
  CHECK(c1->request({{"type", "logout"}})["type"] == "logged_out");
  CHECK(c1->request({{"type", "balance"}})["code"] == "not_authenticated");
  // The other connection of the same session finds out on its next request.
  CHECK(c2->request({{"type", "balance"}})["code"] == "token_revoked");
  auto c3 = f.connect();
  CHECK(c3->request({{"type", "resume"}, {"token", reg["token"]}})["code"] ==
        "token_revoked");
}

TEST_CASE("a locked player cannot log in or take money out, and credits still arrive",
          "[ws][accounts]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("grace");
  auto player = reg["player_id"].get<int64_t>();
  f.deposit(player, 1000, "d1");
  auto lock = f.http(support_key)
                  .Post("/v1/players/" + std::to_string(player) + "/lock",
                        R"({"reason":"kyc review"})", "application/json");
  REQUIRE(lock);
  REQUIRE(lock->status == 200);
  CHECK(json::parse(lock->body)["status"] == "locked");
  CHECK(c1->request({{"type", "balance"}})["code"] == "token_revoked");
  auto c2 = f.connect();
  CHECK(c2->request({{"type", "login"},
                     {"username", "grace"},
                     {"password", "correct horse battery"}})["code"] == "account_locked");
  CHECK(f.deposit(player, 50, "d2") == 1050);
  auto out = f.http().Post("/v1/players/" + std::to_string(player) + "/withdrawals",
                           R"({"amount":10,"idempotency_key":"w1"})", "application/json");
  REQUIRE(out);
  CHECK(out->status == 422);
  CHECK(json::parse(out->body)["error"]["code"] == "account_blocked");
  auto unlock =
      f.http(support_key).Post("/v1/players/" + std::to_string(player) + "/unlock");
  REQUIRE(unlock);
  CHECK(unlock->status == 200);
  CHECK(c2->request({{"type", "login"},
                     {"username", "grace"},
                     {"password", "correct horse battery"}})["type"] == "logged_in");
}

TEST_CASE("a player can exclude themselves", "[ws][accounts]") {
  server_fixture f;
  auto [c1, reg] = f.register_player("heidi");
  CHECK(c1->request({{"type", "self_exclude"}})["type"] == "self_excluded");
  CHECK(c1->request({{"type", "balance"}})["code"] == "not_authenticated");
  auto c2 = f.connect();
  CHECK(c2->request({{"type", "login"},
                     {"username", "heidi"},
                     {"password", "correct horse battery"}})["code"] ==
        "account_self_excluded");
}

TEST_CASE("registration and login refuse bad credentials", "[ws][accounts]") {
  server_fixture f;
  f.register_player("ivan");
  auto c = f.connect();
  auto again = c->request({{"type", "register"},
                           {"username", "IVAN"},
                           {"password", "another secret"},
                           {"currency", "EUR"}});
  CHECK(again["code"] == "username_taken");
  CHECK(c->request({{"type", "register"},
                    {"username", "x"},
                    {"password", "long enough"},
                    {"currency", "EUR"}})["code"] == "invalid_username");
  CHECK(c->request({{"type", "register"},
                    {"username", "judy"},
                    {"password", "short"},
                    {"currency", "EUR"}})["code"] == "weak_password");
  CHECK(c->request({{"type", "login"},
                    {"username", "ivan"},
                    {"password", "wrong password"}})["code"] == "invalid_credentials");
  CHECK(c->request({{"type", "login"},
                    {"username", "nobody"},
                    {"password", "wrong password"}})["code"] == "invalid_credentials");
}

TEST_CASE("history pages through the ledger newest first", "[ws]") {
  server_fixture f;
  auto [c, reg] = f.register_player("kate");
  auto player = reg["player_id"].get<int64_t>();
  for (int i = 1; i <= 5; ++i)
    f.deposit(player, i * 10, id("d", i));
  auto page1 = c->request({{"type", "history"}, {"limit", 3}});
  REQUIRE(page1["type"] == "history");
  REQUIRE(page1["entries"].size() == 3);
  CHECK(page1["entries"][0]["seq"] == 5);
  CHECK(page1["entries"][0]["amount"] == 50);
  CHECK(page1["entries"][0]["kind"] == "deposit");
  auto page2 = c->request(
      {{"type", "history"}, {"limit", 3}, {"before_seq", page1["next_before_seq"]}});
  REQUIRE(page2["entries"].size() == 2);
  CHECK(page2["entries"][1]["seq"] == 1);
  CHECK_FALSE(page2.contains("next_before_seq"));
}

TEST_CASE("stopping the server sends every client a going-away close", "[ws]") {
  server_fixture f;
  auto c1 = f.connect();
  auto c2 = f.connect();
  f.stop_servers();
  CHECK(c1->closed());
  CHECK(c1->close_code() == 1001);
  CHECK(c2->closed());
  CHECK(c2->close_code() == 1001);
}

TEST_CASE("a wrong path is refused before the handshake", "[ws]") {
  server_fixture f;
  CHECK_THROWS(ws_client{f.ws_port, "/not-here"});
}

TEST_CASE("a handshake the server cannot take gets an HTTP answer, never silence",
          "[ws][bad_input]") {
  server_fixture f;
  auto answer = [&](const std::string& bytes) {
    raw_connection c{f.ws_port};
    REQUIRE(c.write(bytes));
    auto res = c.read();
    REQUIRE(res);
    return *res;
  };
  // RFC 6455 4.2.2: an unsupported version is 426 with the versions we speak.
  auto v8 = answer(raw_connection::upgrade("dGhlIHNhbXBsZSBub25jZQ==", "8"));
  CHECK(v8.result_int() == 426);
  CHECK(v8[boost::beast::http::field::sec_websocket_version] == "13");
  // The key is 16 bytes in base64.
  for (auto key : {"!!!", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j!Q=="})
    CHECK(answer(raw_connection::upgrade(key)).result_int() == 400);
  // Not HTTP at all: a TLS ClientHello's first bytes; lines ending in LF alone.
  CHECK(answer(std::string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11})
            .result_int() == 400);
  CHECK(answer("GET /v1 HTTP/1.1\nHost: x\nUpgrade: websocket\n\n").result_int() == 400);
  // A request that is no upgrade.
  CHECK(answer("GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n").result_int() == 400);
  CHECK(answer(raw_connection::upgrade()).result_int() == 101);
}

TEST_CASE("connections from one address are capped, others are not", "[ws]") {
  server_fixture f{[](server_options& o) { o.ws_connections_per_address_max = 3; }};
  std::vector<std::unique_ptr<ws_client>> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(f.connect("127.0.0.2"));
  raw_connection fourth{f.ws_port, "127.0.0.2"};
  REQUIRE(fourth.write(raw_connection::upgrade()));
  auto refused = fourth.read();
  REQUIRE(refused);
  CHECK(refused->result_int() == 429);
  auto other = f.connect("127.0.0.3");
  CHECK(other->request({{"type", "ping"}})["type"] == "pong");
  // One closed, the address may connect again.
  held.pop_back();
  CHECK(wait_until([&] {
    try {
      f.connect("127.0.0.2");
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }));
}

TEST_CASE("a connection closed for flooding counts as flooding even when the client "
          "never answers the close",
          "[ws][metrics]") {
  server_fixture f{[](server_options& o) {
    o.ws_rate_per_s = 1;
    o.ws_burst = 2;
    o.ws_flood_strikes_max = 5;
    o.ws_handshake_timeout_ms = 300; // also the close handshake's
  }};
  raw_connection c{f.ws_port};
  REQUIRE(c.write(raw_connection::upgrade()));
  REQUIRE(c.read()->result_int() == 101);
  std::string frames;
  for (int i = 0; i < 20; ++i)
    frames += raw_connection::text_frame(R"({"type":"ping"})");
  c.write(frames);
  // The client reads but never answers the close frame: the server gives up on it.
  auto bytes = c.read_until_closed(std::chrono::seconds{10});
  CHECK(bytes.find("rate_limited") != std::string::npos);
  CHECK(wait_until(
      [&] { return f.metric(R"(agg_ws_closed_total{reason="flooding"})") == 1; }));
  CHECK(f.metric(R"(agg_ws_closed_total{reason="read error"})") == -1);
}

TEST_CASE("a connection that reads slowly is not closed for out-of-date balance pushes",
          "[ws]") {
  server_fixture f{[](server_options& o) {
    o.ws_write_queue_len_max = 8;
    o.ws_send_buffer_bytes = 4096;
  }};
  auto [fast, reg] = f.register_player("nadia");
  auto player = reg["player_id"].get<int64_t>();
  raw_connection slow{f.ws_port, "", 2048};
  REQUIRE(slow.write(raw_connection::upgrade()));
  REQUIRE(slow.read()->result_int() == 101);
  slow.write(raw_connection::text_frame(
      json{{"type", "resume"}, {"id", 1}, {"token", reg["token"]}}.dump()));
  REQUIRE(wait_until([&] { return f.metric("agg_ws_connections") == 2; }));
  // Many more balance pushes than the slow connection's queue holds, while it does not
  // read: its socket buffers fill, and then its queue.
  int64_t balance = 0;
  for (int i = 0; i < 3'000; ++i)
    balance = f.deposit(player, 1, "deposit-" + std::to_string(1'000'000 + i));
  CHECK(f.metric("agg_ws_pushes_replaced_total") > 0);
  CHECK(f.metric(R"(agg_ws_closed_total{reason="write queue full"})") == -1);
  // Now it reads: everything up to the newest balance, and the connection is open.
  std::string last = R"("balance":)";
  last += std::to_string(balance);
  auto bytes = slow.read_until_closed(std::chrono::seconds{2});
  CHECK(bytes.find(last) != std::string::npos);
  CHECK(f.metric("agg_ws_connections") == 2);
}

TEST_CASE("balance answers in the currency asked for and refuses a malformed one",
          "[ws][bad_input]") {
  server_fixture f;
  auto [c, reg] = f.register_player("quentin");
  f.deposit(reg["player_id"].get<int64_t>(), 500, "q1");
  auto eur = c->request({{"type", "balance"}});
  CHECK(eur["balances"][0] == json{{"currency", "EUR"}, {"balance", 500}, {"bonus", 0}});
  auto usd = c->request({{"type", "balance"}, {"currency", "USD"}});
  CHECK(usd["balances"][0] == json{{"currency", "USD"}, {"balance", 0}, {"bonus", 0}});
  for (const auto& bad : {std::string{"eur"}, std::string{"EU"}, std::string(65, 'E')}) {
    auto r = c->request({{"type", "balance"}, {"currency", bad}});
    CHECK(r["code"] == "invalid_field");
  }
}
