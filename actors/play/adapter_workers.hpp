#pragma once

// The threads that run a vendor's adapter: its calls may block (a remote studio's HTTP,
// a slow game), so they run on detached actors of their own, never on the cooperative
// scheduler. A pool of them takes play, resolve, seeds, rotate, launch, verify, details
// and health requests round robin; an adapter's exception becomes a vendor error
// (invalid_params and not_provably_fair keep their meaning).

#include "actors/core/messages.hpp"
#include "vendors/adapter.hpp"

#include <memory>
#include <string>

namespace agg {

outcome_reply reply_of(const vendors::round_outcome& o);

// Spawns `workers` detached workers of `adapter` behind one round-robin pool.
caf::actor spawn_adapter_workers(caf::actor_system& sys,
                                 std::shared_ptr<vendors::adapter> adapter,
                                 std::string vendor, size_t workers);

} // namespace agg
