#pragma once

// Presence: which player sessions are connected on this node. It subscribes to the
// event feed (as "presence", from the head on: pushes after a restart would be stale)
// and pushes each committed balance change to every session of that player, the newest
// balance of each currency once per batch of events, so that every open connection
// sees it at once.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"

#include <memory>

namespace agg {

// (join_atom, player, session) and (leave_atom, player, session) maintain the map;
// sessions are monitored and dropped when they end. (push_atom, round_result)
// goes to every session of the player as it is;
// (broadcast_atom, vendor_status) goes to every session as (push_atom, vendor_status).
// (stats_atom) -> int64_t: the number of joined sessions; (get_atom) -> bool: whether
// it is subscribed to the feed.
caf::actor spawn_presence(caf::actor_system& sys, std::shared_ptr<metrics> stats);

} // namespace agg
