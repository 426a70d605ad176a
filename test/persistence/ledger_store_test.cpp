// Proves the ledger stores against real SQLite files: appends are read back exactly,
// chains that do not continue are refused, a tx id taken by another player fails
// only that entry, verify accepts a consistent ledger and names the first row that
// was tampered with.

#include "persistence/chain_hash.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"
#include "persistence/verify.hpp"
#include "support/chain_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/wallet_requests.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace agg;
using agg::test::chain_builder;

namespace {

struct store_fixture {
  test::temp_dir dir;
  db::connection conn;
  store_fixture() {
    conn = db::connection::open(dir.file("l.db"), db::open_mode::read_write_create);
    db::migrate(conn);
  }
};

} // namespace

TEST_CASE_METHOD(store_fixture, "appended entries read back exactly", "[ledger_store]") {
  ledger_appender app{conn};
  chain_builder c{7};
  std::vector<ledger_write> batch{c.next(entry_kind::deposit, "d1", 500),
                                  c.next(entry_kind::bet, "b1", -200, "r1")};
  batch[1].has_round = true;
  auto& r1 = batch[1].round;
  r1.source = "studio";
  r1.round_id = "r1";
  r1.player_id = 7;
  r1.currency = "EUR";
  r1.bet_count = r1.open_bet_count = 1;
  r1.bet_total = 200;
  auto out = app.append({&batch});
  REQUIRE(out.size() == 1);
  CHECK(out[0].committed_seq == 2);
  CHECK(out[0].failed_seq == 0);

  ledger_reader rd{conn};
  auto snap = rd.load_wallet(7);
  CHECK(snap.last_seq == 2);
  CHECK(snap.last_hash == c.last);
  REQUIRE(snap.balances.size() == 1);
  CHECK(snap.balances[0].balance == 300);
  auto e = rd.find_entry("studio", "b1");
  REQUIRE(e);
  CHECK(e->amount == -200);
  CHECK(e->hash == batch[1].entry.hash);
  auto r = rd.find_round("studio", "r1");
  REQUIRE(r);
  CHECK(r->bet_total == 200);
  CHECK_FALSE(rd.find_entry("studio", "nope"));
  auto h = rd.history(7, 0, 10);
  REQUIRE(h.size() == 2);
  CHECK(h[0].seq == 2);
  CHECK(rd.history(7, 2, 10).size() == 1);
  CHECK(verify_ledger(conn).ok);
}

TEST_CASE_METHOD(store_fixture, "an entry that does not continue the chain is refused",
                 "[ledger_store]") {
  ledger_appender app{conn};
  chain_builder c{1};
  std::vector<ledger_write> first{c.next(entry_kind::deposit, "d1", 500)};
  app.append({&first});
  chain_builder stale{1}; // a view that missed the first entry
  std::vector<ledger_write> second{stale.next(entry_kind::deposit, "d2", 100)};
  auto out = app.append({&second});
  CHECK(out[0].failure == append_failure::chain_break);
  CHECK(out[0].failed_seq == 1);
  CHECK(out[0].committed_seq == 1);
  CHECK(verify_ledger(conn).ok);
}

TEST_CASE_METHOD(
    store_fixture,
    "a tx id taken by another player fails that entry and its successors only",
    "[ledger_store]") {
  ledger_appender app{conn};
  chain_builder a{1}, b{2};
  std::vector<ledger_write> wa{a.next(entry_kind::deposit, "shared", 500)};
  std::vector<ledger_write> wb{b.next(entry_kind::deposit, "b-own", 100),
                               b.next(entry_kind::deposit, "shared", 100),
                               b.next(entry_kind::deposit, "b-after", 100)};
  auto out = app.append({&wa, &wb});
  CHECK(out[0].failed_seq == 0);
  CHECK(out[0].committed_seq == 1);
  CHECK(out[1].failure == append_failure::duplicate_tx);
  CHECK(out[1].failed_seq == 2);
  CHECK(out[1].committed_seq == 1);
  ledger_reader rd{conn};
  CHECK(rd.load_wallet(2).last_seq == 1);
  CHECK_FALSE(rd.find_entry("studio", "b-after"));
  CHECK(verify_ledger(conn).ok);
}

