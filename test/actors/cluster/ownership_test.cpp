// A core node writes only its own players: its ledger writer refuses another node's
// (not_owner, nothing written), new players get ids it owns, and a data directory
// stays the shard of the node and epoch it ran under.

#include "persistence/account_store.hpp"
#include "persistence/cluster_identity.hpp"
#include "persistence/schema.hpp"
#include "support/node_fixture.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;

namespace {

cluster_config two_cores(const std::string& self) {
  cluster_config c;
  c.node = self;
  c.nodes = {"core-0=core@127.0.0.1:7300", "core-1=core@127.0.0.1:7301"};
  return c;
}

} // namespace

TEST_CASE("ownership: the writer of a core refuses a player another core owns") {
  node_set set;
  REQUIRE_FALSE(node_set::parse(two_cores("core-0"), set));
  int64_t mine = 0, theirs = 0;
  for (int64_t p = 1; (mine == 0 || theirs == 0) && p < 1'000; ++p) {
    auto& slot = set.owns(p) ? mine : theirs;
    if (slot == 0) slot = p;
  }
  REQUIRE(mine > 0);
  REQUIRE(theirs > 0);
  node_fixture f{[](server_options& o) { o.cluster = two_cores("core-0"); }};
  auto ok = f.call(deposit(mine, "d-mine", 1'000));
  CHECK(ok.ok());
  auto refused = f.call(deposit(theirs, "d-theirs", 1'000));
  CHECK(refused.error == wallet_errc::not_owner);
  // A retry is refused the same way: nothing of it was kept.
  CHECK(f.call(deposit(theirs, "d-theirs", 1'000)).error == wallet_errc::not_owner);
  auto conn = f.stop_and_open();
  auto st = conn.prepare("SELECT DISTINCT player_id FROM ledger");
  std::vector<int64_t> players;
  while (st.step())
    players.push_back(st.int64(0));
  CHECK(players == std::vector<int64_t>{mine});
}

TEST_CASE("ownership: new players get ids their node owns, in order") {
  temp_dir dir;
  auto conn = db::connection::open(dir.str() + "/a.db", db::open_mode::read_write_create);
  db::migrate(conn);
  node_set set;
  REQUIRE_FALSE(node_set::parse(two_cores("core-1"), set));
  account_store store{conn};
  store.pick_ids([&set](int64_t p) { return set.owns(p); });
  int64_t last = 0;
  for (int i = 0; i < 40; ++i) {
    account a;
    a.username = "player" + std::to_string(i);
    a.password_hash = "x";
    a.currency = "EUR";
    auto id = store.create(a);
    REQUIRE(id);
    CHECK(set.owns(*id));
    CHECK(*id > last);
    // No id skipped that this node owns.
    for (int64_t between = last + 1; between < *id; ++between)
      CHECK_FALSE(set.owns(between));
    last = *id;
  }
  account again;
  again.username = "PLAYER3"; // taken, whatever the case
  again.password_hash = "x";
  again.currency = "EUR";
  CHECK_FALSE(store.create(again));
}

TEST_CASE("ownership: a data directory is one node's shard, never an older epoch's") {
  temp_dir dir;
  auto conn = db::connection::open(dir.str() + "/a.db", db::open_mode::read_write_create);
  db::migrate(conn);
  CHECK_FALSE(db::claim_for_node(conn, "core-1", 2, "d2", 1));
  CHECK_FALSE(db::claim_for_node(conn, "core-1", 2, "d2", 2)); // a restart
  CHECK_FALSE(db::claim_for_node(conn, "core-1", 3, "d3", 3)); // a newer set
  auto other = db::claim_for_node(conn, "core-0", 3, "d3", 4);
  REQUIRE(other);
  CHECK(other->find("core-1") != std::string::npos);
  auto older = db::claim_for_node(conn, "core-1", 2, "d2", 5);
  REQUIRE(older);
  CHECK(older->find("epoch 3") != std::string::npos);
  // The node does not start on it.
  server_options o = test_options(dir);
  o.db_file = "a.db";
  o.cluster = two_cores("core-0");
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  CHECK_THROWS_WITH(node(sys, o), Catch::Contains("core-1"));
}
