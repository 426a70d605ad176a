#pragma once

// The risk service's answers to the operator API, as JSON (docs/openapi.yaml).

#include "actors/risk/risk_state.hpp"

#include <nlohmann/json.hpp>

namespace agg {

nlohmann::json case_json(const risk_case& c);
std::string cases_json(const std::vector<risk_case>& cases);
// A score's reasons: [{"feature", "value", "contribution"}].
std::string reasons_json(const risk::risk_score& s);
// Score, kind, reasons, every kind's probability, features, lock and cases.
std::string player_risk_json(risk_ptr self, int64_t player);
// The linked group and the player's direct links with their reasons.
std::string links_json(risk_ptr self, int64_t player);

} // namespace agg
