#pragma once

// Bonus campaigns as JSON (docs/bonus.md): how the operator API shows a campaign and
// its figures, and how a player sees an offer. No HTTP, no actors.

#include "persistence/campaign.hpp"

#include <nlohmann/json.hpp>

namespace agg::gateway {

// Every term, the code included (the operator's view).
nlohmann::json campaign_json(const campaign& c);
// What a player is shown of a campaign open to them: no code, no eligibility rules.
nlohmann::json offer_json(const campaign& c);
nlohmann::json figures_json(const campaign_figures& f);

// The wagering multiplier as JSON: an integer when whole, else with two decimals.
nlohmann::json multiplier_json(int64_t x100);

} // namespace agg::gateway
