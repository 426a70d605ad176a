#pragma once

// Responsible-gaming limits (persistence/play_limits.hpp): a detached actor with a
// database connection of its own reads and sets a player's limits. A stricter limit
// takes effect at once; a looser one (or a removal) after the configured delay, its
// pending change kept beside it. Every change is an activity event (limit_changed),
// durable before it is answered, and a wager or loss limit reaches the player's live
// wallet before the answer, so that the next bet is checked against it.
//
// Protocol:
//   (limits_atom, player) -> limits_view
//   (limits_atom, limit_change) -> limits_view; pam_errc invalid_limit,
//       player_not_found, storage_error

#include "actors/core/messages.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "persistence/sqlite.hpp"

#include <functional>

namespace agg {

struct limits_options {
  std::string db_path;
  db::tuning tuning;
  int64_t increase_delay_us = int64_t{24} * 3'600'000'000; // limit_increase_delay_h
  std::chrono::milliseconds request_timeout{15'000};
  std::function<registry_actor()> wallets;
};

// The largest amount a money limit takes (minor units), and a time limit (minutes).
inline constexpr int64_t limit_amount_max = int64_t{1} << 53;
inline constexpr int64_t limit_minutes_max = 24 * 60;

caf::atom_value limits_name();
caf::actor spawn_limits_service(caf::actor_system& sys, limits_options opts);

} // namespace agg
