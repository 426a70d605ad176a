// Proves the WAL VFS (writes to the log gathered into few system calls): what a commit
// wrote is in the log file when COMMIT returns, whatever the transaction's size; a
// transaction larger than the page cache stays whole, and one rolled back leaves
// nothing that could land over another writer's commits.

#include "persistence/sqlite.hpp"
#include "persistence/wal_vfs.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <string>

using namespace agg;

namespace {

db::tuning no_checkpoints() {
  db::tuning t;
  t.wal_autocheckpoint_pages = 0; // every frame stays in the log
  return t;
}

// Inserts `rows` rows of `bytes` bytes each in one transaction.
void insert_rows(db::connection& conn, int64_t first, int64_t rows, int bytes) {
  db::transaction tx{conn};
  auto st = conn.prepare("INSERT INTO t(id, body) VALUES (?, ?)");
  for (int64_t i = first; i < first + rows; ++i) {
    std::string body(static_cast<size_t>(bytes), static_cast<char>('a' + i % 10));
    st.bind(1, i).bind(2, body).run();
  }
  tx.commit();
}

int64_t count_rows(db::connection& conn) {
  auto st = conn.prepare("SELECT count(*) FROM t");
  REQUIRE(st.step());
  return st.int64(0);
}

std::string integrity(db::connection& conn) {
  auto st = conn.prepare("PRAGMA integrity_check");
  REQUIRE(st.step());
  return st.text(0);
}

} // namespace

TEST_CASE("the WAL VFS is registered and opens every connection", "[sqlite][vfs]") {
  REQUIRE(sqlite3_vfs_find(db::wal_vfs_name()) != nullptr);
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  sqlite3_vfs* used = nullptr;
  REQUIRE(sqlite3_file_control(conn.handle(), "main", SQLITE_FCNTL_VFS_POINTER, &used) ==
          SQLITE_OK);
  REQUIRE(used != nullptr);
  CHECK(std::string{used->zName} == db::wal_vfs_name());
}

TEST_CASE("a commit is in the log file when COMMIT returns, small or larger than the "
          "gathering buffer",
          "[sqlite][vfs]") {
  test::temp_dir dir;
  auto path = dir.file("a.db");
  auto conn =
      db::connection::open(path, db::open_mode::read_write_create, no_checkpoints());
  conn.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  int64_t rows = 0;
  // One row; a few hundred pages; some 12 MB (more than is gathered before a write).
  for (auto [n, bytes] :
       {std::pair{1, 100}, std::pair{400, 3000}, std::pair{3000, 4000}}) {
    insert_rows(conn, rows, n, bytes);
    rows += n;
    // Copy the files while the writer is still open and nothing was checkpointed: the
    // copy recovers from the log alone, so every frame of the commit must be there.
    auto copy = dir.file("copy-" + std::to_string(rows) + ".db");
    std::filesystem::copy_file(path, copy);
    std::filesystem::copy_file(path + "-wal", copy + "-wal");
    auto reopened = db::connection::open(copy, db::open_mode::read_write_create);
    CHECK(count_rows(reopened) == rows);
    CHECK(integrity(reopened) == "ok");
  }
  // Another connection sees every commit too.
  auto reader = db::connection::open(path, db::open_mode::read_only);
  CHECK(count_rows(reader) == rows);
}

TEST_CASE("a writer connection never spills a transaction to the log before it commits",
          "[sqlite][vfs]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("a.db"), db::open_mode::read_write_create);
  auto spill = conn.prepare("PRAGMA cache_spill");
  REQUIRE(spill.step());
  CHECK(spill.int64(0) == 0);
}

TEST_CASE("a transaction larger than the page cache stays whole, and one rolled back "
          "leaves nothing over another writer's commits",
          "[sqlite][vfs]") {
  test::temp_dir dir;
  auto path = dir.file("a.db");
  auto small = no_checkpoints();
  small.cache_kib = 256; // far less than the transactions below
  auto a = db::connection::open(path, db::open_mode::read_write_create, small);
  auto b = db::connection::open(path, db::open_mode::read_write_create, no_checkpoints());
  a.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  a.exec("CREATE INDEX t_body ON t(body, id)");
  insert_rows(a, 0, 2000, 1000); // some 4 MB of table and index pages
  {
    db::transaction tx{a};
    a.exec("UPDATE t SET body = body || '#' WHERE id % 3 = 0");
    // Rolled back: had any of it reached the log, it would sit where b writes next.
  }
  insert_rows(b, 10'000, 1500, 2000); // more frames than a's transaction had
  insert_rows(a, 20'000, 10, 100);    // a writes after b: anything a held goes out now
  auto copy = dir.file("copy.db");
  std::filesystem::copy_file(path, copy);
  std::filesystem::copy_file(path + "-wal", copy + "-wal");
  for (auto* file : {&path, &copy}) {
    auto c = db::connection::open(*file, db::open_mode::read_write_create);
    CHECK(count_rows(c) == 3510);
    auto from_b = c.prepare("SELECT count(*) FROM t WHERE id BETWEEN 10000 AND 11499 "
                            "AND length(body) = 2000");
    REQUIRE(from_b.step());
    CHECK(from_b.int64(0) == 1500);
    auto marked = c.prepare("SELECT count(*) FROM t WHERE body LIKE '%#'");
    REQUIRE(marked.step());
    CHECK(marked.int64(0) == 0);
    CHECK(integrity(c) == "ok");
  }
}

TEST_CASE("with synchronous=NORMAL a commit is in the log file when COMMIT returns",
          "[sqlite][vfs]") {
  test::temp_dir dir;
  auto path = dir.file("a.db");
  auto conn =
      db::connection::open(path, db::open_mode::read_write_create, no_checkpoints());
  conn.pragma("synchronous", 1);
  conn.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  insert_rows(conn, 0, 300, 2000);
  auto copy = dir.file("copy.db");
  std::filesystem::copy_file(path, copy);
  std::filesystem::copy_file(path + "-wal", copy + "-wal");
  auto reopened = db::connection::open(copy, db::open_mode::read_write_create);
  CHECK(count_rows(reopened) == 300);
  auto reader = db::connection::open(path, db::open_mode::read_only);
  CHECK(count_rows(reader) == 300);
}
