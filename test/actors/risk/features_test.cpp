// The risk engine's parts that need no actor (docs/risk.md): the online behavioural
// features (a scripted bot and a human told apart by their timing and stakes,
// sessions and the night share, bursts, game switching, bonus play, money straight in
// and out, constant memory) and account linking (groups, reasons, the cap on shared
// identifiers, the address window).

#include "actors/risk/features.hpp"
#include "actors/risk/linking.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>

using namespace agg::risk;

namespace {

constexpr int64_t second = 1'000'000;

std::map<std::string, double> named(const player_features& p, int64_t linked = 1) {
  std::map<std::string, double> out;
  auto names = feature_names();
  auto values = p.values(linked);
  REQUIRE(names.size() == values.size());
  for (size_t i = 0; i < names.size(); ++i)
    out[names[i]] = values[i];
  return out;
}

risk_event bet(int64_t at, int64_t stake, std::string game = "slot") {
  return risk_event{risk_event::kind::bet, at, stake, std::move(game), false, false};
}

} // namespace

TEST_CASE("a scripted bot's timing and stakes stand apart from a human's", "[risk]") {
  player_features bot, human;
  std::mt19937_64 rng{7};
  std::lognormal_distribution<double> think{std::log(6.0), 0.9}; // seconds, skewed
  std::uniform_int_distribution<int> stake_pick{0, 5};
  const int64_t stakes[] = {20, 50, 100, 100, 200, 500};
  int64_t t_bot = 1'000 * second, t_human = 1'000 * second;
  for (int i = 0; i < 500; ++i) {
    bot.add(bet(t_bot, 100));
    t_bot += 2 * second;
    human.add(bet(t_human, stakes[stake_pick(rng)]));
    t_human += static_cast<int64_t>(think(rng) * second);
  }
  auto b = named(bot), h = named(human);
  CHECK(b["gap_cv"] < 0.01);
  CHECK(h["gap_cv"] > 0.5);
  CHECK(b["gap_mode_share"] > 0.99);
  CHECK(h["gap_mode_share"] < 0.3);
  CHECK(b["gap_entropy_bits"] < 0.1);
  CHECK(h["gap_entropy_bits"] > 4);
  CHECK(b["stake_cv"] == 0);
  CHECK(b["stake_top_share"] == 1.0);
  CHECK(h["stake_top_share"] < 0.6);
  CHECK(h["stake_cv"] > 0.5);
  CHECK(b["gap_mean_s"] == Approx(2.0));
  CHECK(b["burst_max_per_min"] == 30);
}

TEST_CASE("sessions, night share, hours active and game switching", "[risk]") {
  player_features p;
  const int64_t day = 86'400 * second;
  int64_t t = 10 * day + 2 * 3'600 * second; // 02:00 UTC
  for (int i = 0; i < 10; ++i)
    p.add(bet(t + i * 60 * second, 10, i % 2 ? "dice" : "slot")); // a 9-minute session
  t += 10 * 3'600 * second;                                       // 12:00: a new session
  for (int i = 0; i < 10; ++i)
    p.add(bet(t + i * 60 * second, 10, "slot"));
  auto f = named(p);
  CHECK(f["sessions_log"] == Approx(std::log1p(2.0)));
  CHECK(f["session_mean_min"] == Approx(9.0));
  CHECK(f["night_share"] == Approx(0.5));
  CHECK(f["hours_active"] == 2);
  CHECK(f["game_switch_rate"] == Approx(10.0 / 19.0));
}

