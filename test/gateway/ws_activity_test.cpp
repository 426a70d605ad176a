// Account actions that move no money are activity events, durable before the client
// has its answer: each with the client's address (the forwarded one behind a trusted
// proxy) and the device it described.

#include "persistence/event_log.hpp"
#include "support/server_fixture.hpp"

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

// Every activity record committed so far, in order.
std::vector<activity_record> activities(server_fixture& f) {
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  std::vector<activity_record> out;
  for (auto& e : event_log{conn}.after(0, 100'000))
    if (!e.is_money &&
        e.activity.kind != static_cast<uint8_t>(activity_kind::chain_checkpoint))
      out.push_back(e.activity);
  return out;
}

std::string kind_of(const activity_record& a) {
  return to_string(static_cast<activity_kind>(a.kind));
}

json detail_of(const activity_record& a) {
  return json::parse(a.detail);
}

const json device = {{"id", "fp-7f3a"},
                     {"user_agent", "Mozilla/5.0 test"},
                     {"platform", "Linux x86_64"},
                     {"screen", "1920x1080"},
                     {"timezone", "Europe/Malta"},
                     {"language", "en-GB"}};

} // namespace

TEST_CASE("account actions are activity events with address and device, recorded "
          "before the answer",
          "[ws][activity]") {
  server_fixture f{[](server_options& o) {
    o.trusted_proxies = {"127.0.0.1"};
    o.login_lockout_failures = 2;
  }};
  // Through the trusted proxy (127.0.0.1): the forwarded client is the address.
  auto c = f.connect("127.0.0.1", "10.9.9.9, 203.0.113.7");
  auto reg = c->request({{"type", "register"},
                         {"username", "alice"},
                         {"password", "correct horse battery"},
                         {"currency", "EUR"},
                         {"device", device}});
  REQUIRE(reg["type"] == "registered");
  auto player = reg["player_id"].get<int64_t>();
  auto acts = activities(f);
  REQUIRE(acts.size() == 1);
  CHECK(kind_of(acts[0]) == "registered");
  CHECK(acts[0].player_id == player);
  CHECK(acts[0].address == "203.0.113.7");
  CHECK(acts[0].device.id == "fp-7f3a");
  CHECK(acts[0].device.timezone == "Europe/Malta");
  CHECK(detail_of(acts[0])["username"] == "alice");

  // Not through a proxy: the header is ignored.
  auto other = f.connect("127.0.0.2", "198.51.100.1");
  for (int i = 0; i < 2; ++i) {
    auto bad = other->request(
        {{"type", "login"}, {"username", "alice"}, {"password", "wrong password!"}});
    REQUIRE(bad["type"] == "error");
  }
  acts = activities(f);
  REQUIRE(acts.size() == 4);
  CHECK(kind_of(acts[1]) == "login_failed");
  CHECK(acts[1].address == "127.0.0.2");
  CHECK(acts[1].player_id == player);
  CHECK(detail_of(acts[1])["reason"] == "invalid_credentials");
  CHECK(kind_of(acts[2]) == "login_failed");
  CHECK(kind_of(acts[3]) == "locked_out");
  CHECK(detail_of(acts[3])["until_us"].get<int64_t>() > 0);
  // A login for nobody is recorded without a player.
  auto nobody = other->request(
      {{"type", "login"}, {"username", "nobody"}, {"password", "wrong password!"}});
  REQUIRE(nobody["type"] == "error");
  acts = activities(f);
  REQUIRE(acts.size() == 5);
  CHECK(acts[4].player_id == 0);
  CHECK(detail_of(acts[4])["username"] == "nobody");

  // The owner's known address is not held back by the lockout.
  auto c2 = f.connect("127.0.0.1", "203.0.113.7");
  auto login = c2->request({{"type", "login"},
                            {"username", "alice"},
                            {"password", "correct horse battery"},
                            {"device", {{"id", "fp-phone"}}}});
  REQUIRE(login["type"] == "logged_in");
  acts = activities(f);
  REQUIRE(acts.size() == 6);
  CHECK(kind_of(acts[5]) == "logged_in");
  CHECK(acts[5].device.id == "fp-phone");

  auto c3 = f.connect();
  auto resumed = c3->request(
      {{"type", "resume"}, {"token", reg["token"]}, {"device", {{"id", "fp-tab"}}}});
  REQUIRE(resumed["type"] == "resumed");
  acts = activities(f);
  REQUIRE(acts.size() == 7);
  CHECK(kind_of(acts[6]) == "resumed");
  CHECK(acts[6].device.id == "fp-tab");
  CHECK(acts[6].address == "127.0.0.1");

  REQUIRE(c2->request({{"type", "logout"}})["type"] == "logged_out");
  acts = activities(f);
  REQUIRE(acts.size() == 8);
  CHECK(kind_of(acts[7]) == "logged_out");
  CHECK(acts[7].device.id == "fp-phone");

  // An operator's lock and unlock name the key.
  auto bob = f.register_player("bob").second["player_id"].get<int64_t>();
  auto path = "/v1/players/" + std::to_string(bob);
  REQUIRE(f.http().Post(path + "/lock", "{}", "application/json")->status == 200);
  REQUIRE(f.http().Post(path + "/unlock", "{}", "application/json")->status == 200);
  acts = activities(f);
  REQUIRE(acts.size() == 11);
  CHECK(kind_of(acts[9]) == "locked");
  CHECK(acts[9].address == "operator:ops");
  CHECK(acts[9].player_id == bob);
  CHECK(kind_of(acts[10]) == "unlocked");

  REQUIRE(c->request({{"type", "self_exclude"}})["type"] == "self_excluded");
  acts = activities(f);
  REQUIRE(acts.size() == 12);
  CHECK(kind_of(acts[11]) == "self_excluded");
  CHECK(acts[11].player_id == player);
  CHECK(acts[11].address == "203.0.113.7");
  // Each record is in the global order with its hash; the chain verifies.
  c.reset();
  CHECK(f.verify().ok);
}

TEST_CASE("a malformed device is refused with invalid_field", "[ws][activity]") {
  server_fixture f;
  auto c = f.connect();
  auto with_device = [&](const json& d) {
    return c->request({{"type", "register"},
                       {"username", "carol"},
                       {"password", "correct horse battery"},
                       {"currency", "EUR"},
                       {"device", d}});
  };
  for (const auto& d :
       {json("fp"), json{{"id", std::string(129, 'x')}}, json{{"platform", 7}},
        json{{"language", std::string(36, 'e')}}}) {
    auto r = with_device(d);
    REQUIRE(r["type"] == "error");
    CHECK(r["code"] == "invalid_field");
  }
  CHECK(with_device({{"id", std::string(128, 'x')}})["type"] == "registered");
  // A login with a malformed device fails alone: the connection logs in next.
  auto other = f.connect();
  auto login = [&](const json& d) {
    return other->request({{"type", "login"},
                           {"username", "carol"},
                           {"password", "correct horse battery"},
                           {"device", d}});
  };
  CHECK(login({{"id", 5}})["code"] == "invalid_field");
  CHECK(login({{"timezone", std::string(100, 'z')}})["code"] == "invalid_field");
  CHECK(login({{"id", "fp-ok"}})["type"] == "logged_in");
}
