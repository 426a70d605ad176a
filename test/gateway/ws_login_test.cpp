// Login floods cannot lock honest players out. Over real WebSocket connections from
// several loopback addresses (127.0.0.x): failed logins block their address, not
// others; an account locks itself out with a retry time, but not for the addresses
// its owner logged in from, and the owner is told of the failures; password work is
// served per address in turn, so a flood from one address does not stand between
// another address's login and its hash; and beyond the bounded queue a login is
// refused at once.

#include "persistence/event_log.hpp"
#include "support/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

const std::string password = "correct horse battery";

json login(ws_client& c, const std::string& username, const std::string& pw) {
  return c.request({{"type", "login"}, {"username", username}, {"password", pw}},
                   seconds{30});
}

int64_t wall_us() {
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void register_from(server_fixture& f, const std::string& from,
                   const std::string& username) {
  auto c = f.connect(from);
  auto r = c->request({{"type", "register"},
                       {"username", username},
                       {"password", password},
                       {"currency", "EUR"}},
                      seconds{30});
  REQUIRE(r["type"] == "registered");
}

} // namespace

TEST_CASE("failed logins block their address, and only theirs", "[ws][login]") {
  server_fixture f{[](server_options& o) {
    o.login_address_failures_max = 3;
    o.login_lockout_failures = 1'000;
  }};
  register_from(f, "127.0.0.5", "victor");
  auto attacker = f.connect("127.0.0.2");
  for (int i = 0; i < 3; ++i)
    CHECK(login(*attacker, "victor", "wrong password " + std::to_string(i))["code"] ==
          "invalid_credentials");
  auto before = wall_us();
  auto blocked = login(*attacker, "victor", password);
  CHECK(blocked["code"] == "address_blocked");
  CHECK(blocked["retry_at_us"].get<int64_t>() > before);
  // A new connection from the same address fares no better.
  auto again = f.connect("127.0.0.2");
  CHECK(login(*again, "someone", "whatever it is")["code"] == "address_blocked");
  auto honest = f.connect("127.0.0.3");
  CHECK(login(*honest, "victor", password)["type"] == "logged_in");
  CHECK(f.metric("agg_login_address_bans_total") == 1);
  CHECK(f.metric("agg_login_failures_total") == 3);
  CHECK(f.metric(R"(agg_login_refused_total{reason="address_blocked"})") == 2);
  // The block is one activity event, recorded before the third failure was answered;
  // the refusals after it are counted, not recorded.
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  int blocks = 0, failures = 0;
  for (auto& e : event_log{conn}.after(0, 1'000)) {
    if (e.is_money) continue;
    auto kind = static_cast<activity_kind>(e.activity.kind);
    if (kind == activity_kind::address_blocked) {
      ++blocks;
      CHECK(e.activity.address == "127.0.0.2");
      CHECK(json::parse(e.activity.detail)["until_us"].get<int64_t>() > before);
    }
    if (kind == activity_kind::login_failed) ++failures;
  }
  CHECK(blocks == 1);
  CHECK(failures == 3);
}

TEST_CASE("a locked-out account still lets its owner in from a known address, and "
          "tells why",
          "[ws][login]") {
  server_fixture f{[](server_options& o) {
    o.login_lockout_failures = 3;
    o.login_lockout_base_ms = 600'000;
    o.login_address_failures_max = 1'000;
  }};
  register_from(f, "127.0.0.4", "olivia");
  auto attacker = f.connect("127.0.0.2");
  CHECK(login(*attacker, "olivia", "guess one")["code"] == "invalid_credentials");
  CHECK(login(*attacker, "olivia", "guess two")["code"] == "invalid_credentials");
  auto before = wall_us();
  auto third = login(*attacker, "olivia", "guess three");
  CHECK(third["code"] == "account_locked_out");
  auto until = third["retry_at_us"].get<int64_t>();
  CHECK(until >= before + 600'000'000);
  // Even the right password is refused from an address the owner never used ...
  auto stranger = f.connect("127.0.0.3");
  auto refused = login(*stranger, "olivia", password);
  CHECK(refused["code"] == "account_locked_out");
  CHECK(refused["retry_at_us"] == until);
  // ... but not from the one the account was registered from, and the owner hears of
  // the three failures.
  auto owner = f.connect("127.0.0.4");
  auto in = login(*owner, "olivia", password);
  REQUIRE(in["type"] == "logged_in");
  CHECK(in["failed_logins"]["count"] == 3);
  CHECK(in["failed_logins"]["last_at_us"].get<int64_t>() >= before);
  CHECK(f.metric("agg_login_account_lockouts_total") == 1);
  // The owner's login ended the lockout and the count.
  auto later = f.connect("127.0.0.3");
  auto next = login(*later, "olivia", password);
  CHECK(next["type"] == "logged_in");
  CHECK_FALSE(next.contains("failed_logins"));
}

TEST_CASE("a flood from one address does not stand between another address's login "
          "and its hash",
          "[ws][login]") {
  server_fixture f{[](server_options& o) {
    o.account_workers = 1; // one hash at a time: the order of service is visible
    o.password_ops_limit = 3;
    o.password_mem_kib = 32 * 1024; // slow enough that the queue fills meanwhile
    o.login_queue_per_address_max = 4;
    o.login_address_failures_max = 1'000;
    o.login_suspect_failures = 1'000;
    o.login_lockout_failures = 1'000;
  }};
  register_from(f, "127.0.0.3", "hannah");
  constexpr int flood = 5; // one in the worker, four waiting: the address's maximum
  std::vector<std::unique_ptr<ws_client>> attackers;
  for (int i = 0; i < flood; ++i)
    attackers.push_back(f.connect("127.0.0.2"));
  auto honest = f.connect("127.0.0.3");
  std::vector<steady_clock::time_point> answered(flood);
  std::vector<json> replies(flood);
  std::vector<std::thread> threads;
  for (int i = 0; i < flood; ++i)
    threads.emplace_back([&, i] {
      replies[static_cast<size_t>(i)] =
          login(*attackers[static_cast<size_t>(i)], "nobody" + std::to_string(i),
                "not the password");
      answered[static_cast<size_t>(i)] = steady_clock::now();
    });
  REQUIRE(wait_until([&] { return f.metric("agg_login_queue_length") == flood - 1; }));
  auto in = login(*honest, "hannah", password);
  auto honest_at = steady_clock::now();
  for (auto& t : threads)
    t.join();
  REQUIRE(in["type"] == "logged_in");
  int before_honest = 0;
  for (int i = 0; i < flood; ++i) {
    CHECK(replies[static_cast<size_t>(i)]["code"] == "invalid_credentials");
    if (answered[static_cast<size_t>(i)] < honest_at) ++before_honest;
  }
  // The one hashing when it came, and the flood's next: served in turn, the honest
  // login came third of six, not sixth.
  CHECK(before_honest <= 2);
}

TEST_CASE("beyond the login queue a login is refused at once", "[ws][login]") {
  server_fixture f{[](server_options& o) {
    o.account_workers = 1;
    o.password_ops_limit = 3;
    o.password_mem_kib = 32 * 1024;
    o.login_queue_len_max = 2;
    o.login_queue_per_address_max = 2;
    o.login_address_failures_max = 1'000;
    o.login_lockout_failures = 1'000;
  }};
  constexpr int tries = 6;
  std::vector<std::unique_ptr<ws_client>> conns;
  for (int i = 0; i < tries; ++i)
    conns.push_back(f.connect("127.0.0.2"));
  std::vector<json> replies(tries);
  std::vector<steady_clock::time_point> answered(tries);
  std::vector<std::thread> threads;
  for (int i = 0; i < tries; ++i)
    threads.emplace_back([&, i] {
      replies[static_cast<size_t>(i)] =
          login(*conns[static_cast<size_t>(i)], "user" + std::to_string(i), "a password");
      answered[static_cast<size_t>(i)] = steady_clock::now();
    });
  for (auto& t : threads)
    t.join();
  std::vector<steady_clock::time_point> refused, hashed;
  for (int i = 0; i < tries; ++i) {
    const auto& r = replies[static_cast<size_t>(i)];
    if (r["code"] == "rate_limited") {
      CHECK(r.contains("retry_at_us"));
      refused.push_back(answered[static_cast<size_t>(i)]);
    } else {
      CHECK(r["code"] == "invalid_credentials");
      hashed.push_back(answered[static_cast<size_t>(i)]);
    }
  }
  // One hashing and two waiting at most; the rest were refused before the first hash
  // was done.
  CHECK(hashed.size() <= 3);
  REQUIRE(refused.size() >= 3);
  CHECK(*std::max_element(refused.begin(), refused.end()) <
        *std::min_element(hashed.begin(), hashed.end()));
  CHECK(f.metric(R"(agg_login_refused_total{reason="queue_full"})") ==
        static_cast<int64_t>(refused.size()));
}
