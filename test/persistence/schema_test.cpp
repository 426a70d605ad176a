// Proves the SQLite layer: WAL and synchronous=FULL on every writer connection,
// migrations that are idempotent, and a database from a newer build refused.

#include "persistence/ledger_rows.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"
#include "persistence/sqlite.hpp"
#include "persistence/verify.hpp"
#include "support/chain_builder.hpp"
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
  CHECK(indexes.text(0) == "rounds_key,rounds_pending");
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

namespace {

std::string plan_of(db::connection& conn, const std::string& sql) {
  auto plan = conn.prepare("EXPLAIN QUERY PLAN " + sql);
  std::string steps;
  while (plan.step())
    steps += plan.text(3) + "\n";
  return steps;
}

std::string dump(db::connection& conn, const char* sql, int columns) {
  auto st = conn.prepare(sql);
  std::string out;
  while (st.step()) {
    for (int i = 0; i < columns; ++i)
      out += (st.is_null(i) ? std::string{"NULL"} : st.text(i)) + "|";
    out += "\n";
  }
  return out;
}

ledger_write with_round(ledger_write w, bool settled) {
  const auto& e = w.entry;
  auto& r = w.round;
  w.has_round = true;
  r.source = e.source;
  r.round_id = e.round_id;
  r.player_id = e.player_id;
  r.currency = e.currency;
  r.bet_count = r.open_bet_count = 1;
  r.bet_total = 100;
  r.win_total = settled ? e.amount : 0;
  r.credited = r.closed = settled;
  r.opened_us = r.updated_us = e.created_us;
  r.game_id = "slot";
  return w;
}

} // namespace

TEST_CASE("migration 17 keeps every entry and round, in the global order, and the rules",
          "[sqlite]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("old.db"), db::open_mode::read_write_create);
  db::migrate(conn, 16);
  test::chain_builder a{1}, b{2};
  {
    ledger_appender app{conn};
    std::vector<ledger_write> wa{
        a.next(entry_kind::deposit, "a-dep", 1000),
        with_round(a.next(entry_kind::bet, "a-bet", -100, "ra"), false)};
    std::vector<ledger_write> wb{
        b.next(entry_kind::deposit, "b-dep", 500),
        with_round(b.next(entry_kind::bet, "b-bet", -100, "rb"), false),
        with_round(b.next(entry_kind::win, "b-win", 300, "rb"), true)};
    app.append({&wb, &wa});
  }
  const char* ledger_rows =
      "SELECT gseq, player_id, seq, kind, source, tx_id, ref_tx_id, "
      "round_id, currency, amount, balance_after, created_us, "
      "hex(prev_hash), hex(hash), hex(ghash), bonus, bonus_amount "
      "FROM ledger ORDER BY gseq";
  const char* round_rows =
      "SELECT source, round_id, player_id, currency, bet_count, "
      "open_bet_count, rolled_back_count, bet_total, win_total, "
      "refund_total, credited, closed, opened_us, updated_us, game_id, "
      "detail FROM rounds ORDER BY source, round_id";
  auto entries_before = dump(conn, ledger_rows, 17);
  auto rounds_before = dump(conn, round_rows, 16);
  REQUIRE(verify_ledger(conn).ok);

  db::migrate(conn);
  CHECK(db::schema_version(conn) == 17);
  CHECK(dump(conn, ledger_rows, 17) == entries_before);
  CHECK(dump(conn, round_rows, 16) == rounds_before);
  auto r = verify_ledger(conn);
  CHECK(r.ok);
  CHECK(r.head.gseq == 5);
  // The global order is the table's key; a player's entries, a transaction and a round
  // are found through their unique indexes.
  CHECK(plan_of(conn, "SELECT * FROM ledger WHERE gseq > 2 ORDER BY gseq")
            .find("INTEGER PRIMARY KEY") != std::string::npos);
  CHECK(plan_of(conn, "SELECT seq, hash FROM ledger WHERE player_id = 1 ORDER BY seq "
                      "DESC LIMIT 1")
            .find("USING INDEX ledger_player") != std::string::npos);
  CHECK(plan_of(conn, "SELECT * FROM ledger WHERE source = 'studio' AND tx_id = 'x'")
            .find("USING INDEX ledger_source_tx") != std::string::npos);
  CHECK(plan_of(conn, "SELECT * FROM rounds WHERE source = 'studio' AND round_id = 'x'")
            .find("USING INDEX rounds_key") != std::string::npos);
  // Still append-only, still one entry per (player, seq) and per (source, tx_id).
  CHECK_THROWS_WITH(conn.exec("UPDATE ledger SET amount = 6"),
                    Catch::Contains("append-only"));
  CHECK_THROWS_WITH(conn.exec("DELETE FROM ledger"), Catch::Contains("append-only"));
  ledger_appender app{conn};
  std::vector<ledger_write> again{b.next(entry_kind::deposit, "a-dep", 5)};
  auto out = app.append({&again});
  CHECK(out[0].failure == append_failure::duplicate_tx);
  CHECK_THROWS(conn.exec("INSERT INTO ledger(player_id, seq, kind, source, tx_id, "
                         "ref_tx_id, round_id, currency, amount, balance_after, "
                         "created_us, prev_hash, hash) VALUES (1, 2, 1, 'x', 'new', '', "
                         "'', 'EUR', 1, 1, 0, x'00', x'00')"));
  // New entries continue the order, and a win settles a round written before.
  test::chain_builder a_next = a;
  std::vector<ledger_write> win{
      with_round(a_next.next(entry_kind::win, "a-win", 250, "ra"), true)};
  win[0].round.bet_total = 100;
  out = app.append({&win});
  CHECK(out[0].failed_seq == 0);
  CHECK(out[0].first_gseq == 6);
  ledger_reader rd{conn};
  auto ra = rd.find_round("studio", "ra");
  REQUIRE(ra);
  CHECK(ra->credited);
  CHECK(ra->win_total == 250);
  CHECK(dump(conn, "SELECT count(*) FROM rounds", 1) == "2|\n");
  CHECK(verify_ledger(conn).ok);
}
