#pragma once

// The risk engine's state without actors (docs/risk.md): every player's features and
// the account links, fed with one player's events at a time, and the decision
// points at which a player is scored: every `score_every` bets, each withdrawal
// request, and each change of the player's linked group. The server feeds it from the
// event feed (risk_service.cpp), the trainer from a simulated population
// (simulate.hpp): both see the same features.

#include "actors/risk/features.hpp"
#include "actors/risk/linking.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace agg::risk {

struct engine_options {
  int64_t score_every = 50; // bets between two scores
  // Players with fewer bets are not scored: the model judges play (money in and out
  // without play is for the cashier's own rules).
  int64_t min_bets = 5;
  link_options links;
};

class engine {
public:
  explicit engine(engine_options opts = {});

  // Returns true when the event makes a decision point for the player.
  bool on_event(int64_t player, const risk_event& e);
  // The player used an identifier; returns the players whose linked group changed
  // and who asked for a withdrawal (a group is evidence with money going out), the
  // decision points of a link.
  std::vector<int64_t> on_link(int64_t player, link_kind kind, const std::string& value,
                               int64_t at_us);

  // The player's feature values (feature_names() order), the linked group included.
  std::vector<double> features(int64_t player);
  // True when the player has played enough to be scored.
  bool scorable(int64_t player) const;
  // Null for a player never seen.
  const player_features* find(int64_t player) const;
  account_links& links() { return links_; }
  size_t players() const { return players_.size(); }

private:
  engine_options opts_;
  std::unordered_map<int64_t, player_features> players_;
  account_links links_;
};

} // namespace agg::risk
