// Withdrawals through the sandbox payment provider, end to end: the amount is
// reserved in the wallet at once, the checks run (account, KYC, the risk and bonus
// gates), small ones are approved and paid, larger ones wait for an operator, and
// every end either settles the reservation (paid) or gives it back (rejected,
// cancelled, failed). Bad requests and wrong transitions change nothing.

#include "support/cashier_support.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

// A server whose withdrawals in EUR up to `auto_max` are approved without review.
server_fixture withdrawal_server(int64_t auto_max, node_hooks hooks = {},
                                 int64_t request_timeout_ms = 15'000) {
  return cashier_server(
      900'000, {},
      [auto_max, request_timeout_ms](server_options& o) {
        o.withdrawal_auto_approve_max = {"EUR:" + std::to_string(auto_max)};
        o.request_timeout_ms = request_timeout_ms;
      },
      std::move(hooks));
}

// A player with `amount` deposited through the sandbox and, when `verified`, KYC
// verified by an operator.
std::pair<std::unique_ptr<ws_client>, int64_t>
funded_player(server_fixture& f, const std::string& name, int64_t amount, bool verified) {
  auto [c, reg] = f.register_player(name);
  auto player = reg["player_id"].get<int64_t>();
  auto d = c->request({{"type", "deposit"},
                       {"amount", amount},
                       {"provider", "sandbox"},
                       {"instrument", "card-" + name}});
  REQUIRE(payment_push(*c, d["payment_id"], "confirmed"));
  if (verified) {
    auto res = f.http(support_key)
                   .Put("/v1/players/" + std::to_string(player) + "/kyc",
                        R"({"status":"verified","level":2,"reason":"passport checked"})",
                        "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
  }
  return {std::move(c), player};
}

json withdraw(ws_client& c, int64_t amount, const std::string& instrument = "card-w") {
  return c.request({{"type", "withdraw"},
                    {"amount", amount},
                    {"provider", "sandbox"},
                    {"instrument", instrument}});
}

std::string code_of(const httplib::Result& res) {
  return json::parse(res->body)["error"]["code"].get<std::string>();
}

httplib::Result decide(server_fixture& f, const std::string& key, const std::string& id,
                       const char* verb, const std::string& body) {
  return f.http(key).Post("/v1/withdrawals/" + id + "/" + verb, body, "application/json");
}

// A withdrawal gate that refuses `refuse`, never answers 19, and allows the rest.
caf::behavior gate(caf::event_based_actor* self, int64_t refuse, std::string why) {
  return {[self, refuse, why](gate_atom,
                              const payment_view& p) -> caf::result<gate_decision> {
    if (p.amount == 19) return self->make_response_promise<gate_decision>(); // never
    if (p.amount == refuse) return gate_decision{false, why};
    return gate_decision{};
  }};
}

} // namespace

