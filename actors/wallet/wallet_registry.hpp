#pragma once

// The wallet registry (directory): routes every wallet request to the player's wallet
// actor, spawning it on first use, and takes back wallets that have been idle. A
// wallet stopping while its commits finish is handed to its successor, which loads
// only after it is gone, so a player never has two live views of its balance.

#include "actors/wallet/storage_actors.hpp"
#include "actors/wallet/wallet.hpp"

#include <vector>

namespace agg {

using registry_actor = caf::typed_actor<
    caf::replies_to<wallet_atom, wallet_request>::with<wallet_receipt>,
    caf::replies_to<history_atom, int64_t, int64_t, int64_t>::with<history_page>,
    // A player's events (money and activity) created before a time (us), newest
    // first: (player, before_us, limit).
    caf::replies_to<timeline_atom, int64_t, int64_t, int64_t>::with<event_batch>,
    // Rounds of a vendor (source) opened before a time (us) and never settled.
    caf::replies_to<unsettled_atom, std::string, int64_t, int64_t>::with<round_page>,
    // The rounds of a player's newest ledger entries (before_seq, limit).
    caf::replies_to<rounds_atom, int64_t, int64_t, int64_t>::with<round_page>,
    // A vendor's day (vendor, from_us, to_us, open rounds at most), from a reader.
    caf::replies_to<reconcile_atom, std::string, int64_t, int64_t,
                    int64_t>::with<reconciliation_report>,
    caf::reacts_to<idle_atom, int64_t>,
    // Tells the player's live wallet (if any) that its account status changed; a
    // wallet loaded later reads the status from the database.
    caf::replies_to<status_atom, int64_t, uint8_t>::with<bool>,
    // A player's limits changed: its live wallet reads them again.
    caf::replies_to<limits_atom, int64_t, play_limits>::with<bool>,
    // Stop taking requests, let every wallet finish its commits; replies when all are
    // gone.
    caf::replies_to<drain_atom>::with<int64_t>,
    // The number of live wallets (including those finishing their commits).
    caf::replies_to<stats_atom>::with<int64_t>>;

struct registry_deps {
  caf::actor writer;
  std::vector<reader_actor> readers;
  std::shared_ptr<id_filter> ids;
  std::shared_ptr<metrics> stats; // may be null
  wallet_limits limits;
};

registry_actor spawn_wallet_registry(caf::actor_system& sys, registry_deps deps);

// Reads the registry that the supervisor keeps registered under this name.
caf::atom_value wallet_registry_name();

} // namespace agg
