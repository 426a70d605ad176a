#pragma once

// The bonus service (docs/bonus.md): a detached actor with a database connection of
// its own that reads players' grants, gives grants by an operator's hand, forfeits
// them (the player's cancel, an operator's revoke) and expires them once their time
// is up. The money moves in the player's wallet (grant_bonus, forfeit_bonus,
// expire_bonus), durable before any answer; this service never writes a grant.
//
// Protocol:
//   (bonuses_atom, player) -> bonus_page
//   (grant_atom, bonus_grant terms) -> bonus_grant: terms.grant_id is chosen when
//       empty; wallet_errc invalid_request, ..., pam_errc player_not_found
//   (forfeit_atom, player, grant_id) -> bonus_grant; wallet_errc bonus_not_found,
//       bonus_not_active
//   (forfeit_atom, player) -> int64_t: forfeits every active grant (a withdrawal the
//       player confirmed), answers how many
//   (gate_atom, payment_view) -> gate_decision: the cashier's bonus rule, a
//       withdrawal is refused ("bonus_active") while a grant in its currency is active

#include "actors/core/messages.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "persistence/sqlite.hpp"

#include <chrono>
#include <functional>

namespace agg {

struct bonus_options {
  std::string db_path;
  db::tuning tuning;
  std::chrono::milliseconds request_timeout{15'000};
  // How often grants past their expiry are expired (bonus_expiry_sweep_ms).
  std::chrono::milliseconds expiry_sweep{60'000};
  std::function<registry_actor()> wallets;
};

// Grants a player can hold, listed at most.
inline constexpr int64_t bonus_list_max = 100;

caf::atom_value bonus_name();
caf::actor spawn_bonus_service(caf::actor_system& sys, bonus_options opts);

// A new grant id: "bon_" and 24 hex digits.
std::string new_grant_id();

} // namespace agg
