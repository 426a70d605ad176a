// Proves vendor isolation: while a deliberately faulty vendor throws and hangs (its
// circuit trips) and another crashes its connection at every start (it is restarted
// within its intensity, then given up), rounds on the built-in studio keep succeeding
// in the same run with no added errors, and every stake ends settled or refunded.

#include "support/node_fixture.hpp"
#include "support/scripted_vendor.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace agg;
using namespace agg::test;

namespace {

std::string play(node_fixture& f, int64_t player, const std::string& vendor,
                 const std::string& game, int64_t stake, const std::string& params = "") {
  caf::scoped_actor self{f.sys};
  std::string error;
  self->request(f.the_node().vendors(), std::chrono::seconds{20}, play_atom_v,
                play_request{player, vendor, game, "EUR", stake, params, 0, {}})
      .receive([](round_result&) {}, [&](caf::error& e) { error = error_code_of(e); });
  return error;
}

} // namespace

TEST_CASE("a faulty vendor harms only its own games", "[isolation]") {
  scripts::get().clear();
  int constructions_before = crashing_constructions.load();
  node_fixture f{[](server_options& o) {
    o.risk_enabled = false; // machine-paced play: the risk engine would lock it
    o.vendors = {"builtin", "faulty", "crashing"};
    o.vendor_settings["faulty"] = {{"kind", "scripted"},
                                   {"round_timeout_ms", "100"},
                                   {"breaker_failures", "3"},
                                   {"breaker_cooldown_ms", "200"},
                                   {"workers", "4"}};
    o.vendor_settings["crashing"] = {
        {"kind", "crashing"}, {"restart_intensity", "3"}, {"restart_period_ms", "60000"}};
    o.restart_backoff_ms = 10;
  }};
  for (int p = 1; p <= 6; ++p)
    REQUIRE(f.call(deposit(p, id("fund", p), 100'000)).ok());
  for (int i = 0; i < 200; ++i)
    scripts::get().push(
        "faulty", i % 2 == 0 ? fail() : sleep_then_win(std::chrono::milliseconds{300}));

  std::atomic<int> builtin_errors{0}, builtin_rounds{0}, faulty_rounds{0};
  std::vector<std::string> faulty_codes;
  std::mutex mtx;
  std::vector<std::thread> threads;
  for (int p = 1; p <= 4; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < 60; ++i) {
        auto err = i % 2 ? play(f, p, "builtin", "slot-5x3", 10)
                         : play(f, p, "builtin", "dice", 100, R"({"chance":3300})");
        if (!err.empty()) builtin_errors.fetch_add(1);
        builtin_rounds.fetch_add(1);
      }
    });
  for (int p = 5; p <= 6; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < 40; ++i) {
        auto err = play(f, p, "faulty", "g1", 10);
        std::lock_guard<std::mutex> guard{mtx};
        faulty_codes.push_back(err);
        faulty_rounds.fetch_add(1);
      }
    });
  for (auto& t : threads)
    t.join();

  CHECK(builtin_rounds.load() == 240);
  CHECK(builtin_errors.load() == 0);
  int unavailable = 0;
  for (auto& code : faulty_codes) {
    CHECK((code == "vendor_error" || code == "vendor_unavailable" ||
           code == "vendor_busy"));
    unavailable += code == "vendor_unavailable";
  }
  CHECK(unavailable > 0); // the circuit opened
  // The crashing vendor was restarted within its intensity (3), then given up.
  REQUIRE(wait_until(
      [&] { return crashing_constructions.load() - constructions_before == 4; }));
  CHECK(play(f, 1, "crashing", "anything", 10) == "vendor_unavailable");
  CHECK(f.the_node().stats()->actor_restarts.load() >= 3);
  // Built-in rounds still work after all that.
  CHECK(play(f, 1, "builtin", "slot-5x3", 10).empty());
  auto unsettled = [&] {
    auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
    auto st = conn.prepare(
        "SELECT count(*) FROM rounds WHERE credited = 0 AND open_bet_count > 0");
    st.step();
    return st.int64(0);
  };
  REQUIRE(wait_until([&] { return unsettled() == 0; }));
  CHECK(f.verify().ok);
  scripts::get().clear();
}
