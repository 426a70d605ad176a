#pragma once

// One actor per configured vendor (studio). It owns the vendor's adapter and a pool of
// worker threads that run it (adapter calls may block), and plays rounds:
//
//   open -> debited (the bet entry, with the round) -> outcome (the adapter)
//        -> credited and closed (the win entry, with the outcome)
//
// It enforces the vendor's concurrency limit, a per-round timeout and a circuit
// breaker; an open circuit answers vendor_unavailable at once, and is closed again by
// the first trial round after the cool-down or, for a studio with a health check, by
// the first healthy answer to the probes sent while it is open. On any failure after
// the debit the round is resolved by rule: a known outcome is paid (the win retried up
// to settle_attempts_max times), an unknown one is rolled back; a win that still cannot
// be made durable leaves the round to the sweep, which refunds the stake (the outcome
// never became durable, so it is unknown). At start, and then periodically, it settles
// rounds of its vendor left unsettled (by a crash or a restart) by rolling them back:
// an outcome that was never made durable is unknown.

#include "actors/core/metrics.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "vendors/adapter.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>

namespace agg {

using vendor_actor = caf::typed_actor<
    caf::replies_to<play_atom, play_request>::with<round_result>,
    caf::replies_to<games_atom>::with<game_catalog>,
    caf::replies_to<seeds_atom, int64_t>::with<seed_view>,
    // Rotates the player's seeds; an empty client seed picks a random one.
    caf::replies_to<rotate_atom, int64_t, std::string>::with<seed_reveal>,
    caf::replies_to<verify_atom, verify_request>::with<round_result>,
    // Seamless-wallet studios: a game launch, and the studio's calls to our wallet.
    caf::replies_to<launch_atom, launch_request>::with<launch_reply>,
    caf::replies_to<seamless_atom,
                    vendors::seamless_call>::with<vendors::seamless_result>,
    // Free rounds given to a player at the studio (a bonus campaign's free spins):
    // true once the studio took them, false for a studio whose rounds we play (its
    // free rounds need nothing from it); vendor_errc invalid_params when it runs its
    // games and gives no free rounds.
    caf::replies_to<grant_atom, vendors::free_rounds_award>::with<bool>,
    // A URL with the details of a past round (round id, player).
    caf::replies_to<details_atom, std::string, int64_t>::with<std::string>,
    caf::reacts_to<sweep_atom, int64_t, bool>, caf::reacts_to<tick_atom, std::string>,
    // Asks the studio's health check while the circuit is open.
    caf::reacts_to<probe_atom>,
    // Expires the wallet requests in flight past their deadline.
    caf::reacts_to<tick_atom>>;

struct vendor_options {
  std::string id;   // the vendor id: the ledger's source for its rounds
  std::string kind; // the adapter kind (see vendors::register_adapter)
  std::map<std::string, std::string> settings;    // the adapter's own settings
  size_t workers = 2;                             // threads running the adapter
  size_t concurrency_max = 512;                   // rounds in flight at most
  std::chrono::milliseconds round_timeout{5'000}; // the adapter's time per round
  int64_t breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{5'000};
  // While the circuit is open, the studio's health check (if it has one) is asked this
  // often; a healthy answer closes the circuit without waiting for the cool-down.
  std::chrono::milliseconds health_probe_interval{500};
  std::chrono::milliseconds sweep_interval{10'000};
  std::chrono::milliseconds stale_after{60'000}; // unsettled this long: settle it
  int settle_attempts_max = 8; // retries of a win or rollback that failed retryably
  std::map<std::string, int64_t> stake_max_by_currency;
  std::chrono::seconds session_ttl{8 * 3'600}; // a seamless game session's lifetime
  // A seamless studio's bet answered later than this is rolled back and answered
  // "unknown": the studio has given up on it by then (0: no limit).
  std::chrono::milliseconds bet_deadline{2'500};
};

struct vendor_deps {
  std::function<registry_actor()> wallets;
  std::function<caf::actor()> presence;
  caf::actor directory;
  std::shared_ptr<vendors::seed_repository> seeds;
  std::function<caf::actor()> sessions; // the store of seamless game sessions
  std::shared_ptr<metrics> stats;
  std::chrono::milliseconds request_timeout{15'000};
};

caf::actor spawn_vendor_connection(caf::actor_system& sys, vendor_options opts,
                                   vendor_deps deps);

} // namespace agg
