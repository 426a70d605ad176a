// Deposits through the sandbox payment provider, end to end: the player asks over
// WebSocket, the intent is recorded, the sandbox calls back (signed) on the operator
// port, the wallet credits once, and the player is pushed the payment and the
// balance. Declines, failures and expiry are visible; forged, stale, unknown,
// mismatched and replayed callbacks change nothing.

#include "support/cashier_support.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

TEST_CASE("a deposit is credited once the provider confirms it, and pushed",
          "[cashier][deposit]") {
  auto f = cashier_server();
  auto [c, reg] = f.register_player("alice");
  auto player = reg["player_id"].get<int64_t>();
  auto r = c->request({{"type", "deposit"},
                       {"amount", 5'000},
                       {"provider", "sandbox"},
                       {"instrument", "card-4242"}});
  REQUIRE(r["type"] == "payment");
  CHECK(r["status"] == "pending");
  CHECK(r["kind"] == "deposit");
  CHECK(r["currency"] == "EUR");
  CHECK(r["fingerprint"].get<std::string>().size() == 32);
  auto id = r["payment_id"].get<std::string>();
  REQUIRE(payment_push(*c, id, "confirmed"));
  CHECK(balance_of(*c) == 5'000);

  auto list = c->request({{"type", "payments"}});
  REQUIRE(list["payments"].size() == 1);
  CHECK(list["payments"][0]["status"] == "confirmed");
  // The operator sees it too, and the log has every step.
  auto res =
      f.http(reader_key).Get("/v1/players/" + std::to_string(player) + "/payments");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["payments"][0]["payment_id"] == id);
  auto events =
      json::parse(f.http(reader_key).Get("/v1/events?after=0&limit=1000")->body);
  std::vector<std::string> types;
  for (auto& e : events["events"])
    if (e["player_id"] == player) types.push_back(e["type"]);
  CHECK(types == std::vector<std::string>{"activity.registered",
                                          "activity.payment_created",
                                          "activity.payment_pending", "wallet.deposit",
                                          "activity.payment_confirmed"});

  // The same confirmation again: taken, nothing credited twice.
  json cb{{"payment_id", id},      {"provider_tx_id", "sbx-" + id},
          {"status", "confirmed"}, {"currency", "EUR"},
          {"amount", 5'000},       {"fingerprint", r["fingerprint"]}};
  auto again = post_callback(f, "sandbox", cb, sandbox_secret);
  REQUIRE(again);
  CHECK(again->status == 200);
  // A contradicting one is refused.
  cb["status"] = "declined";
  auto contra = post_callback(f, "sandbox", cb, sandbox_secret);
  REQUIRE(contra);
  CHECK(contra->status == 409);
  CHECK(balance_of(*c) == 5'000);
}

TEST_CASE("declined, failed and expired deposits move no money and are visible",
          "[cashier][deposit]") {
  auto f = cashier_server(1'000);
  auto [c, reg] = f.register_player("bob");
  auto declined = c->request({{"type", "deposit"},
                              {"amount", 100},
                              {"provider", "sandbox"},
                              {"instrument", "decline-1"}});
  REQUIRE(payment_push(*c, declined["payment_id"], "declined"));
  auto failed = c->request({{"type", "deposit"},
                            {"amount", 100},
                            {"provider", "sandbox"},
                            {"instrument", "fail-1"}});
  CHECK(failed["status"] == "failed");
  auto silent = c->request({{"type", "deposit"},
                            {"amount", 100},
                            {"provider", "sandbox"},
                            {"instrument", "silent-1"}});
  CHECK(silent["status"] == "pending");
  REQUIRE(payment_push(*c, silent["payment_id"], "expired"));
  CHECK(balance_of(*c) == 0);
  auto list = c->request({{"type", "payments"}});
  CHECK(list["payments"].size() == 3);
}

TEST_CASE("forged, stale, malformed, unknown and mismatched callbacks change nothing",
          "[cashier][callbacks]") {
  auto f = cashier_server();
  auto [c, reg] = f.register_player("carol");
  auto r = c->request({{"type", "deposit"},
                       {"amount", 700},
                       {"provider", "sandbox"},
                       {"instrument", "silent-2"}});
  auto id = r["payment_id"].get<std::string>();
  json cb{{"payment_id", id},      {"provider_tx_id", "sbx-" + id},
          {"status", "confirmed"}, {"currency", "EUR"},
          {"amount", 700},         {"fingerprint", "f"}};
  auto code_of = [](const httplib::Result& res) {
    return json::parse(res->body)["error"]["code"].get<std::string>();
  };
  auto forged = post_callback(f, "sandbox", cb, "not-the-sandbox-secret-000");
  REQUIRE(forged);
  CHECK(forged->status == 401);
  CHECK(code_of(forged) == "bad_signature");
  auto stale =
      post_callback(f, "sandbox", cb, sandbox_secret, now_us() / 1'000'000 - 3'600);
  CHECK(stale->status == 401);
  CHECK(code_of(stale) == "stale_callback");
  auto bad = f.http("").Post("/v1/payments/sandbox/callback", "{", "application/json");
  CHECK(bad->status == 401); // unsigned
  json other = cb;
  other["payment_id"] = "dep_unknown";
  auto unknown = post_callback(f, "sandbox", other, sandbox_secret);
  CHECK(unknown->status == 404);
  CHECK(code_of(unknown) == "payment_not_found");
  auto no_provider = post_callback(f, "nosuch", cb, sandbox_secret);
  CHECK(no_provider->status == 404);
  CHECK(code_of(no_provider) == "unknown_provider");
  json more = cb;
  more["amount"] = 70'000;
  auto mismatch = post_callback(f, "sandbox", more, sandbox_secret);
  CHECK(mismatch->status == 409);
  CHECK(code_of(mismatch) == "callback_mismatch");
  CHECK(balance_of(*c) == 0);
  // The refused signatures are on record.
  auto events =
      json::parse(f.http(reader_key).Get("/v1/events?after=0&limit=1000")->body);
  int refusals = 0;
  for (auto& e : events["events"])
    if (e["type"] == "activity.payment_callback_refused") ++refusals;
  CHECK(refusals == 3);
  // And the real one still works.
  auto ok = post_callback(f, "sandbox", cb, sandbox_secret);
  CHECK(ok->status == 200);
  CHECK(balance_of(*c) == 700);
}

TEST_CASE("bad deposit requests are refused with documented codes", "[cashier][input]") {
  auto f = cashier_server();
  auto [c, reg] = f.register_player("dave");
  auto code = [&](json req) {
    req["type"] = "deposit";
    auto r = c->request(req);
    return r["type"] == "error" ? r["code"].get<std::string>() : std::string{"accepted"};
  };
  CHECK(code({{"amount", 100}, {"provider", "nosuch"}, {"instrument", "card"}}) ==
        "unknown_provider");
  CHECK(code({{"amount", 0}, {"provider", "sandbox"}, {"instrument", "card"}}) ==
        "invalid_field");
  CHECK(code({{"amount", 1.5}, {"provider", "sandbox"}, {"instrument", "card"}}) ==
        "invalid_field");
  CHECK(code({{"amount", 100}, {"provider", "sandbox"}, {"instrument", "two words"}}) ==
        "invalid_instrument");
  CHECK(code({{"amount", 100},
              {"provider", "sandbox"},
              {"instrument", "card"},
              {"currency", "USD"}}) == "invalid_currency");
  CHECK(code({{"amount", 100}, {"provider", "sandbox"}}) == "invalid_field");
  CHECK(balance_of(*c) == 0);
  // Not logged in: refused before the cashier.
  auto anon = f.connect();
  auto r = anon->request(
      {{"type", "deposit"}, {"amount", 1}, {"provider", "sandbox"}, {"instrument", "x"}});
  CHECK(r["type"] == "error");
}

TEST_CASE("a provider whose calls keep failing is not asked until its cool-down ends",
          "[cashier][breaker]") {
  auto f = cashier_server(900'000,
                          {{"breaker_failures", "2"}, {"breaker_cooldown_ms", "300"}});
  auto [c, reg] = f.register_player("erin");
  auto deposit = [&](const char* instrument) {
    return c->request({{"type", "deposit"},
                       {"amount", 100},
                       {"provider", "sandbox"},
                       {"instrument", instrument}});
  };
  // The provider's calls fail (its outcome unknown): the payments wait, pending.
  for (int i = 0; i < 2; ++i) {
    auto r = deposit("error-1");
    CHECK(r["status"] == "pending");
    CHECK(r["reason"] == "provider_unknown_outcome");
  }
  // Open: refused at once, no intent recorded.
  auto refused = deposit("card-1");
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "provider_unavailable");
  CHECK(c->request({{"type", "payments"}})["payments"].size() == 2);
  // After the cool-down a trial goes through and closes it.
  bool accepted = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (!accepted && std::chrono::steady_clock::now() < deadline) {
    accepted = deposit("card-1")["type"] == "payment";
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  CHECK(accepted);
  CHECK(deposit("card-2")["status"] == "pending");
}

TEST_CASE("a player's timeline merges money, activity and payments, newest first, and "
          "pages without gaps",
          "[cashier][timeline]") {
  auto f = cashier_server();
  auto [c, reg] = f.register_player("tina");
  auto player = reg["player_id"].get<int64_t>();
  for (int i = 0; i < 3; ++i) {
    auto r = c->request({{"type", "deposit"},
                         {"amount", 1'000 + i},
                         {"provider", "sandbox"},
                         {"instrument", "card-77"}});
    REQUIRE(payment_push(*c, r["payment_id"], "confirmed"));
  }
  auto path = "/v1/players/" + std::to_string(player) + "/timeline";
  auto whole = f.http(reader_key).Get(path + "?limit=500");
  REQUIRE(whole);
  REQUIRE(whole->status == 200);
  auto all = json::parse(whole->body);
  CHECK_FALSE(all.contains("next_before_us"));
  auto& items = all["items"];
  // Registered, then per deposit: created, pending, the credit, confirmed (events),
  // and the payment itself.
  REQUIRE(items.size() == 1 + 3 * 5);
  std::map<std::string, int> kinds;
  for (size_t i = 0; i < items.size(); ++i) {
    kinds[items[i]["kind"]]++;
    if (i > 0)
      CHECK(items[i - 1]["at_us"].get<int64_t>() >= items[i]["at_us"].get<int64_t>());
  }
  CHECK(kinds["money"] == 3);
  CHECK(kinds["payment"] == 3);
  CHECK(kinds["activity"] == 10);
  CHECK(items.back()["event"]["type"] == "activity.registered");
  for (auto& i : items)
    if (i["kind"] == "money") {
      CHECK(i["event"]["type"] == "wallet.deposit");
      CHECK(i["event"]["player_id"] == player);
    } else if (i["kind"] == "payment") {
      CHECK(i["payment"]["status"] == "confirmed");
      CHECK(i["payment"]["kind"] == "deposit");
    }

  // Pages of two, followed by next_before_us, give back the same items in order.
  json paged = json::array();
  std::string before;
  for (int guard = 0; guard < 40; ++guard) {
    auto page = f.http(reader_key).Get(path + "?limit=2" + before);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    auto j = json::parse(page->body);
    CHECK(!j["items"].empty());
    for (auto& i : j["items"])
      paged.push_back(i);
    if (!j.contains("next_before_us")) break;
    before = "&before_us=" + std::to_string(j["next_before_us"].get<int64_t>());
  }
  CHECK(paged == items);

  // Bad paging and unknown players.
  CHECK(f.http(reader_key).Get(path + "?limit=0")->status == 400);
  CHECK(f.http(reader_key).Get(path + "?before_us=x")->status == 400);
  CHECK(f.http(reader_key).Get("/v1/players/999999/timeline")->status == 404);
  CHECK(f.http("").Get(path)->status == 401);
}
