#pragma once

// What the risk engine takes from each committed event (docs/risk.md): bets, wins and
// refunds with their stake, game and bonus parts; deposits and withdrawal requests;
// the device, address and registration data of registrations, logins and resumes;
// the instrument of payments. No actors.

#include "actors/risk/engine.hpp"
#include "persistence/event_log.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace agg::risk {

struct feed_outcome {
  std::vector<int64_t> due;  // players at a decision point, in order, no repeats
  std::string withdrawal_tx; // a withdrawal request's payment id, when it was one
};

feed_outcome take_event(engine& e, const feed_event& ev);

// A client's address: not an operator's ("operator:<key>"), the system's or the
// engine's own; only those link accounts and count failed logins.
bool client_address(const std::string& address);

} // namespace agg::risk
