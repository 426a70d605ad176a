// Proves the round lifecycle through the running node: debit, outcome, credit, with a
// failure injected at each step (the adapter throws, hangs past its timeout, its
// vendor connection is killed mid-round, the win's commit fails) ending with the stake
// settled or refunded, never lost or doubled, and the ledger verifying. Also the
// limits (stakes, currencies, concurrency, locked players) and the circuit breaker.

#include "actors/core/vendor_errc.hpp"
#include "persistence/ledger_store.hpp"
#include "support/node_fixture.hpp"
#include "support/scripted_vendor.hpp"

#include <catch2/catch.hpp>

using namespace agg;
using namespace agg::test;

namespace {

struct played {
  std::string error; // empty on success
  round_result round;
  bool ok() const { return error.empty(); }
};

void with_faulty_vendor(server_options& o) {
  o.vendors = {"builtin", "faulty"};
  o.vendor_settings["faulty"] = {
      {"kind", "scripted"},      {"round_timeout_ms", "200"},
      {"breaker_failures", "3"}, {"breaker_cooldown_ms", "300"},
      {"concurrency_max", "4"},  {"workers", "8"}};
}

played play(node_fixture& f, int64_t player, const std::string& vendor,
            const std::string& game, int64_t stake, const std::string& params = "") {
  played out;
  play_request r{player, vendor, game, "EUR", stake, params, 0, {}};
  // A scoped actor of its own: tests call this from several threads at once.
  caf::scoped_actor self{f.sys};
  self->request(f.the_node().vendors(), std::chrono::seconds{20}, play_atom_v, r)
      .receive([&](round_result& rr) { out.round = std::move(rr); },
               [&](caf::error& e) { out.error = error_code_of(e); });
  return out;
}

std::optional<round_record> round_of(node_fixture& f, const std::string& vendor,
                                     const std::string& round_id) {
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  ledger_reader rd{conn};
  return rd.find_round(vendor, round_id);
}

int64_t unsettled(node_fixture& f) {
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  auto st = conn.prepare(
      "SELECT count(*) FROM rounds WHERE credited = 0 AND open_bet_count > 0");
  st.step();
  return st.int64(0);
}

struct round_fixture : node_fixture {
  round_fixture() : node_fixture(with_faulty_vendor) {
    scripts::get().clear();
    REQUIRE(call(deposit(1, "fund-1", 1000)).ok());
  }
  ~round_fixture() { scripts::get().clear(); }
};

} // namespace

TEST_CASE_METHOD(round_fixture, "a round debits the stake, plays and pays the win",
                 "[rounds]") {
  scripts::get().push("faulty", win(250));
  auto r = play(*this, 1, "faulty", "g1", 100);
  REQUIRE(r.ok());
  CHECK(r.round.win == 250);
  CHECK(r.round.balance == 1150);
  CHECK(balance_of(1) == 1150);
  auto stored = round_of(*this, "faulty", r.round.round_id);
  REQUIRE(stored);
  CHECK(stored->credited);
  CHECK(stored->closed);
  CHECK(stored->game_id == "g1");
  CHECK(stored->bet_total == 100);
  CHECK(stored->win_total == 250);
  CHECK(stored->detail.find("\"outcome\"") != std::string::npos);
  CHECK(verify().ok);
}

