// The payment records: a payment id once, a provider transaction id once, a status that
// only moves forward, a player's payments newest first, and the open ones due to
// expire.

#include "persistence/payment_store.hpp"
#include "persistence/schema.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace agg;

namespace {

payment_record payment(const std::string& id, int64_t player, int64_t created_us) {
  payment_record p;
  p.payment_id = id;
  p.kind = 1;
  p.status = payment_created;
  p.player_id = player;
  p.provider = "sandbox";
  p.instrument = "card-1";
  p.currency = "EUR";
  p.amount = 500;
  p.created_us = created_us;
  p.updated_us = created_us;
  p.expires_us = created_us + 1'000;
  return p;
}

} // namespace

TEST_CASE("payments are recorded once and move only forward", "[persistence][payments]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("p.db"), db::open_mode::read_write_create);
  db::migrate(conn);
  payment_store store{conn};
  REQUIRE(store.insert(payment("p1", 7, 100)));
  CHECK_FALSE(store.insert(payment("p1", 8, 200)));
  CHECK(store.by_id("p1")->player_id == 7);
  CHECK_FALSE(store.by_id("nope"));

  // created -> pending, with the provider's id and fingerprint
  REQUIRE(store.advance("p1", payment_pending, "sbx-p1", "fp1", "", 150));
  auto p = store.by_id("p1");
  CHECK(p->status == payment_pending);
  CHECK(p->provider_tx_id == "sbx-p1");
  CHECK(p->fingerprint == "fp1");
  CHECK(store.by_provider_tx("sandbox", "sbx-p1")->payment_id == "p1");
  CHECK_FALSE(store.by_provider_tx("other", "sbx-p1"));
  // never back to created; confirmed is final
  CHECK_FALSE(store.advance("p1", payment_created, "", "", "", 160));
  REQUIRE(store.advance("p1", 3, "", "", "", 170));
  CHECK_FALSE(store.advance("p1", 4, "", "", "declined", 180));
  CHECK(store.by_id("p1")->status == 3);
  CHECK(store.by_id("p1")->provider_tx_id == "sbx-p1"); // kept when not given
  CHECK_FALSE(store.advance("nope", 3, "", "", "", 190));

  // one provider transaction id, one payment
  REQUIRE(store.insert(payment("p2", 7, 300)));
  CHECK_THROWS_AS(store.advance("p2", payment_pending, "sbx-p1", "", "", 310), db::error);
}

TEST_CASE("a player's payments newest first, and the open ones due to expire",
          "[persistence][payments]") {
  test::temp_dir dir;
  auto conn = db::connection::open(dir.file("p.db"), db::open_mode::read_write_create);
  db::migrate(conn);
  payment_store store{conn};
  for (int i = 0; i < 5; ++i)
    REQUIRE(store.insert(payment(std::string{"p"}.append(std::to_string(i)),
                                 i % 2 ? 8 : 7, 100 * (i + 1))));
  auto mine = store.of_player(7, INT64_MAX, 10);
  REQUIRE(mine.size() == 3);
  CHECK(mine[0].payment_id == "p4");
  CHECK(mine[2].payment_id == "p0");
  CHECK(store.of_player(7, 500, 10).size() == 2);
  CHECK(store.of_player(7, INT64_MAX, 1).size() == 1);

  REQUIRE(store.advance("p0", 3, "", "", "", 1'000)); // final: not due
  auto due = store.due_to_expire(1'300, 10);          // p0 (final), p1 (1200), p2 (1300)
  REQUIRE(due.size() == 2);
  CHECK(due[0].payment_id == "p1");
  CHECK(due[1].payment_id == "p2");
}
