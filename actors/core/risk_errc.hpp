#pragma once

// Errors of the risk engine's cases, address rules and model, as values with stable
// wire names (docs/risk.md).

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>

namespace agg {

enum class risk_errc : uint8_t {
  none = 0,
  case_not_found = 1, // no case of that id
  case_resolved,      // the case was resolved before
  invalid_outcome,    // a resolution is "cleared" or "confirmed"
  invalid_rule,       // an address rule is not a CIDR range of allow or deny
  rule_not_found,     // no address rule for that range
  model_refused,      // the model file cannot be used; the old model stays
  catching_up,        // the engine has not read the event log up to now yet; retry
  storage_error,      // retryable
};

const char* to_string(risk_errc x);
caf::atom_value risk_error_category();
caf::error make_error(risk_errc x);

} // namespace agg
