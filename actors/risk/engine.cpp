#include "actors/risk/engine.hpp"

namespace agg::risk {

engine::engine(engine_options opts) : opts_(opts), links_(opts.links) {}

bool engine::on_event(int64_t player, const risk_event& e) {
  auto& p = players_[player];
  p.add(e);
  switch (e.what) {
    case risk_event::kind::bet:
      return opts_.score_every > 0 && p.bets() % opts_.score_every == 0;
    case risk_event::kind::withdrawal_request:
      return true;
    default:
      return false;
  }
}

std::vector<int64_t> engine::on_link(int64_t player, link_kind kind,
                                     const std::string& value, int64_t at_us) {
  players_.try_emplace(player);
  auto before = links_.group_size(player);
  links_.observe(player, kind, value, at_us);
  if (links_.group_size(player) == before) return {};
  std::vector<int64_t> out;
  for (auto p : links_.group(player)) {
    auto i = players_.find(p);
    if (i != players_.end() && i->second.withdrawal_requests() > 0) out.push_back(p);
  }
  return out;
}

std::vector<double> engine::features(int64_t player) {
  auto i = players_.find(player);
  static const player_features none;
  return (i == players_.end() ? none : i->second).values(links_.group_size(player));
}

bool engine::scorable(int64_t player) const {
  auto* p = find(player);
  return p != nullptr && p->bets() >= opts_.min_bets;
}

const player_features* engine::find(int64_t player) const {
  auto i = players_.find(player);
  return i == players_.end() ? nullptr : &i->second;
}

} // namespace agg::risk
