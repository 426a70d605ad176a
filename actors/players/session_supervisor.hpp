#pragma once

// Watches every player session: counts the ones that failed (a failure ends only its own
// connection) and, when it is stopped, stops them all. Accepts (watch_atom, actor) and
// (stats_atom) -> (int64_t live, int64_t failed).

#include "actors/core/metrics.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <memory>

namespace agg {

caf::actor spawn_session_supervisor(caf::actor_system& sys,
                                    std::shared_ptr<metrics> stats);

} // namespace agg