TEST_CASE_METHOD(store_fixture, "verify names the row that was tampered with",
                 "[ledger_store][verify]") {
  ledger_appender app{conn};
  chain_builder c{3};
  std::vector<ledger_write> batch;
  for (int i = 0; i < 10; ++i)
    batch.push_back(c.next(entry_kind::deposit, test::id("d", i), 100));
  app.append({&batch});
  REQUIRE(verify_ledger(conn).ok);

  // An attacker with the file drops the guard and edits one amount in place.
  conn.exec("DROP TRIGGER ledger_no_update");
  conn.exec("UPDATE ledger SET amount = 1000, balance_after = 1500 "
            "WHERE player_id = 3 AND seq = 6");
  auto report = verify_ledger(conn);
  CHECK_FALSE(report.ok);
  CHECK(report.error_seq == 6);
  CHECK(report.error_player == 3);
  CHECK_THAT(report.error, Catch::Contains("player_id=3 seq=6"));
  CHECK_THAT(report.error, Catch::Contains("hash mismatch"));
}

TEST_CASE_METHOD(store_fixture, "verify catches a stored balance that drifted",
                 "[ledger_store][verify]") {
  ledger_appender app{conn};
  chain_builder c{4};
  std::vector<ledger_write> batch{c.next(entry_kind::deposit, "d1", 100)};
  app.append({&batch});
  conn.exec("UPDATE balances SET balance = 99 WHERE player_id = 4");
  auto report = verify_ledger(conn);
  CHECK_FALSE(report.ok);
  CHECK_THAT(report.error, Catch::Contains("differs from the ledger sum"));
}

TEST_CASE_METHOD(store_fixture, "verify catches a removed entry",
                 "[ledger_store][verify]") {
  ledger_appender app{conn};
  chain_builder c{5};
  std::vector<ledger_write> batch{c.next(entry_kind::deposit, "d1", 100),
                                  c.next(entry_kind::deposit, "d2", 100),
                                  c.next(entry_kind::deposit, "d3", 100)};
  app.append({&batch});
  conn.exec("DROP TRIGGER ledger_no_delete");
  conn.exec("DELETE FROM ledger WHERE seq = 2");
  auto report = verify_ledger(conn);
  CHECK_FALSE(report.ok);
  CHECK(report.error_seq == 3);
  CHECK_THAT(report.error, Catch::Contains("sequence gap"));
}

TEST_CASE("HMAC-SHA256 gives the published digests for any key and on any thread",
          "[hash]") {
  // RFC 4231, test cases 1 and 2.
  CHECK(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // An empty key right after another one is the empty key, not the previous one.
  CHECK(to_hex(hmac_sha256(std::string_view{}, "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(to_hex(hmac_sha256("Jefe", "")) !=
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(to_hex(hmac_sha256("", "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  hash256 elsewhere{};
  std::thread{[&] {
    elsewhere = hmac_sha256("Jefe", "what do ya want for nothing?");
  }}.join();
  CHECK(to_hex(elsewhere) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("SHA-256 and the chain hash give the published digests, on any thread",
          "[ledger][hash]") {
  CHECK(to_hex(sha256("")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The chain hash is SHA-256 over the previous hash, then the entry's canonical bytes.
  ledger_entry e;
  e.player_id = 7;
  e.seq = 3;
  e.kind = static_cast<uint8_t>(entry_kind::bet);
  e.source = "caleta";
  e.tx_id = "tx-1";
  e.round_id = "r-1";
  e.currency = "EUR";
  e.amount = -250;
  e.balance_after = 750;
  e.created_us = 1'700'000'000'000'000;
  hash256 prev{};
  for (size_t i = 0; i < prev.size(); ++i)
    prev[i] = static_cast<uint8_t>(i * 7 + 1);
  auto expected = sha256(std::string(prev.begin(), prev.end()) + canonical_encoding(e));
  CHECK(chain_hash(prev, e) == expected);
  hash256 elsewhere{};
  std::thread{[&] { elsewhere = chain_hash(prev, e); }}.join();
  CHECK(elsewhere == expected);
  e.amount = -251;
  CHECK(chain_hash(prev, e) != expected);
}
