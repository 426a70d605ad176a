// The global order over real SQLite files: the appender gives every entry and activity
// record the next gseq and chains its global hash, gap-free across batches, conflicts
// and retries; verify walks the order and names where it breaks when an entry is
// deleted (a player's whole history too), an activity record is changed, or the tail
// is cut off below a checkpoint; and migration 8 numbers a ledger written before it.

#include "persistence/global_chain.hpp"
#include "persistence/ledger_rows.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"
#include "persistence/verify.hpp"
#include "support/chain_builder.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using agg::test::chain_builder;

namespace {

struct db_fixture {
  test::temp_dir dir;
  db::connection conn;
  db_fixture() {
    conn = db::connection::open(dir.file("g.db"), db::open_mode::read_write_create);
    db::migrate(conn);
  }
};

activity_record login_of(int64_t player, const std::string& address) {
  activity_record a;
  a.kind = static_cast<uint8_t>(activity_kind::logged_in);
  a.player_id = player;
  a.created_us = 5'000 + player;
  a.address = address;
  a.device.id = "fp-" + std::to_string(player);
  a.detail = R"({"username":"p)" + std::to_string(player) + R"("})";
  a.hash = activity_hash(a);
  return a;
}

// Writes two players' entries and a few activity records in three commits.
void fill(ledger_appender& app) {
  chain_builder a{1}, b{2};
  std::vector<ledger_write> a1{a.next(entry_kind::deposit, "a-d1", 500),
                               a.next(entry_kind::bet, "a-b1", -100)};
  std::vector<ledger_write> b1{b.next(entry_kind::deposit, "b-d1", 300)};
  std::vector<activity_record> logins{login_of(1, "10.0.0.1"), login_of(2, "10.0.0.2")};
  app.append({&a1, &b1}, &logins);
  std::vector<ledger_write> a2{a.next(entry_kind::win, "a-w1", 250)};
  app.append({&a2});
  std::vector<activity_record> more{login_of(1, "10.0.0.3")};
  app.append({}, &more);
}

void exec(db::connection& conn, const char* sql) {
  conn.exec(sql);
}

} // namespace

TEST_CASE_METHOD(db_fixture, "every record gets the next gseq and a chained global hash",
                 "[global]") {
  ledger_appender app{conn};
  CHECK(app.global().gseq == 0);
  chain_builder a{1}, b{2};
  std::vector<ledger_write> a1{a.next(entry_kind::deposit, "a-d1", 500),
                               a.next(entry_kind::bet, "a-b1", -100)};
  std::vector<ledger_write> b1{b.next(entry_kind::deposit, "b-d1", 300)};
  std::vector<activity_record> acts{login_of(1, "10.0.0.1")};
  auto out = app.append({&a1, &b1}, &acts);
  CHECK(out[0].first_gseq == 1);
  CHECK(out[1].first_gseq == 3);
  CHECK(acts[0].gseq == 4);
  CHECK(app.global().gseq == 4);
  // The chain recomputed from the stored rows matches the head.
  global_head h;
  auto rows = conn.prepare("SELECT hash, gseq, ghash FROM ledger ORDER BY gseq");
  while (rows.step()) {
    hash256 hash, ghash;
    db::copy_hash(rows.blob(0), hash);
    db::copy_hash(rows.blob(2), ghash);
    CHECK(rows.int64(1) == h.gseq + 1);
    CHECK(global_hash(h.ghash, h.gseq + 1, record_kind::ledger, hash) == ghash);
    h = {h.gseq + 1, ghash};
  }
  CHECK(global_hash(h.ghash, 4, record_kind::activity, acts[0].hash) == acts[0].ghash);
  CHECK(app.global().ghash == acts[0].ghash);
  // A new appender on the same file continues where the last commit ended.
  ledger_appender again{conn};
  CHECK(again.global().gseq == 4);
  CHECK(again.global().ghash == acts[0].ghash);
}

TEST_CASE_METHOD(db_fixture, "an entry refused for a taken id leaves no gap in the order",
                 "[global]") {
  ledger_appender app{conn};
  chain_builder a{1}, b{2};
  std::vector<ledger_write> a1{a.next(entry_kind::deposit, "same-id", 500)};
  app.append({&a1});
  std::vector<ledger_write> b1{b.next(entry_kind::deposit, "other", 300),
                               b.next(entry_kind::deposit, "same-id", 1)};
  std::vector<ledger_write> a2{a.next(entry_kind::deposit, "a-2", 5)};
  auto out = app.append({&b1, &a2});
  CHECK(out[0].failed_seq == 2);
  CHECK(out[0].first_gseq == 2);
  CHECK(out[1].first_gseq == 3);
  CHECK(app.global().gseq == 3);
  CHECK(verify_ledger(conn).ok);
}

