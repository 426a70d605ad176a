// Proves the page cache wrapper (page_cache.hpp): B-tree node splits that swap page
// numbers get our stand-in number and not the lock-byte page's, and the database stays
// whole through commits, rollbacks, a cache far smaller than the data, and a reopen.

#include "persistence/page_cache.hpp"
#include "persistence/sqlite.hpp"
#include "persistence/wal_vfs.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <random>
#include <string>

using namespace agg;

namespace {

// Keys in random order make the index's nodes split all over the tree, which is
// where SQLite swaps page numbers.
void insert_random(db::connection& conn, std::mt19937_64& rng, int64_t rows,
                   bool commit) {
  db::transaction tx{conn};
  auto st = conn.prepare("INSERT INTO t(k, v) VALUES (?, ?)");
  for (int64_t i = 0; i < rows; ++i) {
    auto k = std::to_string(rng());
    st.bind(1, k).bind(2, "v" + k).run();
  }
  if (commit) tx.commit();
}

std::string one_text(db::connection& conn, const char* sql) {
  auto st = conn.prepare(sql);
  REQUIRE(st.step());
  return st.text(0);
}

int64_t one_int(db::connection& conn, const char* sql) {
  auto st = conn.prepare(sql);
  REQUIRE(st.step());
  return st.int64(0);
}

// Every row's value is "v" followed by its key, in the table and through the index.
void check_whole(db::connection& conn, int64_t rows) {
  CHECK(one_text(conn, "PRAGMA integrity_check") == "ok");
  CHECK(one_int(conn, "SELECT count(*) FROM t") == rows);
  CHECK(one_int(conn, "SELECT count(*) FROM t WHERE v <> 'v' || k") == 0);
  CHECK(one_int(conn, "SELECT count(*) FROM t INDEXED BY t_v WHERE v >= ''") == rows);
}

} // namespace

TEST_CASE("node splits swap page numbers through the wrapper's stand-in, and the "
          "database stays whole",
          "[sqlite][page_cache]") {
  // The VFS registration installs the wrapper before SQLite initializes.
  REQUIRE(sqlite3_vfs_find(db::wal_vfs_name()) != nullptr);
  REQUIRE(db::install_page_cache());

  test::temp_dir dir;
  auto path = dir.file("t.db");
  std::mt19937_64 rng{7};
  int64_t rows = 0;
  {
    db::tuning small;
    small.cache_kib = 256; // 64 pages: far fewer than the data, so pages are reused
    auto conn = db::connection::open(path, db::open_mode::read_write_create, small);
    conn.exec("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;"
              "CREATE INDEX t_v ON t(v)");
    auto before = db::page_cache_swaps_renumbered();
    for (int i = 0; i < 40; ++i) {
      insert_random(conn, rng, 500, true);
      rows += 500;
    }
    CHECK(db::page_cache_swaps_renumbered() > before);
    check_whole(conn, rows);

    // A transaction that splits nodes and is rolled back leaves nothing behind.
    auto at_rollback = db::page_cache_swaps_renumbered();
    insert_random(conn, rng, 2000, false);
    CHECK(db::page_cache_swaps_renumbered() > at_rollback);
    check_whole(conn, rows);

    // And the connection goes on writing after it.
    insert_random(conn, rng, 1000, true);
    rows += 1000;
    check_whole(conn, rows);
  }
  // What was committed is on disk as committed, read by a connection of its own.
  auto again = db::connection::open(path, db::open_mode::read_write_create);
  check_whole(again, rows);
}

TEST_CASE("the wrapper serves a large cache through many commits",
          "[sqlite][page_cache]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("big.db"), db::open_mode::read_write_create);
  conn.exec("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;"
            "CREATE INDEX t_v ON t(v)");
  std::mt19937_64 rng{11};
  auto before = db::page_cache_swaps_renumbered();
  int64_t rows = 0;
  for (int i = 0; i < 400; ++i) {
    insert_random(conn, rng, 50, true); // small commits, as the ledger writer makes
    rows += 50;
  }
  CHECK(db::page_cache_swaps_renumbered() > before);
  check_whole(conn, rows);
}
