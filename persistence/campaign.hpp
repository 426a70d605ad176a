#pragma once

// A bonus campaign (docs/bonus.md): what an operator offers, to whom, and the terms
// every grant it gives copies. Plain data, no CAF.

#include <cstdint>
#include <string>

namespace agg {

enum class campaign_kind : uint8_t {
  deposit_match = 1, // a percentage of a qualifying deposit, up to `amount`
  no_deposit = 2,    // `amount` at once
  free_spins = 3,    // `rounds` free rounds of `bet` on `game_id` of `vendor`
  cashback = 4,      // `cashback_pct` of the net loss of each period
};

enum class campaign_status : uint8_t {
  active = 1,
  paused = 2, // gives nothing until resumed; grants already made go on
  ended = 3,  // for good
};

const char* to_string(campaign_kind k);
bool campaign_kind_from_string(const std::string& name, campaign_kind& out);
const char* to_string(campaign_status s);
bool campaign_status_from_string(const std::string& name, campaign_status& out);

struct campaign {
  std::string campaign_id; // "cmp_" and 24 hex digits
  std::string name;
  uint8_t kind = 0;       // campaign_kind
  uint8_t status = 1;     // campaign_status
  std::string code;       // the opt-in code (upper case); empty: given automatically
  std::string currencies; // "EUR,USD"; empty: every currency
  std::string countries;  // "DE,AT"; empty: every country
  int64_t starts_us = 0;
  int64_t ends_us = 0; // 0: open-ended
  // Eligibility.
  bool first_deposit = false; // deposit match: only the player's first deposit
  int64_t every_nth = 1;      // deposit match: every Nth deposit of the player
  int64_t min_kyc_level = 0;  // the player's KYC level at least (0: any)
  int64_t max_grants = 1;     // grants per player at most (0: no cap)
  // Money.
  int64_t match_pct = 0;   // deposit match: percent of the deposit
  int64_t amount = 0;      // no deposit: the grant; deposit match, cashback: the cap
  int64_t min_deposit = 0; // deposit match: the smallest qualifying deposit
  int64_t cashback_pct = 0;
  int64_t period_days = 0; // cashback: the period's length, from starts_us
  bool pay_cash = false;   // cashback: paid as cash (no wagering) instead of bonus
  // Free spins.
  std::string vendor;
  std::string game_id;
  int64_t rounds = 0;
  int64_t bet = 0;     // the bet of each round, to the game
  int64_t max_win = 0; // the most all rounds can win (0: no cap)
  // The vendor's own campaign or prepaid (Caleta's Freebets API) for its rewards.
  std::string vendor_campaign;
  // Wagering terms, copied onto each grant.
  int64_t wagering_x100 = 0;  // the multiplier in hundredths (3500: 35 times)
  bool wager_deposit = false; // deposit match: on bonus plus deposit
  int64_t default_weight = 100;
  std::string weights; // "game:<id>=<pct>;vendor:<id>=<pct>"
  int64_t max_stake = 0;
  int64_t expiry_days = 0; // 0: never expires
  int64_t max_conversion = 0;
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

// What a campaign has given and what became of it.
struct campaign_figures {
  std::string campaign_id;
  int64_t grants = 0;
  int64_t active = 0;
  int64_t granted = 0;   // bonus money given, free rounds' wins included
  int64_t converted = 0; // became cash: the campaign's cost
  int64_t forfeited = 0; // taken at a forfeit (the player's or an operator's)
  int64_t expired = 0;   // taken at expiry
  int64_t wagered = 0;   // weighed stakes counted toward wagering
};

} // namespace agg
