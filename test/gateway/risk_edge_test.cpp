// Edge protection (docs/risk.md): address rules managed over the operator API (a
// denied client refused before the handshake, an allowed one spared, rules durable,
// audited and recorded as activity), registration velocity per address and per device,
// and credential stuffing from one address opening a case.

#include "support/server_fixture.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

std::function<void(server_options&)> edge_tuning(int64_t address_max = 20,
                                                 int64_t device_max = 8) {
  return [address_max, device_max](server_options& o) {
    o.trusted_proxies = {"127.0.0.1"};
    o.register_address_max = address_max;
    o.register_device_max = device_max;
    o.risk_stuffing_accounts = 5;
  };
}

bool connects(server_fixture& f, const std::string& client) {
  try {
    auto c = f.connect("", client);
    return c->request({{"type", "ping"}})["type"] == "pong";
  } catch (const std::exception&) {
    return false;
  }
}

httplib::Result rule(server_fixture& f, const std::string& key, const json& body) {
  return f.http(key).Post("/v1/risk/addresses", body.dump(), "application/json");
}

json register_from(server_fixture& f, const std::string& client, const std::string& name,
                   const std::string& device) {
  auto c = f.connect("", client);
  return c->request({{"type", "register"},
                     {"username", name},
                     {"password", "correct horse battery"},
                     {"currency", "EUR"},
                     {"device", {{"id", device}}}});
}

int count_events(server_fixture& f, const std::string& type) {
  auto res = f.http(reader_key).Get("/v1/events?after=0&limit=1000");
  int n = 0;
  auto page = json::parse(res->body);
  for (auto& e : page["events"])
    if (e["type"] == type) ++n;
  return n;
}

} // namespace

TEST_CASE("address rules: a denied client is refused before the handshake, an allowed "
          "one is not",
          "[risk][edge]") {
  auto f = server_fixture{edge_tuning()};
  CHECK(connects(f, "10.9.1.2"));
  CHECK(rule(f, support_key, {{"cidr", "10.9.0.0/16"}, {"action", "deny"}})->status ==
        403);
  auto bad = rule(f, admin_key, {{"cidr", "10.9.0.0/33"}, {"action", "deny"}});
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"]["code"] == "invalid_rule");
  CHECK(rule(f, admin_key, {{"cidr", "10.9.0.0/16"}, {"action", "block"}})->status ==
        400);
  auto set =
      rule(f, admin_key, {{"cidr", "10.9.7.7/16"}, {"action", "deny"}, {"note", "x"}});
  REQUIRE(set->status == 200);
  CHECK(json::parse(set->body)["cidr"] == "10.9.0.0/16");
  CHECK(!connects(f, "10.9.1.2"));
  CHECK(connects(f, "10.8.1.2"));
  CHECK(f.metric("agg_edge_refusals_total{reason=\"address_denied\"}") >= 1);
  // A more specific allow rule wins.
  REQUIRE(rule(f, admin_key, {{"cidr", "10.9.5.0/24"}, {"action", "allow"}})->status ==
          200);
  CHECK(connects(f, "10.9.5.1"));
  CHECK(!connects(f, "10.9.6.1"));
  auto list = json::parse(f.http(reader_key).Get("/v1/risk/addresses")->body);
  CHECK(list["rules"].size() == 2);
  // Removed: served again.
  auto gone = f.http(admin_key).Delete("/v1/risk/addresses?cidr=10.9.0.0/16");
  REQUIRE(gone->status == 200);
  CHECK(connects(f, "10.9.1.2"));
  auto missing = f.http(admin_key).Delete("/v1/risk/addresses?cidr=10.9.0.0/16");
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["error"]["code"] == "rule_not_found");
  CHECK(wait_until([&] { return count_events(f, "activity.address_rule_set") == 2; }));
  CHECK(
      wait_until([&] { return count_events(f, "activity.address_rule_removed") == 1; }));
  auto trail = json::parse(f.http(admin_key).Get("/v1/audit")->body);
  int audited = 0;
  for (auto& e : trail["entries"])
    if (e["action"] == "risk.address.set" || e["action"] == "risk.address.remove")
      ++audited;
  CHECK(audited >= 5);
}

TEST_CASE("registration velocity is limited per address and per device", "[risk][edge]") {
  auto f = server_fixture{edge_tuning(3, 2)};
  for (int i = 0; i < 3; ++i)
    CHECK(register_from(f, "10.1.1.1", "velo" + std::to_string(i),
                        "dev-v" + std::to_string(i))["type"] == "registered");
  auto refused = register_from(f, "10.1.1.1", "velo3", "dev-v3");
  CHECK(refused["code"] == "registrations_blocked");
  CHECK(refused["retry_at_us"].get<int64_t>() > 0);
  // One device from many addresses.
  CHECK(register_from(f, "10.1.2.1", "dev0", "dev-same")["type"] == "registered");
  CHECK(register_from(f, "10.1.2.2", "dev1", "dev-same")["type"] == "registered");
  CHECK(register_from(f, "10.1.2.3", "dev2", "dev-same")["code"] ==
        "registrations_blocked");
  CHECK(f.metric("agg_edge_refusals_total{reason=\"registration_velocity\"}") == 2);
  CHECK(
      wait_until([&] { return count_events(f, "activity.registrations_blocked") == 2; }));
  // An allowed address is not limited.
  REQUIRE(rule(f, admin_key, {{"cidr", "10.1.1.1"}, {"action", "allow"}})->status == 200);
  CHECK(register_from(f, "10.1.1.1", "velo4", "dev-v4")["type"] == "registered");
}

TEST_CASE("failed logins for many accounts from one address are a stuffing case",
          "[risk][edge]") {
  auto f = server_fixture{edge_tuning()};
  auto c = f.connect("", "10.2.2.2");
  for (int i = 0; i < 5; ++i) {
    auto r = c->request({{"type", "login"},
                         {"username", "victim" + std::to_string(i)},
                         {"password", "wrong password here"}});
    CHECK(r["code"] == "invalid_credentials");
  }
  json cases;
  REQUIRE(wait_until([&] {
    cases = json::parse(f.http(reader_key).Get("/v1/risk/cases")->body)["cases"];
    return !cases.empty();
  }));
  CHECK(cases.size() == 1);
  CHECK(cases[0]["kind"] == "stuffing");
  CHECK(cases[0]["subject"] == "address:10.2.2.2");
  CHECK(cases[0]["player_id"] == 0);
}
