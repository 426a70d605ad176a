// The JSON form of events (docs/events.md): money events are written directly, and
// that text is the one the general path (a document, then dumped) gives; anything
// that is not plain printable ASCII takes the general path and is escaped.

#include "persistence/event_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace agg;

namespace {

feed_event money(std::string tx_id) {
  feed_event ev;
  ev.is_money = true;
  auto& e = ev.money;
  e.player_id = 42;
  e.seq = 7;
  e.kind = 2;
  e.source = "builtin";
  e.tx_id = std::move(tx_id);
  e.ref_tx_id = "";
  e.round_id = "r-9";
  e.currency = "EUR";
  e.amount = -250;
  e.balance_after = 9'750;
  e.created_us = 1'718'000'000'123'456;
  e.gseq = 1'188;
  for (size_t i = 0; i < e.hash.size(); ++i) {
    e.hash[i] = static_cast<uint8_t>(i);
    e.ghash[i] = static_cast<uint8_t>(255 - i);
  }
  return ev;
}

} // namespace

TEST_CASE("a money event written directly is the text of the general path",
          "[events][json]") {
  for (const auto* tx : {"bet-1", "", "a b:c/d~e", "x-9223372036854775807"}) {
    auto ev = money(tx);
    CHECK(to_json(ev) == to_json_document(ev));
  }
  auto ev = money("t");
  ev.money.amount = std::numeric_limits<int64_t>::min();
  CHECK(to_json(ev) == to_json_document(ev));
  auto j = nlohmann::json::parse(to_json(money("bet-1")));
  CHECK(j["v"] == 1);
  CHECK(j["id"] == 1188);
  CHECK(j["amount"] == -250);
  CHECK(j["tx_id"] == "bet-1");
  CHECK(j["hash"].get<std::string>().substr(0, 4) == "0001");
}

TEST_CASE("identifiers that are not plain ASCII are escaped, invalid UTF-8 replaced",
          "[events][json]") {
  for (const auto* tx :
       {"quote\"d", "back\\slash", "tab\there", "caf\xc3\xa9", "bad\xff"}) {
    auto text = to_json(money(tx));
    CHECK(text == to_json_document(money(tx)));
    auto j = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
  }
  CHECK(nlohmann::json::parse(to_json(money("quote\"d")))["tx_id"] == "quote\"d");
  CHECK(nlohmann::json::parse(to_json(money("bad\xff")))["tx_id"] == "bad\xef\xbf\xbd");
}
