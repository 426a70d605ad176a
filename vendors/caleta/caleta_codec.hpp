#pragma once

// The wallet side of the Caleta Gaming System API v1.5 (/wallet/check, /balance, /bet,
// /win, /rollback): every body is authenticated with X-Auth-Signature (RSA-SHA256 over
// the raw body, base64, Caleta's key), decoded with its types checked, and amounts are
// converted from Caleta's units (100000 per currency unit) to minor units exactly;
// an amount that would round is refused (RS_ERROR_WRONG_TYPES).

#include "vendors/caleta/rsa_signature.hpp"
#include "vendors/seamless.hpp"

#include <map>
#include <optional>

namespace agg::vendors::caleta {

// Caleta's amounts are integers of 1/100000 of a currency unit.
inline constexpr int64_t units_per_currency_unit = 100'000;

class caleta_codec : public wallet_codec {
public:
  // Settings: public_key_file (required unless verify_signatures is "false"),
  // currency_exponents ("JPY:0;KWD:3"; every other currency has 2).
  caleta_codec(const std::string& vendor_id, const settings_map& settings);

  decoded decode(const std::string& op, const std::string& body,
                 const std::string& signature) const override;
  std::string encode(const seamless_call& call,
                     const seamless_result& result) const override;
  std::string signature_header() const override { return "X-Auth-Signature"; }

  // Minor units of `currency` for a Caleta amount; nothing if it would round or the
  // currency has more decimals than Caleta can carry.
  std::optional<int64_t> to_minor(int64_t caleta_amount,
                                  const std::string& currency) const;
  // Caleta units for minor units (exact).
  std::optional<int64_t> to_caleta(int64_t minor, const std::string& currency) const;

  static const char* status_name(seamless_status s);

private:
  int exponent(const std::string& currency) const;

  bool verify_;
  std::optional<rsa_key> caleta_key_;
  std::map<std::string, int> exponents_;
};

} // namespace agg::vendors::caleta
