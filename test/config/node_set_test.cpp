#include "config/node_set.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace agg;

namespace {

cluster_config three_cores(const std::string& self = "core-0") {
  cluster_config c;
  c.node = self;
  c.nodes = {"core-0=core@127.0.0.1:7100", "core-1=core@127.0.0.1:7101",
             "core-2=core@127.0.0.1:7102", "edge-0=edge@127.0.0.1:7110"};
  return c;
}

} // namespace

TEST_CASE("node set: entries, names and roles are checked") {
  node_set s;
  auto c = three_cores();
  REQUIRE_FALSE(node_set::parse(c, s));
  CHECK(s.nodes().size() == 4);
  CHECK(s.self().name == "core-0");
  CHECK(s.find("edge-0")->role == node_role::edge);
  CHECK(s.find("edge-0")->port == 7110);
  auto bad = [](cluster_config x) {
    node_set out;
    return node_set::parse(x, out).value_or("");
  };
  auto x = c;
  x.node = "core-9";
  CHECK(bad(x).find("not in cluster.nodes") != std::string::npos);
  x = c;
  x.nodes.push_back("core-0=core@127.0.0.1:7200");
  CHECK(bad(x).find("appears twice") != std::string::npos);
  x = c;
  x.nodes.push_back("core-5=core@127.0.0.1:7100");
  CHECK(bad(x).find("appears twice") != std::string::npos);
  x = c;
  x.nodes.push_back("core-5=primary@127.0.0.1:7105");
  CHECK(bad(x).find("is not name=") != std::string::npos);
  x = c;
  x.nodes.push_back("Core_5=core@127.0.0.1:7105");
  CHECK(bad(x).find("is not name=") != std::string::npos);
  x = c;
  x.nodes.push_back("core-5=core@127.0.0.1:99999");
  CHECK(bad(x).find("is not name=") != std::string::npos);
  x = c;
  x.nodes = {"edge-0=edge@127.0.0.1:7110"};
  x.node = "edge-0";
  CHECK(bad(x).find("at least one node must be a core") != std::string::npos);
  x = c;
  x.connection_timeout_ms = x.heartbeat_ms;
  CHECK(bad(x).find("connection_timeout_ms") != std::string::npos);
  x = c;
  x.epoch = 0;
  CHECK(bad(x).find("epoch") != std::string::npos);
}

TEST_CASE("node set: the digest is the set's, in any order, and changes with the epoch") {
  node_set a, b, c2;
  auto c = three_cores();
  REQUIRE_FALSE(node_set::parse(c, a));
  auto reordered = three_cores("core-2");
  std::reverse(reordered.nodes.begin(), reordered.nodes.end());
  REQUIRE_FALSE(node_set::parse(reordered, b));
  CHECK(a.digest() == b.digest());
  auto later = c;
  later.epoch = 2;
  REQUIRE_FALSE(node_set::parse(later, c2));
  CHECK(c2.digest() != a.digest());
  auto moved = c;
  moved.nodes[1] = "core-1=core@127.0.0.1:7201";
  REQUIRE_FALSE(node_set::parse(moved, c2));
  CHECK(c2.digest() != a.digest());
}

TEST_CASE("node set: every node agrees on each player's owner, a core, spread evenly") {
  std::vector<node_set> views(3);
  for (int i = 0; i < 3; ++i)
    REQUIRE_FALSE(node_set::parse(three_cores("core-" + std::to_string(i)), views[i]));
  std::map<std::string, int> shard;
  for (int64_t p = 1; p <= 30'000; ++p) {
    const auto& owner = views[0].owner_of(p);
    CHECK(views[1].owner_of(p) == owner);
    CHECK(views[2].owner_of(p) == owner);
    CHECK(owner.rfind("core-", 0) == 0);
    ++shard[owner];
  }
  REQUIRE(shard.size() == 3);
  for (const auto& [name, count] : shard) {
    INFO(name);
    CHECK(count > 9'000);
    CHECK(count < 11'000);
  }
  int owned = 0;
  for (int64_t p = 1; p <= 300; ++p)
    owned += views[1].owns(p) ? 1 : 0;
  CHECK(owned > 60);
  CHECK(owned < 140);
  // Usernames: case does not matter (the accounts table compares without case).
  CHECK(views[0].owner_of_username("Alice") == views[2].owner_of_username("alice"));
}

TEST_CASE("node set: a fourth core moves only about a quarter of the players") {
  node_set three, four;
  REQUIRE_FALSE(node_set::parse(three_cores(), three));
  auto c = three_cores();
  c.nodes.push_back("core-3=core@127.0.0.1:7103");
  c.epoch = 2;
  REQUIRE_FALSE(node_set::parse(c, four));
  int moved = 0;
  for (int64_t p = 1; p <= 20'000; ++p) {
    if (three.owner_of(p) == four.owner_of(p)) continue;
    ++moved;
    CHECK(four.owner_of(p) == "core-3"); // rendezvous: only to the new node
  }
  CHECK(moved > 4'000);
  CHECK(moved < 6'000);
}

TEST_CASE("node set: an edge pattern admits a Deployment's pods, and only edges") {
  cluster_config c;
  c.node = "edge-7d9f8c-x2k4q";
  c.nodes = {"core-0=core@core-0.core:4242", "core-1=core@core-1.core:4242",
             "edge-*=edge@*:4242"};
  node_set s;
  REQUIRE_FALSE(node_set::parse(c, s));
  CHECK(s.self().name == "edge-7d9f8c-x2k4q");
  CHECK(s.self().role == node_role::edge);
  CHECK(s.self().port == 4242);
  REQUIRE(s.find("edge-abc"));
  CHECK(s.find("edge-abc")->pattern());
  CHECK(s.find("core-0"));
  CHECK_FALSE(s.find("core-9"));
  CHECK_FALSE(s.find("edgy"));
  // Owners are cores only, whatever edges there are.
  for (int64_t p = 1; p < 100; ++p)
    CHECK(s.owner_of(p).rfind("core-", 0) == 0);
  auto bad = [](cluster_config x) {
    node_set out;
    return node_set::parse(x, out).value_or("");
  };
  auto x = c;
  x.nodes[2] = "edge-*=core@*:4242"; // a core is never a pattern
  CHECK_FALSE(bad(x).empty());
  x.nodes[2] = "edge-*=edge@10.0.0.1:4242"; // a pattern has no address
  CHECK_FALSE(bad(x).empty());
  x.nodes[2] = "edge-1=edge@*:4242"; // and an address is not a pattern
  CHECK_FALSE(bad(x).empty());
  x = c;
  x.node = "other-1";
  CHECK(bad(x).find("not in cluster.nodes") != std::string::npos);
}
