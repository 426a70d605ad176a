#pragma once

// The directory of vendors: which vendor connection serves each vendor now, the
// merged game catalog with availability, and the routing of player requests to the
// right vendor. A vendor that is down (restarting, or given up by its supervisor)
// answers vendor_unavailable while every other vendor carries on.
//
// Vendor connections register with (put_atom, id, actor, game_catalog) and report
// their circuit with vendor_status; the directory monitors them and tells every
// player session when a vendor's availability changes.

#include "actors/core/messages.hpp"

#include <functional>
#include <vector>

namespace agg {

// Accepts (games_atom) -> game_catalog, (play_atom, play_request) -> round_result,
// (seeds_atom, vendor, player) -> seed_view,
// (rotate_atom, vendor, player, client_seed) -> seed_reveal,
// (verify_atom, verify_request) -> round_result,
// (launch_atom, launch_request) -> launch_reply,
// (seamless_atom, vendor, seamless_call) -> seamless_result (a studio's wallet call),
// (get_atom, vendor) -> the vendor's connection (vendor_actor) while it is up,
// (details_atom, vendor, round_id, player) -> URL of the round's details,
// (grant_atom, vendor, free_rounds_award) -> true once the studio gave the rounds.
caf::actor spawn_vendor_directory(caf::actor_system& sys,
                                  std::vector<std::string> vendors,
                                  std::function<caf::actor()> presence);

caf::atom_value vendor_directory_name();

} // namespace agg
