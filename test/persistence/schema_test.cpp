// Proves the SQLite layer: WAL and synchronous=FULL on every writer connection,
// migrations that are idempotent, and a database from a newer build refused.

#include "persistence/ledger_rows.hpp"
#include "persistence/schema.hpp"
#include "persistence/sqlite.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace agg;

TEST_CASE("a writer connection runs in WAL mode with synchronous=FULL", "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  auto mode = conn.prepare("PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.text(0) == "wal");
  auto sync = conn.prepare("PRAGMA synchronous");
  REQUIRE(sync.step());
  CHECK(sync.int64(0) == 2); // FULL
}

TEST_CASE("migrations bring an empty database to the latest version once", "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  CHECK(db::schema_version(conn) == 0);
  db::migrate(conn);
  CHECK(db::schema_version(conn) == db::latest_schema_version());
  db::migrate(conn);
  CHECK(db::schema_version(conn) == db::latest_schema_version());
}

TEST_CASE("a database written by a newer build is refused", "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  db::migrate(conn);
  conn.prepare("UPDATE schema_version SET version = ?")
      .bind(1, int64_t{db::latest_schema_version() + 1})
      .run();
  CHECK_THROWS_WITH(db::migrate(conn), Catch::Contains("newer than this server"));
}

TEST_CASE("a failed statement throws and the transaction rolls back", "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  conn.exec("CREATE TABLE t(x INTEGER PRIMARY KEY)");
  {
    db::transaction tx{conn};
    conn.prepare("INSERT INTO t VALUES (?)").bind(1, int64_t{1}).run();
    CHECK_THROWS_AS(conn.prepare("INSERT INTO t VALUES (?)").bind(1, int64_t{1}).run(),
                    db::error);
  }
  auto count = conn.prepare("SELECT count(*) FROM t");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 0);
}

TEST_CASE("the ledger refuses updates and deletes", "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  db::migrate(conn);
  conn.exec(
      "INSERT INTO ledger(player_id, seq, kind, source, tx_id, ref_tx_id, round_id, "
      "currency, amount, balance_after, created_us, prev_hash, hash) VALUES "
      "(1, 1, 1, 'operator', 't', '', '', 'EUR', 5, 5, 0, x'00', x'00')");
  CHECK_THROWS_WITH(conn.exec("UPDATE ledger SET amount = 6"),
                    Catch::Contains("append-only"));
  CHECK_THROWS_WITH(conn.exec("DELETE FROM ledger"), Catch::Contains("append-only"));
}

TEST_CASE("the rounds to settle and the open rounds are both read through one index",
          "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  db::migrate(conn);
  auto indexes = conn.prepare(
      "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE "
      "type = 'index' AND tbl_name = 'rounds' AND sql IS NOT NULL ORDER BY name)");
  REQUIRE(indexes.step());
  CHECK(indexes.text(0) == "rounds_pending");
  for (const char* where : {db::unsettled_rounds_where, db::open_rounds_where}) {
    auto plan = conn.prepare(std::string{"EXPLAIN QUERY PLAN SELECT "} +
                             db::round_columns + " FROM rounds WHERE " + where);
    std::string steps;
    while (plan.step())
      steps += plan.text(3) + "\n";
    INFO(where << "\n" << steps);
    CHECK(steps.find("USING INDEX rounds_pending") != std::string::npos);
    CHECK(steps.find("TEMP B-TREE") == std::string::npos); // ordered by the index
  }
}
