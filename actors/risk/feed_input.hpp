#pragma once

// What the risk engine takes from each committed event (docs/risk.md): bets, wins and
// refunds with their stake, game and bonus parts; deposits and withdrawal requests;
// the device, address and registration data of registrations, logins and resumes;
// the instrument of payments. No actors.

#include "actors/risk/engine.hpp"
#include "persistence/event_log.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace agg::risk {

struct feed_outcome {
  std::vector<int64_t> due;  // players at a decision point, in order, no repeats
  std::string withdrawal_tx; // a withdrawal request's payment id, when it was one
};

// The percent of a stake on `game` of `vendor` that counts toward a grant's
// wagering (bonus_parts.hpp stake_weight), or -1 when the grant is unknown.
using weight_lookup = std::function<int64_t(
    const std::string& grant_id, const std::string& vendor, const std::string& game)>;

// A bet with bonus money is on a low-weight game when one of its grants counts its
// stake under half (`weight_of` may be empty: none is).
feed_outcome take_event(engine& e, const feed_event& ev,
                        const weight_lookup& weight_of = {});

} // namespace agg::risk
