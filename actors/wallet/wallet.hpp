#pragma once

// The wallet actor: one per player, the only writer of that player's balances.
//
// It applies requests in arrival order to its wallet_core (an in-memory view that
// already includes writes still being committed), sends new entries to the ledger
// writer (those of requests that arrived together as one append), and replies to each
// request only once every entry up to that point is durable. Unknown transaction ids are
// first looked up on a ledger reader; requests behind a lookup wait in order. A failed
// commit fails the affected requests with a retryable error and reloads the wallet from
// the database.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "actors/wallet/id_filter.hpp"
#include "actors/wallet/storage_actors.hpp"

#include <chrono>

namespace agg {

using wallet_actor =
    caf::typed_actor<caf::replies_to<wallet_atom, wallet_request>::with<wallet_receipt>,
                     // The account's status changed (account_status).
                     caf::replies_to<status_atom, uint8_t>::with<bool>,
                     // The player's wager and loss limits changed (read them again).
                     caf::replies_to<limits_atom, play_limits>::with<bool>,
                     caf::reacts_to<committed_atom, commit_result>,
                     // To itself: send what the requests applied so far wrote to the
                     // ledger writer, as one append.
                     caf::reacts_to<append_atom>, caf::reacts_to<tick_atom>,
                     caf::reacts_to<stop_atom>>;

struct wallet_limits {
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds storage_timeout{10'000};
  size_t cache_entries_max = 4096;
  size_t queue_len_max = 4096;
};

struct wallet_deps {
  caf::actor writer;
  reader_actor reader;
  caf::actor registry;            // told when the wallet has been idle for idle_timeout
  std::shared_ptr<id_filter> ids; // the node's filter of stored ids
  std::shared_ptr<metrics> stats; // may be null
  wallet_limits limits;
};

// Spawns the wallet of `player_id` monitored by `parent`. When `predecessor` is set (a
// previous wallet of the same player that is still finishing its commits), loading
// waits until it has terminated.
wallet_actor spawn_wallet(caf::local_actor* parent, int64_t player_id, wallet_deps deps,
                          caf::actor_addr predecessor);

} // namespace agg