TEST_CASE_METHOD(db_fixture, "verify walks the global order and names where it breaks",
                 "[global][verify]") {
  ledger_appender app{conn};
  fill(app);
  auto ok = verify_ledger(conn);
  REQUIRE(ok.ok);
  CHECK(ok.entries == 4);
  CHECK(ok.activities == 3);
  CHECK(ok.head.gseq == 7);
  CHECK(ok.head.ghash == app.global().ghash);
  auto checkpoint = ok.head;

  SECTION("a player's whole history deleted, its balance set to 0") {
    exec(conn, "DROP TRIGGER ledger_no_delete");
    exec(conn, "DELETE FROM ledger WHERE player_id = 2");
    exec(conn, "UPDATE balances SET balance = 0 WHERE player_id = 2");
    auto r = verify_ledger(conn);
    CHECK_FALSE(r.ok);
    CHECK(r.error_gseq == 4);
    CHECK(r.error.find("expected gseq 3") != std::string::npos);
  }
  SECTION("an activity record changed") {
    exec(conn, "DROP TRIGGER activity_no_update");
    exec(conn, "UPDATE activity SET address = '10.9.9.9' WHERE gseq = 4");
    auto r = verify_ledger(conn);
    CHECK_FALSE(r.ok);
    CHECK(r.error_gseq == 4);
    CHECK(r.error.find("hash mismatch") != std::string::npos);
  }
  SECTION("an activity record deleted from the middle") {
    exec(conn, "DROP TRIGGER activity_no_delete");
    exec(conn, "DELETE FROM activity WHERE gseq = 5");
    auto r = verify_ledger(conn);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("expected gseq 5") != std::string::npos);
  }
  SECTION("the tail cut off: only a checkpoint tells") {
    exec(conn, "DROP TRIGGER activity_no_delete");
    exec(conn, "DELETE FROM activity WHERE gseq = 7");
    CHECK(verify_ledger(conn).ok);
    auto r = verify_ledger(conn, checkpoint);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("cut off") != std::string::npos);
  }
  SECTION("a checkpoint that the history no longer matches") {
    auto forged = checkpoint;
    forged.ghash[0] ^= 1;
    auto r = verify_ledger(conn, forged);
    CHECK_FALSE(r.ok);
    CHECK(r.error_gseq == 7);
    CHECK(verify_ledger(conn, checkpoint).ok);
  }
}

TEST_CASE("checkpoints are written and read as SEQ:HASH", "[global]") {
  global_head h{42, {}};
  h.ghash[31] = 0xab;
  auto text = to_string(h);
  CHECK(text == "42:" + std::string(62, '0') + "ab");
  auto back = parse_checkpoint(text);
  REQUIRE(back);
  CHECK(back->gseq == 42);
  CHECK(back->ghash == h.ghash);
  CHECK_FALSE(parse_checkpoint("42"));
  CHECK_FALSE(parse_checkpoint("x:" + std::string(64, '0')));
  CHECK_FALSE(parse_checkpoint("42:abc"));
}

TEST_CASE("migration 8 numbers a ledger written before it, in the order of its entries",
          "[global][schema]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("old.db"), db::open_mode::read_write_create);
  db::migrate(conn, 7);
  chain_builder a{1}, b{2};
  // In time: a1 and b1 at once (the player id decides), then a2.
  auto a1 = a.next(entry_kind::deposit, "a1", 100).entry;
  auto b1 = b.next(entry_kind::deposit, "b1", 200).entry;
  auto a2 = a.next(entry_kind::deposit, "a2", 300).entry;
  REQUIRE(a1.created_us == b1.created_us);
  REQUIRE(a2.created_us > b1.created_us);
  auto insert = conn.prepare(
      "INSERT INTO ledger(player_id, seq, kind, source, tx_id, ref_tx_id, round_id, "
      "currency, amount, balance_after, created_us, prev_hash, hash) VALUES (?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& e : {a1, b1, a2})
    insert.bind(1, e.player_id)
        .bind(2, e.seq)
        .bind(3, int64_t{e.kind})
        .bind(4, e.source)
        .bind(5, e.tx_id)
        .bind(6, e.ref_tx_id)
        .bind(7, e.round_id)
        .bind(8, e.currency)
        .bind(9, e.amount)
        .bind(10, e.balance_after)
        .bind(11, e.created_us)
        .bind_blob(12, e.prev_hash)
        .bind_blob(13, e.hash)
        .run();
  conn.exec("INSERT INTO balances VALUES (1, 'EUR', 400), (2, 'EUR', 200)");
  db::migrate(conn);
  auto order = conn.prepare("SELECT tx_id FROM ledger ORDER BY gseq");
  std::vector<std::string> txs;
  while (order.step())
    txs.push_back(order.text(0));
  CHECK(txs == std::vector<std::string>{"a1", "b1", "a2"});
  auto r = verify_ledger(conn);
  CHECK(r.ok);
  CHECK(r.head.gseq == 3);
  // The ledger is append-only again, and new entries continue the order.
  CHECK_THROWS(conn.exec("UPDATE ledger SET amount = 0"));
  ledger_appender app{conn};
  std::vector<ledger_write> next{b.next(entry_kind::deposit, "b2", 5)};
  CHECK(app.append({&next})[0].first_gseq == 4);
  CHECK(verify_ledger(conn).ok);
}
