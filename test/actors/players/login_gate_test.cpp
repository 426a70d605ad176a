// The parts of the login gate that decide, without actors or time of their own: the
// fair queue serves addresses in turn, keeps its bounds and, when full, makes room for
// a newcomer at the expense of the key worst off; the guard counts failed
// logins per address in a draining bucket, bans at its maximum and groups IPv6 by /64;
// the lockout policy locks an account out at every Nth failure for a doubling time.

#include "actors/players/account_service.hpp"
#include "actors/players/fair_queue.hpp"
#include "actors/players/login_guard.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace agg;

namespace {

using queue = fair_queue<std::string>;
constexpr auto first = queue::lane::first;
constexpr auto second = queue::lane::second;

std::vector<std::string> drain(queue& q) {
  std::vector<std::string> out;
  while (!q.empty())
    out.push_back(q.pop());
  return out;
}

} // namespace

TEST_CASE("the fair queue serves its keys in turn", "[login]") {
  queue q{100, 10};
  for (auto job : {"a1", "a2", "a3", "a4"})
    REQUIRE(q.push("A", first, job).result == queue::admit::ok);
  REQUIRE(q.push("B", first, "b1").result == queue::admit::ok);
  REQUIRE(q.push("C", first, "c1").result == queue::admit::ok);
  REQUIRE(q.push("C", first, "c2").result == queue::admit::ok);
  CHECK(q.size() == 7);
  CHECK(q.waiting("A") == 4);
  // B's only job waits behind one of A's, not behind all four.
  CHECK(drain(q) == std::vector<std::string>{"a1", "b1", "c1", "a2", "c2", "a3", "a4"});
  CHECK(q.waiting("A") == 0);
}

TEST_CASE("the first lane is served before the second", "[login]") {
  queue q{100, 10};
  q.push("suspect", second, "s1");
  q.push("suspect", second, "s2");
  q.push("honest", first, "h1");
  q.push("other", first, "o1");
  q.push("flood", first, "f1");
  q.push("flood", first, "f2");
  // A key takes the lane of its newest job, all its jobs with it.
  q.push("flood", second, "f3");
  CHECK(drain(q) == std::vector<std::string>{"h1", "o1", "s1", "f1", "s2", "f2", "f3"});
  q.push("suspect", first, "s4");
  q.push("honest", second, "h2");
  CHECK(drain(q) == std::vector<std::string>{"s4", "h2"});
}

TEST_CASE("the fair queue is bounded in all and per key", "[login]") {
  queue q{3, 2};
  CHECK(q.push("A", first, "a1").result == queue::admit::ok);
  CHECK(q.push("A", first, "a2").result == queue::admit::ok);
  CHECK(q.push("A", first, "a3").result == queue::admit::key_full);
  CHECK(q.push("B", first, "b1").result == queue::admit::ok);
  CHECK(q.size() == 3);
  // Full, and nobody is worse off than B would be with two (A has two, not three).
  auto b = q.push("B", first, "b2");
  CHECK(b.result == queue::admit::full);
  CHECK_FALSE(b.evicted);
  CHECK(q.size() == 3);
  q.pop();
  CHECK(q.push("B", first, "b2").result == queue::admit::ok);
}

TEST_CASE("a full queue makes room for a newcomer at the expense of the worst off",
          "[login]") {
  queue q{4, 4};
  q.push("flood", first, "f1");
  q.push("flood", first, "f2");
  q.push("flood", first, "f3");
  q.push("other", first, "o1");
  // The flood holds three: its newest makes room.
  auto n = q.push("newcomer", first, "n1");
  CHECK(n.result == queue::admit::ok);
  REQUIRE(n.evicted);
  CHECK(*n.evicted == "f3");
  // Now two of the flood, one other, one newcomer: nobody has two more than a
  // newcomer's none... but the flood has exactly two more: it gives way again.
  auto m = q.push("second", first, "s1");
  REQUIRE(m.evicted);
  CHECK(*m.evicted == "f2");
  // Keys in the second lane give way before any in the first, even with fewer jobs.
  queue r{2, 4};
  r.push("first-lane", first, "a1");
  r.push("suspect", second, "s1");
  auto x = r.push("newcomer", first, "n1");
  REQUIRE(x.evicted);
  CHECK(*x.evicted == "s1");
  CHECK(drain(r) == std::vector<std::string>{"a1", "n1"});
  // A second-lane newcomer does not push out a first-lane key with as few jobs.
  queue t{1, 4};
  t.push("honest", first, "h1");
  CHECK(t.push("suspect", second, "s1").result == queue::admit::full);
}

