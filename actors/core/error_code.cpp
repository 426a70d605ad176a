#include "actors/core/error_code.hpp"

#include "actors/core/bonus_errc.hpp"
#include "actors/core/cashier_errc.hpp"
#include "actors/core/pam_errc.hpp"
#include "actors/core/risk_errc.hpp"
#include "actors/core/vendor_errc.hpp"
#include "actors/core/wallet_errc.hpp"

namespace agg {

std::string error_code_of(const caf::error& err) {
  if (err.category() == wallet_error_category())
    return to_string(static_cast<wallet_errc>(err.code()));
  if (err.category() == pam_error_category())
    return to_string(static_cast<pam_errc>(err.code()));
  if (err.category() == vendor_error_category())
    return to_string(static_cast<vendor_errc>(err.code()));
  if (err.category() == cashier_error_category())
    return to_string(static_cast<cashier_errc>(err.code()));
  if (err.category() == bonus_error_category())
    return to_string(static_cast<bonus_errc>(err.code()));
  if (err.category() == risk_error_category())
    return to_string(static_cast<risk_errc>(err.code()));
  return "unavailable";
}

} // namespace agg
