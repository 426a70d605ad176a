#include "actors/core/risk_errc.hpp"

namespace agg {

const char* to_string(risk_errc x) {
  switch (x) {
    case risk_errc::none:
      return "none";
    case risk_errc::case_not_found:
      return "case_not_found";
    case risk_errc::case_resolved:
      return "case_resolved";
    case risk_errc::invalid_outcome:
      return "invalid_outcome";
    case risk_errc::invalid_rule:
      return "invalid_rule";
    case risk_errc::rule_not_found:
      return "rule_not_found";
    case risk_errc::model_refused:
      return "model_refused";
    case risk_errc::catching_up:
      return "catching_up";
    case risk_errc::storage_error:
      return "storage_error";
  }
  return "unknown";
}

caf::atom_value risk_error_category() {
  return caf::atom("risk");
}

caf::error make_error(risk_errc x) {
  return caf::error{static_cast<uint8_t>(x), risk_error_category()};
}

} // namespace agg
