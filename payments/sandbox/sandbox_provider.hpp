#pragma once

// The sandbox payment provider, for development and tests: it takes every payment,
// decides by its rules, and calls back like a real provider, signed, after a delay,
// retrying while the server does not answer 2xx. Rules, by the instrument's name
// (its first word before a '-'), then by amount:
//   "fail-..."     submit answers failed at once (nothing to call back)
//   "error-..."    submit throws: a transport error, the outcome unknown
//   "silent-..."   accepted, never called back (the payment expires)
//   "decline-..."  accepted, called back declined
//   anything else  accepted, called back confirmed, unless the amount is above
//                  decline_above (then declined)
// The fingerprint is the first 32 hex digits of SHA-256("sandbox:" + instrument): one
// instrument, one fingerprint, across players.
//
// Section [payments.<id>] with kind="sandbox":
//   secret / secret_file   the callback signing secret (at least 16 bytes)
//   delay_ms=100           from submit to the callback
//   decline_above=0        amounts above are declined (0: never)
//   callback_retries=5     attempts after the first, callback_retry_ms apart
//   callback_retry_ms=500
//   window_s=300           the replay window our side accepts timestamps in

#include "payments/provider.hpp"

#include <memory>

namespace agg::payments {

std::unique_ptr<provider> make_sandbox(const provider_env& env);

// The fingerprint the sandbox gives an instrument.
std::string sandbox_fingerprint(const std::string& instrument);

} // namespace agg::payments
