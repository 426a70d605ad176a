#pragma once

// A simulated population played offline through the risk engine (engine.hpp), as
// the server would see it: its time compressed by a factor, each bet delayed by a
// round trip and jittered, every bet's result drawn at the games' return. Gives the
// feature values at every decision point, labelled, for training and for checking
// a model without a server. No actors.

#include "actors/risk/population.hpp"

#include <cstdint>
#include <vector>

namespace agg::risk {

struct replay_options {
  uint64_t seed = 7;
  double time_scale = 1.0; // real time per simulated time
  double jitter_ms = 0;    // standard deviation added to each action's time
  double rtt_ms = 0;       // the most a round trip adds before a bet (uniform)
  int64_t score_every = 50;
};

struct sample {
  int player = 0; // index in the population
  label truth = label::human;
  bool withdrawal = false;    // taken at a withdrawal request
  std::vector<double> values; // feature_names() order
};

std::vector<sample> replay(const std::vector<sim_player>& players,
                           const replay_options& opts);

} // namespace agg::risk
