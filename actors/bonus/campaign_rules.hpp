#pragma once

// The rules of bonus campaigns as plain functions (docs/bonus.md): whether terms are
// valid, whether a campaign runs and a player may have it, and the grant it gives.
// No actors, no storage: the bonus service asks, tests drive them directly.

#include "actors/core/bonus_errc.hpp"
#include "persistence/campaign.hpp"
#include "persistence/ledger_types.hpp"

#include <string>

namespace agg {

// What eligibility looks at of a player.
struct player_facts {
  int64_t player_id = 0;
  std::string currency;
  std::string country;
  uint8_t status = 1; // account_status
  int64_t kyc_level = 0;
};

// The campaign's terms in range, for its kind; invalid_campaign otherwise (games and
// stakes are checked against the vendor's catalog by the service).
bonus_errc check_terms(const campaign& c);

// Active, and now within [starts_us, ends_us).
bool running(const campaign& c, int64_t now_us);

// True when `item` is in the comma-separated `list`, or the list is empty.
bool listed(const std::string& list, const std::string& item);

// The player may get a grant from the campaign (currency, country, KYC level, an
// active account, fewer than max_grants grants held).
bool eligible(const campaign& c, const player_facts& p, int64_t grants_held);

// A deposit of `amount`, the player's `nth` deposit (1 for the first), qualifies for
// a deposit match.
bool qualifies(const campaign& c, int64_t amount, int64_t nth);

// The bonus a campaign gives: the deposit match of `basis` (a deposit), the
// cashback of `basis` (a net loss), or the fixed amount.
int64_t bonus_amount(const campaign& c, int64_t basis);

// The grant a campaign gives to a player: its terms copied, the amount and the
// wagering required (on the bonus, or bonus plus `deposit`). No id: see grant_id_for.
bonus_grant grant_of(const campaign& c, int64_t player_id, const std::string& currency,
                     int64_t amount, int64_t deposit, int64_t now_us);

// A grant id derived from what caused it (a campaign and a deposit, a period, a
// claim): the same cause always gives the same id, so a redelivered event or a retry
// gives nothing twice.
std::string grant_id_for(const std::string& campaign_id, const std::string& cause);

// A new campaign id: "cmp_" and 24 hex digits.
std::string new_campaign_id();

// Upper case; letters, digits, '_' and '-' kept; empty when anything else is in it.
std::string normalized_code(const std::string& code);

} // namespace agg