TEST_CASE("an address's failed logins drain over the window and ban at the maximum",
          "[login]") {
  login_guard_options o;
  o.failures_max = 5;
  o.suspect_failures = 2;
  o.window_us = 100'000'000; // 5 failures drain in 100 s: one every 20 s
  o.ban_us = 60'000'000;
  login_guard g{o};
  int64_t t = 1'000'000'000;
  CHECK_FALSE(g.suspect("10.0.0.1", t));
  CHECK_FALSE(g.failure("10.0.0.1", t));
  CHECK_FALSE(g.suspect("10.0.0.1", t));
  CHECK_FALSE(g.failure("10.0.0.1", t));
  CHECK(g.suspect("10.0.0.1", t));
  // Forty seconds drain two failures.
  CHECK_FALSE(g.suspect("10.0.0.1", t + 40'000'000));
  for (int i = 0; i < 4; ++i)
    CHECK_FALSE(g.failure("10.0.0.1", t + 40'000'000));
  CHECK(g.banned_until("10.0.0.1", t + 40'000'000) == 0);
  CHECK(g.failure("10.0.0.1", t + 40'000'000));
  CHECK(g.banned_until("10.0.0.1", t + 40'000'001) == t + 100'000'000);
  CHECK(g.banned_until("10.0.0.2", t + 40'000'001) == 0);
  // Failures during the ban do not extend it; afterwards the address starts afresh.
  CHECK_FALSE(g.failure("10.0.0.1", t + 50'000'000));
  CHECK(g.banned_until("10.0.0.1", t + 100'000'000) == 0);
  CHECK_FALSE(g.suspect("10.0.0.1", t + 100'000'000));
}

TEST_CASE("IPv6 addresses count by their /64, IPv4-mapped ones as IPv4", "[login]") {
  CHECK(login_guard::address_key("10.1.2.3") == "10.1.2.3");
  CHECK(login_guard::address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  CHECK(login_guard::address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64");
  CHECK(login_guard::address_key("::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(login_guard::address_key("operator") == "operator");
  login_guard_options o;
  o.failures_max = 2;
  login_guard g{o};
  g.failure("2001:db8:1:2::1", 0);
  CHECK(g.failure("2001:db8:1:2::2", 0));
  CHECK(g.banned_until("2001:db8:1:2:ffff::", 1) > 0);
  CHECK(g.banned_until("2001:db8:1:3::1", 1) == 0);
}

TEST_CASE("the guard forgets drained addresses when full, and new ones wait behind",
          "[login]") {
  login_guard_options o;
  o.failures_max = 10;
  o.suspect_failures = 5;
  o.window_us = 10'000'000;
  o.addresses_max = 2;
  login_guard g{o};
  g.failure("a", 0);
  g.failure("b", 0);
  CHECK(g.tracked() == 2);
  // Full: an address never seen is a suspect until there is room.
  CHECK(g.suspect("c", 1));
  // Once the two have drained, a new failure makes room by forgetting them.
  g.failure("c", 20'000'000);
  CHECK(g.tracked() == 1);
  CHECK_FALSE(g.suspect("d", 20'000'000));
}

TEST_CASE("every Nth failed login locks the account out, each time twice as long",
          "[login]") {
  lockout_policy p;
  p.failures_max = 3;
  p.base_us = 10;
  p.max_us = 50;
  CHECK(p.locked_out_until(1, 1000) == 0);
  CHECK(p.locked_out_until(2, 1000) == 0);
  CHECK(p.locked_out_until(3, 1000) == 1010);
  CHECK(p.locked_out_until(4, 1000) == 0);
  CHECK(p.locked_out_until(6, 1000) == 1020);
  CHECK(p.locked_out_until(9, 1000) == 1040);
  CHECK(p.locked_out_until(12, 1000) == 1050); // capped
  CHECK(p.locked_out_until(300, 1000) == 1050);
}
