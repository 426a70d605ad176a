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
//   (campaign_atom, campaign) -> campaign: creates (empty id) or edits one; bonus_errc
//       invalid_campaign, code_taken, unknown_vendor, unknown_game, unknown_currency,
//       invalid_stake, campaign_not_found, campaign_ended
//   (campaign_atom, campaign_id, campaign_status) -> campaign: pause, resume, end
//   (campaign_atom, campaign_id) -> campaign_list: one campaign ("" : every one),
//       with its figures
//   (claim_atom, player, code) -> claim_result; bonus_errc invalid_code,
//       already_claimed, not_eligible
// It subscribes to the event feed (durable cursor "bonus"): a deposit gives the
// deposit matches it qualifies for, a registration the automatic no-deposit and
// free-spins campaigns; the sweep also pays cashback for each period that ended.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
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
  std::function<caf::actor()> vendors; // the vendor directory (free rounds, games)
  std::shared_ptr<metrics> stats;      // feed latency; may be null
};

// Grants a player can hold, listed at most.
inline constexpr int64_t bonus_list_max = 100;

caf::atom_value bonus_name();
caf::actor spawn_bonus_service(caf::actor_system& sys, bonus_options opts);

// A new grant id: "bon_" and 24 hex digits.
std::string new_grant_id();

} // namespace agg