TEST_CASE("bonus play on low-weight games, money straight out, results against the "
          "expected return, the linked group",
          "[risk]") {
  player_features p;
  int64_t t = 1'000 * second;
  p.add({risk_event::kind::deposit, t, 10'000, "", false, false});
  p.add({risk_event::kind::bet, t + second, 300, "roulette", true, true});
  p.add({risk_event::kind::bet, t + 2 * second, 100, "slot", true, false});
  p.add({risk_event::kind::win, t + 3 * second, 2'000, "", false, false});
  p.add({risk_event::kind::withdrawal_request, t + 60 * second, 9'000, "", false, false});
  auto f = named(p, 4);
  CHECK(f["bonus_bet_share"] == 1.0);
  CHECK(f["bonus_low_weight_share"] == Approx(0.75));
  // 400 of 10,000 wagered, 9,000 of it asked back a minute later.
  CHECK(f["fast_cashout"] == Approx(0.96 * 0.9 * std::exp(-1.0 / 60 / 24)));
  CHECK(f["linked_cashout"] == Approx(2 * f["fast_cashout"]));
  CHECK(f["rtp_deviation"] > 5);
  CHECK(f["linked_group_log2"] == Approx(2.0));
  // A day later, after playing the deposit through, the velocity is low.
  p.add({risk_event::kind::deposit, t + 86'400 * second, 1'000, "", false, false});
  for (int i = 0; i < 20; ++i)
    p.add(bet(t + 86'400 * second + (i + 1) * second, 100));
  p.add({risk_event::kind::withdrawal_request, t + 2 * 86'400 * second, 500, "", false,
         false});
  CHECK(named(p)["fast_cashout"] < 0.2);
}

TEST_CASE("the gap histogram keeps its shape in constant memory", "[risk]") {
  gap_histogram h;
  for (int i = 0; i < 200'000; ++i)
    h.add(i % 4 == 0 ? 5 * second : 1 * second);
  CHECK(h.total() < 200'000);
  CHECK(h.mode_share() == Approx(0.75).margin(0.01));
  CHECK(gap_histogram::bin_of(0) == 0);
  CHECK(gap_histogram::bin_of(INT64_MAX / 2) == gap_histogram::bins - 1);
  CHECK(gap_histogram::bin_of(1'050 * 1'000) - gap_histogram::bin_of(1'000 * 1'000) == 1);
  frequent_values v;
  for (int i = 0; i < 100; ++i)
    v.add(i % 10 == 0 ? 7 : 100 + i); // 10% sevens among all-different values
  CHECK(v.top_share() <= 0.1);
}

// -- linking -------------------------------------------------------------------

TEST_CASE("accounts sharing a device or instrument form one group, with reasons",
          "[risk][links]") {
  account_links links{{3, 86'400'000'000}};
  links.observe(1, link_kind::device, "dev-a", 0);
  links.observe(2, link_kind::device, "dev-a", 10);
  links.observe(3, link_kind::instrument, "card-x", 20);
  links.observe(2, link_kind::instrument, "card-x", 30);
  links.observe(9, link_kind::device, "dev-z", 40);
  CHECK(links.group_size(1) == 3);
  CHECK(links.group(3) == std::vector<int64_t>{1, 2, 3});
  CHECK(links.group_size(9) == 1);
  auto why = links.links_of(2);
  REQUIRE(why.size() == 2);
  bool device = false, instrument = false;
  for (const auto& r : why) {
    device =
        device || (r.player == 1 && r.kind == link_kind::device && r.value == "dev-a");
    instrument = instrument || (r.player == 3 && r.kind == link_kind::instrument);
  }
  CHECK(device);
  CHECK(instrument);
}

TEST_CASE("an identifier shared by more accounts than the cap links nobody",
          "[risk][links]") {
  account_links links{{3, 86'400'000'000}};
  for (int64_t p = 1; p <= 3; ++p)
    links.observe(p, link_kind::address, "10.0.0.1", p);
  CHECK(links.group_size(1) == 3);
  links.observe(4, link_kind::address, "10.0.0.1", 4); // a fourth: public now
  CHECK(links.is_public(link_kind::address, "10.0.0.1"));
  CHECK(links.group_size(1) == 1);
  CHECK(links.group_size(4) == 1);
  CHECK(links.links_of(1).empty());
  // Other links stand.
  links.observe(1, link_kind::device, "dev", 5);
  links.observe(4, link_kind::device, "dev", 6);
  CHECK(links.group(1) == std::vector<int64_t>{1, 4});
}

TEST_CASE("an address links only within its window", "[risk][links]") {
  const int64_t day = 86'400'000'000;
  account_links links{{8, day}};
  links.observe(1, link_kind::address, "192.0.2.7", 0);
  links.observe(2, link_kind::address, "192.0.2.7", day / 2);
  CHECK(links.group_size(1) == 2);
  links.prune(day + day / 4); // player 1's use is older than a day
  CHECK(links.group_size(1) == 1);
  CHECK(links.group_size(2) == 1);
}
