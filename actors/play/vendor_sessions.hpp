#pragma once

// The store of game sessions of seamless-wallet studios: a detached actor with its own
// database connection (every call is SQLite).

#include "actors/core/messages.hpp"
#include "persistence/sqlite.hpp"

namespace agg {

using session_store_actor = caf::typed_actor<
    // Stores a new session; the player's earlier sessions with the vendor are superseded.
    caf::replies_to<caf::put_atom, vendor_session>::with<bool>,
    // Stores a session replacing the token given, if that one is still live; false
    // (nothing stored) otherwise.
    caf::replies_to<caf::put_atom, vendor_session, std::string>::with<bool>,
    // The session of a token; player_id 0 when there is none.
    caf::replies_to<caf::get_atom, std::string>::with<vendor_session>>;

session_store_actor spawn_session_store(caf::actor_system& sys,
                                        const std::string& db_path,
                                        const db::tuning& tuning);

caf::atom_value session_store_name();

} // namespace agg
