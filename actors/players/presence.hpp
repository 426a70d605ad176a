#pragma once

// Presence: which player sessions are connected on this node. Wallets publish every
// committed balance change here; presence forwards it to each session of that
// player, so every open connection sees it at once.

#include "actors/core/messages.hpp"

namespace agg {

// (join_atom, player, session) and (leave_atom, player, session) maintain the map;
// sessions are monitored and dropped when they end. (push_atom, balance_push) and
// (push_atom, round_result) go to every session of the player as they are;
// (broadcast_atom, vendor_status) goes to every session as (push_atom, vendor_status).
// (stats_atom) -> int64_t: the number of joined sessions.
caf::actor spawn_presence(caf::actor_system& sys);

} // namespace agg
