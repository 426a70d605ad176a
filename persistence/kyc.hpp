#pragma once

// Know-your-customer status of an account, set by operators (docs/cashier.md).
// Withdrawals need verified. Header-only: the protocol codecs name it too.

#include <cstdint>
#include <string>

namespace agg {

enum class kyc_status : uint8_t {
  unverified = 1,
  pending = 2, // documents under review
  verified = 3,
  rejected = 4,
  expired = 5, // was verified; the documents are out of date
};

inline const char* to_string(kyc_status s) {
  switch (s) {
    case kyc_status::unverified:
      return "unverified";
    case kyc_status::pending:
      return "pending";
    case kyc_status::verified:
      return "verified";
    case kyc_status::rejected:
      return "rejected";
    case kyc_status::expired:
      return "expired";
  }
  return "unknown";
}

// False for an unknown name.
inline bool kyc_status_from_string(const std::string& name, kyc_status& out) {
  for (auto s : {kyc_status::unverified, kyc_status::pending, kyc_status::verified,
                 kyc_status::rejected, kyc_status::expired})
    if (name == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}

} // namespace agg