TEST_CASE("KYC is set by operators, audited, and visible to the player",
          "[cashier][kyc]") {
  auto f = withdrawal_server(5'000);
  auto [c, reg] = f.register_player("kim");
  auto player = std::to_string(reg["player_id"].get<int64_t>());
  auto k = c->request({{"type", "kyc"}});
  CHECK(k["type"] == "kyc");
  CHECK(k["status"] == "unverified");
  // A read-only key may not; a bad status is refused; support may.
  auto path = "/v1/players/" + player + "/kyc";
  auto denied =
      f.http(reader_key).Put(path, R"({"status":"verified"})", "application/json");
  CHECK(denied->status == 403);
  auto bad = f.http(support_key).Put(path, R"({"status":"trusted"})", "application/json");
  CHECK(bad->status == 400);
  auto level =
      f.http(support_key)
          .Put(path, R"({"status":"verified","level":1000})", "application/json");
  CHECK(level->status == 400);
  auto ok = f.http(support_key)
                .Put(path, R"({"status":"pending","level":1,"reason":"documents sent"})",
                     "application/json");
  REQUIRE(ok->status == 200);
  CHECK(json::parse(ok->body)["kyc"]["status"] == "pending");
  k = c->request({{"type", "kyc"}});
  CHECK(k["status"] == "pending");
  CHECK(k["level"] == 1);
  CHECK(k["reason"] == "documents sent");
  auto unknown =
      f.http(support_key)
          .Put("/v1/players/999999/kyc", R"({"status":"verified"})", "application/json");
  CHECK(unknown->status == 404);
  auto audit = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  int kyc_records = 0;
  for (auto& e : audit["entries"])
    if (e["action"] == "player.kyc") ++kyc_records;
  CHECK(kyc_records >= 2);
  auto events =
      json::parse(f.http(reader_key).Get("/v1/events?after=0&limit=1000")->body);
  bool changed = false;
  for (auto& e : events["events"])
    if (e["type"] == "activity.kyc_changed") changed = true;
  CHECK(changed);
}

TEST_CASE("a withdrawal without KYC is refused and its reservation given back",
          "[cashier][withdrawal]") {
  auto f = withdrawal_server(5'000);
  auto [c, player] = funded_player(f, "una", 10'000, false);
  auto r = withdraw(*c, 1'000);
  REQUIRE(r["type"] == "error");
  CHECK(r["code"] == "kyc_required");
  CHECK(balance_of(*c) == 10'000);
  auto list = c->request({{"type", "payments"}});
  CHECK(list["reserved"] == 0);
  auto w = list["payments"][0];
  CHECK(w["kind"] == "payout");
  CHECK(w["status"] == "rejected");
  CHECK(w["reason"] == "kyc_required");
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    released =
        c->request({{"type", "payments"}})["payments"][0]["reservation"] == "released";
    if (!released) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  CHECK(released);
}

TEST_CASE("a small withdrawal of a verified player is approved, paid and settled",
          "[cashier][withdrawal]") {
  auto f = withdrawal_server(5'000);
  auto [c, player] = funded_player(f, "vera", 10'000, true);
  auto r = withdraw(*c, 3'000);
  REQUIRE(r["type"] == "payment");
  CHECK(r["kind"] == "payout");
  CHECK(r["status"] == "approved");
  auto id = r["payment_id"].get<std::string>();
  REQUIRE(payment_push(*c, id, "paid"));
  CHECK(balance_of(*c) == 7'000);
  bool settled = false;
  for (int i = 0; i < 100 && !settled; ++i) {
    auto list = c->request({{"type", "payments"}});
    settled = list["payments"][0]["reservation"] == "settled" && list["reserved"] == 0;
    if (!settled) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  CHECK(settled);
  // One withdrawal entry in the ledger, keyed by the payment id; nothing released.
  auto ledger = json::parse(
      f.http(reader_key).Get("/v1/players/" + std::to_string(player) + "/ledger")->body);
  int withdrawals = 0;
  for (auto& e : ledger["entries"])
    if (e["kind"] == "withdrawal") {
      ++withdrawals;
      CHECK(e["tx_id"] == id);
      CHECK(e["source"] == "payment:sandbox");
    }
  CHECK(withdrawals == 1);
  // The provider's confirmation again: taken, nothing paid twice; a contradicting one
  // is refused.
  json cb{{"payment_id", id},      {"provider_tx_id", "sbx-" + id},
          {"status", "confirmed"}, {"currency", "EUR"},
          {"amount", 3'000},       {"fingerprint", ""}};
  CHECK(post_callback(f, "sandbox", cb, sandbox_secret)->status == 200);
  cb["status"] = "failed";
  auto contra = post_callback(f, "sandbox", cb, sandbox_secret);
  CHECK(contra->status == 409);
  CHECK(balance_of(*c) == 7'000);
  // The steps are events.
  auto events =
      json::parse(f.http(reader_key).Get("/v1/events?after=0&limit=1000")->body);
  std::vector<std::string> steps;
  for (auto& e : events["events"])
    if (e["player_id"] == player &&
        e["type"].get<std::string>().find("payment_") != std::string::npos &&
        e["detail"]["kind"] == "payout")
      steps.push_back(e["type"]);
  CHECK(steps == std::vector<std::string>{
                     "activity.payment_requested", "activity.payment_approved",
                     "activity.payment_sent", "activity.payment_paid"});
}

TEST_CASE("a large withdrawal waits for review: approved it is paid, rejected it is "
          "released",
          "[cashier][withdrawal][review]") {
  auto f = withdrawal_server(1'000);
  auto [c, player] = funded_player(f, "walt", 10'000, true);
  auto big = withdraw(*c, 4'000);
  REQUIRE(big["status"] == "review");
  auto id = big["payment_id"].get<std::string>();
  CHECK(balance_of(*c) == 6'000);
  CHECK(c->request({{"type", "payments"}})["reserved"] == 4'000);
  // The queue shows it.
  auto queue = json::parse(f.http(reader_key).Get("/v1/withdrawals?status=review")->body);
  REQUIRE(queue["payments"].size() == 1);
  CHECK(queue["payments"][0]["payment_id"] == id);
  CHECK(f.http(reader_key).Get("/v1/withdrawals?status=bogus")->status == 400);
  // Roles and reasons.
  CHECK(decide(f, reader_key, id, "approve", R"({"reason":"ok"})")->status == 403);
  CHECK(decide(f, support_key, id, "approve", R"({"reason":"ok"})")->status == 403);
  auto no_reason = decide(f, admin_key, id, "approve", "{}");
  CHECK(no_reason->status == 400);
  auto approved =
      decide(f, admin_key, id, "approve", R"({"reason":"source of funds ok"})");
  REQUIRE(approved->status == 200);
  CHECK(json::parse(approved->body)["reviewer"] == "ops");
  REQUIRE(payment_push(*c, id, "paid"));
  CHECK(balance_of(*c) == 6'000);
  // Approving it again, or rejecting it now, is refused.
  auto again = decide(f, admin_key, id, "approve", R"({"reason":"twice"})");
  CHECK(again->status == 409);
  CHECK(code_of(again) == "not_reviewable");
  CHECK(decide(f, support_key, id, "reject", R"({"reason":"late"})")->status == 409);

  auto second = withdraw(*c, 2'500);
  REQUIRE(second["status"] == "review");
  auto id2 = second["payment_id"].get<std::string>();
  CHECK(balance_of(*c) == 3'500);
  auto rejected = decide(f, support_key, id2, "reject", R"({"reason":"bonus abuse"})");
  REQUIRE(rejected->status == 200);
  CHECK(json::parse(rejected->body)["status"] == "rejected");
  REQUIRE(payment_push(*c, id2, "rejected"));
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = balance_of(*c) == 6'000;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  CHECK(back);
  auto late = decide(f, admin_key, id2, "approve", R"({"reason":"changed my mind"})");
  CHECK(late->status == 409);
  CHECK(
      decide(f, admin_key, "pay_000000000000000000000000", "approve", R"({"reason":"x"})")
          ->status == 404);
  // Audited, with the reasons.
  auto audit = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  int approvals = 0, rejections = 0;
  for (auto& e : audit["entries"]) {
    if (e["action"] == "withdrawal.approve") ++approvals;
    if (e["action"] == "withdrawal.reject") ++rejections;
  }
  CHECK(approvals >= 2);
  CHECK(rejections >= 2);
}

TEST_CASE("the player cancels a withdrawal not yet sent, once", "[cashier][withdrawal]") {
  auto f = withdrawal_server(100);
  auto [c, player] = funded_player(f, "xena", 5'000, true);
  auto [other, other_reg] = f.register_player("yuri");
  auto w = withdraw(*c, 1'500);
  REQUIRE(w["status"] == "review");
  auto id = w["payment_id"].get<std::string>();
  auto theirs = other->request({{"type", "cancel_withdrawal"}, {"payment_id", id}});
  CHECK(theirs["code"] == "payment_not_found");
  auto cancelled = c->request({{"type", "cancel_withdrawal"}, {"payment_id", id}});
  REQUIRE(cancelled["type"] == "payment");
  CHECK(cancelled["status"] == "cancelled");
  auto twice = c->request({{"type", "cancel_withdrawal"}, {"payment_id", id}});
  CHECK(twice["code"] == "not_cancellable");
  auto unknown = c->request({{"type", "cancel_withdrawal"}, {"payment_id", "pay_x"}});
  CHECK(unknown["code"] == "payment_not_found");
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = balance_of(*c) == 5'000;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  CHECK(back);
  // A cancelled withdrawal is not approved afterwards.
  CHECK(decide(f, admin_key, id, "approve", R"({"reason":"x"})")->status == 409);
}

TEST_CASE("a payout the provider declines or fails gives the reservation back",
          "[cashier][withdrawal]") {
  auto f = withdrawal_server(5'000);
  auto [c, player] = funded_player(f, "zoe", 5'000, true);
  auto declined = withdraw(*c, 1'000, "decline-w");
  auto id = declined["payment_id"].get<std::string>();
  auto push = payment_push(*c, id, "failed");
  REQUIRE(push);
  CHECK((*push)["reason"] == "declined_by_issuer");
  auto failed = withdraw(*c, 1'000, "fail-w");
  REQUIRE(payment_push(*c, failed["payment_id"], "failed"));
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = balance_of(*c) == 5'000;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  CHECK(back);
  // Two withdrawal entries and two releases in the ledger.
  auto ledger = json::parse(
      f.http(reader_key).Get("/v1/players/" + std::to_string(player) + "/ledger")->body);
  int out = 0, released = 0;
  for (auto& e : ledger["entries"]) {
    if (e["kind"] == "withdrawal") ++out;
    if (e["kind"] == "deposit" &&
        e["tx_id"].get<std::string>().find(":release") != std::string::npos)
      ++released;
  }
  CHECK(out == 2);
  CHECK(released == 2);
}

TEST_CASE("bad withdrawal requests are refused with documented codes and change nothing",
          "[cashier][withdrawal][input]") {
  auto f = withdrawal_server(5'000);
  auto [c, player] = funded_player(f, "abe", 2'000, true);
  auto code = [&](json req) {
    req["type"] = "withdraw";
    auto r = c->request(req);
    return r["type"] == "error" ? r["code"].get<std::string>() : std::string{"accepted"};
  };
  CHECK(code({{"amount", 5'000}, {"provider", "sandbox"}, {"instrument", "card"}}) ==
        "insufficient_funds");
  CHECK(code({{"amount", 100}, {"provider", "nosuch"}, {"instrument", "card"}}) ==
        "unknown_provider");
  CHECK(code({{"amount", -5}, {"provider", "sandbox"}, {"instrument", "card"}}) ==
        "invalid_field");
  CHECK(code({{"amount", "100"}, {"provider", "sandbox"}, {"instrument", "card"}}) ==
        "invalid_field");
  CHECK(code({{"amount", 100}, {"provider", "sandbox"}, {"instrument", ""}}) ==
        "invalid_instrument");
  CHECK(code({{"amount", 100},
              {"provider", "sandbox"},
              {"instrument", "card"},
              {"currency", "USD"}}) == "invalid_currency");
  CHECK(balance_of(*c) == 2'000);
  auto list = c->request({{"type", "payments"}});
  CHECK(list["reserved"] == 0);
  // The one over the balance is on record as failed; nothing else was recorded.
  int payouts = 0;
  for (auto& p : list["payments"])
    if (p["kind"] == "payout") {
      ++payouts;
      CHECK(p["status"] == "failed");
      CHECK(p["reason"] == "insufficient_funds");
    }
  CHECK(payouts == 1);
}

TEST_CASE("the risk and bonus gates refuse or hold a withdrawal before approval",
          "[cashier][withdrawal][gates]") {
  // The gates answer by the amount: 13 refused by risk, 17 by the bonus rule, 19 not
  // answered at all (held for review).
  auto risk = std::make_shared<caf::actor>();
  auto bonus = std::make_shared<caf::actor>();
  node_hooks hooks;
  hooks.risk_gate = [risk] { return *risk; };
  hooks.bonus_gate = [bonus] { return *bonus; };
  auto f = withdrawal_server(5'000, hooks, 1'000);
  *risk = f.sys.spawn(gate, int64_t{13}, std::string{"linked_accounts"});
  *bonus = f.sys.spawn(gate, int64_t{17}, std::string{"wagering_open"});
  auto [c, player] = funded_player(f, "gus", 1'000, true);
  auto r = withdraw(*c, 13);
  CHECK(r["code"] == "risk_refused");
  r = withdraw(*c, 17);
  CHECK(r["code"] == "bonus_refused");
  r = withdraw(*c, 50);
  CHECK(r["status"] == "approved");
  // A gate that does not answer holds it for review.
  r = withdraw(*c, 19);
  CHECK(r["status"] == "review");
  CHECK(r["reason"] == "gate_unavailable");
  auto list = c->request({{"type", "payments"}});
  std::vector<std::string> reasons;
  for (auto& p : list["payments"])
    if (p["status"] == "rejected") reasons.push_back(p["reason"]);
  CHECK(reasons ==
        std::vector<std::string>{"bonus:wagering_open", "risk:linked_accounts"});
  caf::anon_send_exit(*risk, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(*bonus, caf::exit_reason::user_shutdown);
}
