#pragma once

// The signature of a provider's callback, as the built-in providers use it and as
// docs/cashier.md documents it for others: two headers,
//   X-Payment-Timestamp: the sending time, whole seconds since the Unix epoch
//   X-Payment-Signature: hex HMAC-SHA256 under the provider's secret over
//                        "<timestamp>.<body>"
// A callback whose timestamp is more than the replay window away from now is stale;
// one within it is authentic if its signature matches (compared in constant time). A
// replay inside the window changes nothing: callbacks are idempotent by the provider's
// transaction id.

#include "payments/provider.hpp"

#include <string>
#include <string_view>

namespace agg::payments {

inline constexpr const char* timestamp_header = "x-payment-timestamp";
inline constexpr const char* signature_header = "x-payment-signature";

// The signature header's value for a body sent at `timestamp_s`.
std::string sign_callback(std::string_view secret, int64_t timestamp_s,
                          std::string_view body);

// Throws callback_error (bad_signature or stale) unless the request is authentic and
// fresh.
void verify_callback(std::string_view secret, const callback_request& req,
                     int64_t window_s);

} // namespace agg::payments