TEST_CASE_METHOD(round_fixture, "the built-in studio plays slot and dice rounds",
                 "[rounds]") {
  // Enough that a run of losses (the outcomes are random) cannot empty the balance.
  REQUIRE(call(deposit(1, "fund-more", 100'000)).ok());
  for (int i = 0; i < 20; ++i) {
    auto slot = play(*this, 1, "builtin", "slot-5x3", 10);
    REQUIRE(slot.ok());
    CHECK(slot.round.nonce == 2 * i);
    CHECK(slot.round.server_seed_hash.size() == 64);
    auto dice = play(*this, 1, "builtin", "dice", 100, R"({"chance":5000})");
    REQUIRE(dice.ok());
    CHECK(dice.round.nonce == 2 * i + 1);
    CHECK((dice.round.win == 0 || dice.round.win == 198));
  }
  CHECK(verify().ok);
  CHECK(unsettled(*this) == 0);
}

TEST_CASE_METHOD(round_fixture,
                 "an adapter that throws after the debit refunds the stake",
                 "[rounds][failure]") {
  scripts::get().push("faulty", fail());
  auto r = play(*this, 1, "faulty", "g1", 100);
  CHECK(r.error == "vendor_error");
  REQUIRE(wait_until([&] { return balance_of(1) == 1000 && unsettled(*this) == 0; }));
  CHECK(verify().ok);
}

TEST_CASE_METHOD(round_fixture,
                 "an adapter that hangs past its timeout refunds the stake",
                 "[rounds][failure]") {
  scripts::get().push("faulty", sleep_then_win(std::chrono::milliseconds{600}, 500));
  auto r = play(*this, 1, "faulty", "g1", 100);
  CHECK(r.error == "vendor_error");
  REQUIRE(wait_until([&] { return balance_of(1) == 1000 && unsettled(*this) == 0; }));
  CHECK(verify().ok);
}

TEST_CASE_METHOD(round_fixture,
                 "a vendor connection killed mid-round is restarted and refunds",
                 "[rounds][failure]") {
  gate g;
  scripts::get().push("faulty", g.step(900));
  std::thread player{[&] { play(*this, 1, "faulty", "g1", 100); }};
  REQUIRE(g.wait_for_waiters(1, std::chrono::seconds{10}));
  CHECK(balance_of(1) == 900); // debited, outcome pending
  auto child = [&](const caf::actor& sup, const std::string& id) {
    caf::actor out;
    self->request(sup, std::chrono::seconds{5}, caf::get_atom_v, id)
        .receive([&](caf::actor& a) { out = a; }, [](caf::error&) {});
    return out;
  };
  auto connection =
      child(child(child(the_node().root(), "studios"), "vendor:faulty"), "connection");
  REQUIRE(connection);
  self->send_exit(connection, caf::exit_reason::kill);
  player.join();
  // The restarted connection settles the round it finds open: the outcome was never
  // made durable, so the stake comes back.
  REQUIRE(wait_until([&] { return balance_of(1) == 1000 && unsettled(*this) == 0; }));
  g.open();
  CHECK(verify().ok);
}

TEST_CASE("a win whose commit fails is retried until it is durable",
          "[rounds][failure]") {
  std::atomic<int> commits{0};
  std::atomic<int> fail_at{-1};
  node_hooks hooks;
  hooks.before_commit = [&](size_t) { return ++commits == fail_at.load(); };
  node_fixture f{with_faulty_vendor, hooks};
  REQUIRE(f.call(deposit(1, "fund-1", 1000)).ok());
  scripts::get().clear();
  scripts::get().push("faulty", win(300));
  fail_at = commits.load() + 2; // the bet commits, the win's first commit fails
  auto r = play(f, 1, "faulty", "g1", 100);
  REQUIRE(r.ok());
  CHECK(r.round.win == 300);
  CHECK(f.balance_of(1) == 1200);
  CHECK(f.verify().ok);
}

int64_t entries_of(node_fixture& f, int64_t player) {
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  auto st = conn.prepare("SELECT count(*) FROM ledger WHERE player_id = ?");
  st.bind(1, player);
  st.step();
  return st.int64(0);
}

// The built-in studio answers at once, so its win goes to the wallet right behind the
// bet, before the bet is durable: the win must never be written without its bet.
TEST_CASE("a win sent behind its bet is not paid when the bet is not written",
          "[rounds][failure]") {
  std::atomic<bool> armed{false};
  node_hooks hooks;
  // Fails the first commit that holds a write once armed: the bet's.
  hooks.before_commit = [&](size_t writes) {
    return writes > 0 && armed.exchange(false);
  };
  node_fixture f{with_faulty_vendor, hooks};
  REQUIRE(f.call(deposit(1, "fund-1", 1000)).ok());
  const std::string dice = R"({"chance":5000})";

  armed = true;
  auto failed = play(f, 1, "builtin", "dice", 100, dice);
  CHECK(failed.error == "storage_error");
  // The round ends rolled back: the refund of a bet never written leaves its tombstone.
  REQUIRE(wait_until([&] { return unsettled(f) == 0 && entries_of(f, 1) == 2; }));
  CHECK(f.balance_of(1) == 1000);

  // A bet the wallet refuses takes the win with it: nothing is written.
  CHECK(play(f, 1, "builtin", "dice", 2000, dice).error == "insufficient_funds");
  CHECK(entries_of(f, 1) == 2);

  auto played_round = play(f, 1, "builtin", "dice", 100, dice);
  REQUIRE(played_round.ok());
  CHECK(f.balance_of(1) == 900 + played_round.round.win);
  CHECK(played_round.round.balance == 900 + played_round.round.win);
  CHECK(entries_of(f, 1) == 4);
  CHECK(unsettled(f) == 0);
  CHECK(f.verify().ok);
}

TEST_CASE("a studio that answers at once and fails takes nothing, and counts",
          "[rounds][failure][breaker]") {
  node_fixture f{[](server_options& o) {
    o.vendors = {"now"};
    o.vendor_settings["now"] = {{"kind", "scripted_now"},
                                {"breaker_failures", "2"},
                                {"breaker_cooldown_ms", "60000"}};
  }};
  scripts::get().clear();
  REQUIRE(f.call(deposit(1, "fund-1", 1000)).ok());
  scripts::get().push("now", win(250));
  auto paid = play(f, 1, "now", "g1", 100);
  REQUIRE(paid.ok());
  CHECK(paid.round.win == 250);
  CHECK(f.balance_of(1) == 1150);
  CHECK(entries_of(f, 1) == 3);
  // Thrown before the debit: nothing is written, and the breaker counts it.
  for (int i = 0; i < 2; ++i) {
    scripts::get().push("now", fail());
    CHECK(play(f, 1, "now", "g1", 100).error == "vendor_error");
  }
  CHECK(f.balance_of(1) == 1150);
  CHECK(entries_of(f, 1) == 3);
  CHECK(play(f, 1, "now", "g1", 100).error == "vendor_unavailable");
  CHECK(unsettled(f) == 0);
  CHECK(f.verify().ok);
  scripts::get().clear();
}

TEST_CASE_METHOD(round_fixture, "bad parameters and stakes debit nothing",
                 "[rounds][limits]") {
  CHECK(play(*this, 1, "builtin", "dice", 100, R"({"chance":50})").error ==
        "invalid_params");
  CHECK(play(*this, 1, "builtin", "dice", 99, R"({"chance":5000})").error ==
        "invalid_stake");
  CHECK(play(*this, 1, "builtin", "slot-5x3", 15).error == "invalid_stake");
  CHECK(play(*this, 1, "builtin", "slot-5x3", 0).error == "invalid_stake");
  CHECK(play(*this, 1, "builtin", "slot-5x3", 1'000'000'000).error == "invalid_stake");
  CHECK(play(*this, 1, "builtin", "baccarat", 10).error == "unknown_game");
  CHECK(play(*this, 1, "nobody", "g1", 10).error == "vendor_unavailable");
  CHECK(play(*this, 1, "builtin", "slot-5x3", 2000).error == "insufficient_funds");
  CHECK(balance_of(1) == 1000);
  CHECK(unsettled(*this) == 0);
}

TEST_CASE("a currency's stake limit applies to every game", "[rounds][limits]") {
  node_fixture f{[](server_options& o) { o.stake_max_by_currency = {"EUR:50"}; }};
  REQUIRE(f.call(deposit(1, "fund-1", 1000)).ok());
  CHECK(play(f, 1, "builtin", "slot-5x3", 60).error == "invalid_stake");
  CHECK(play(f, 1, "builtin", "slot-5x3", 50).ok());
}

TEST_CASE_METHOD(round_fixture, "a locked player cannot open a round",
                 "[rounds][limits]") {
  bool told = false;
  self->request(the_node().wallets(), std::chrono::seconds{5}, status_atom_v, int64_t{1},
                static_cast<uint8_t>(account_status::locked))
      .receive([&](bool b) { told = b; }, [](caf::error&) {});
  REQUIRE(told);
  CHECK(play(*this, 1, "builtin", "slot-5x3", 10).error == "account_blocked");
  CHECK(balance_of(1) == 1000);
}

TEST_CASE_METHOD(round_fixture, "the concurrency limit answers vendor_busy",
                 "[rounds][limits]") {
  gate g;
  for (int i = 0; i < 4; ++i)
    scripts::get().push("faulty", g.step());
  std::vector<std::thread> players;
  for (int i = 0; i < 4; ++i)
    players.emplace_back([&] { play(*this, 1, "faulty", "g1", 1); });
  REQUIRE(g.wait_for_waiters(4, std::chrono::seconds{10}));
  CHECK(play(*this, 1, "faulty", "g1", 1).error == "vendor_busy");
  g.open();
  for (auto& t : players)
    t.join();
  CHECK(verify().ok);
}

TEST_CASE_METHOD(round_fixture,
                 "the breaker opens after failures and a good trial closes it",
                 "[rounds][breaker]") {
  for (int i = 0; i < 3; ++i) {
    scripts::get().push("faulty", fail());
    CHECK(play(*this, 1, "faulty", "g1", 10).error == "vendor_error");
  }
  auto started = scripts::get().started.load();
  CHECK(play(*this, 1, "faulty", "g1", 10).error == "vendor_unavailable");
  CHECK(scripts::get().started.load() == started); // refused before any debit
  auto available = [&] {
    bool up = false;
    self->request(the_node().vendors(), std::chrono::seconds{5}, games_atom_v)
        .receive(
            [&](game_catalog& c) {
              for (auto& g : c.games)
                if (g.vendor == "faulty") up = g.available;
            },
            [](caf::error&) {});
    return up;
  };
  CHECK_FALSE(available());
  // After the cool-down one trial goes through; it succeeds and closes the circuit.
  scripts::get().push("faulty", win(5));
  REQUIRE(wait_until([&] { return play(*this, 1, "faulty", "g1", 10).ok(); }));
  CHECK(available());
  CHECK(play(*this, 1, "faulty", "g1", 10).ok());
  REQUIRE(wait_until([&] { return unsettled(*this) == 0; }));
  CHECK(verify().ok);
}

TEST_CASE_METHOD(round_fixture,
                 "a trial round refused before the vendor leaves the trial open",
                 "[rounds][breaker]") {
  for (int i = 0; i < 3; ++i) {
    scripts::get().push("faulty", fail());
    CHECK(play(*this, 1, "faulty", "g1", 10).error == "vendor_error");
  }
  // After the cool-down the first round is the trial; its debit is refused, which says
  // nothing about the vendor, so the next round becomes the trial and closes it.
  REQUIRE(wait_until([&] {
    return play(*this, 1, "faulty", "g1", 5000).error == "insufficient_funds";
  }));
  scripts::get().push("faulty", win(1));
  CHECK(play(*this, 1, "faulty", "g1", 10).ok());
}
