#include "actors/risk/simulate.hpp"

#include "actors/risk/engine.hpp"

#include <algorithm>
#include <random>
#include <tuple>

namespace agg::risk {

namespace {

struct timed {
  int64_t at_us;
  int player;
  size_t action;
};

} // namespace

std::vector<sample> replay(const std::vector<sim_player>& players,
                           const replay_options& opts) {
  std::mt19937_64 rng(opts.seed);
  std::normal_distribution<double> jitter(0, std::max(opts.jitter_ms, 1e-9));
  std::uniform_real_distribution<double> rtt(0, std::max(opts.rtt_ms, 1e-9));
  std::vector<timed> order;
  for (const auto& p : players) {
    int64_t last = 0;
    for (size_t i = 0; i < p.actions.size(); ++i) {
      auto ms = static_cast<double>(p.actions[i].at_ms) * opts.time_scale;
      if (opts.jitter_ms > 0) ms += jitter(rng);
      if (opts.rtt_ms > 0) ms += rtt(rng);
      auto at = std::max(last + 1, static_cast<int64_t>(ms * 1'000));
      last = at;
      order.push_back({at, p.index, i});
    }
  }
  std::sort(order.begin(), order.end(), [](const timed& a, const timed& b) {
    return std::tie(a.at_us, a.player, a.action) < std::tie(b.at_us, b.player, b.action);
  });
  engine_options eo;
  eo.score_every = opts.score_every;
  engine e(eo);
  std::vector<sample> out;
  auto take = [&](int index, bool withdrawal) {
    if (!e.scorable(index + 1)) return; // as the server: no score without play
    const auto& p = players[static_cast<size_t>(index)];
    out.push_back({index, p.truth, withdrawal, e.features(index + 1)});
  };
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<bool> claimed(players.size(), false); // a grant at the next deposit
  std::exponential_distribution<double> slot_multiplier(1.0 / 3.84);
  for (const auto& t : order) {
    const auto& p = players[static_cast<size_t>(t.player)];
    const auto& a = p.actions[t.action];
    auto id = static_cast<int64_t>(t.player) + 1;
    std::vector<int64_t> changed;
    auto link = [&](link_kind k, const std::string& v) {
      for (auto other : e.on_link(id, k, v, t.at_us))
        if (std::find(changed.begin(), changed.end(), other) == changed.end())
          changed.push_back(other);
    };
    switch (a.what) {
      case sim_action::kind::registration:
        link(link_kind::device, a.device);
        link(link_kind::address, a.address);
        link(link_kind::registration, p.email);
        break;
      case sim_action::kind::claim:
        claimed[static_cast<size_t>(t.player)] = true;
        break;
      case sim_action::kind::deposit:
        link(link_kind::instrument, a.instrument);
        e.on_event(id, {risk_event::kind::deposit, t.at_us, a.amount, "", false, false});
        if (claimed[static_cast<size_t>(t.player)]) {
          claimed[static_cast<size_t>(t.player)] = false;
          e.on_event(
              id, {risk_event::kind::bonus_grant, t.at_us, a.amount, "", false, false});
        }
        break;
      case sim_action::kind::withdraw:
        link(link_kind::instrument, a.instrument);
        e.on_event(id, {risk_event::kind::withdrawal_request, t.at_us, a.amount, "",
                        false, false});
        take(t.player, true);
        break;
      case sim_action::kind::bet: {
        bool due = e.on_event(
            id, {risk_event::kind::bet, t.at_us, a.amount, a.game, false, false});
        // The games' return: the slot pays a quarter of its spins, dice about half.
        int64_t win = 0;
        if (a.game == "dice") {
          if (unit(rng) < 0.485) win = 2 * a.amount;
        } else if (unit(rng) < 0.25) {
          win =
              static_cast<int64_t>(static_cast<double>(a.amount) * slot_multiplier(rng));
        }
        if (win > 0)
          e.on_event(id, {risk_event::kind::win, t.at_us, win, a.game, false, false});
        if (due) take(t.player, false);
        break;
      }
    }
    for (auto other : changed)
      take(static_cast<int>(other - 1), false);
  }
  for (const auto& p : players)
    take(p.index, false);
  return out;
}

} // namespace agg::risk
