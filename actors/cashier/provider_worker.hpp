#pragma once

// A payment provider's worker: a detached actor that makes every call to the provider
// (payments/provider.hpp), one at a time, so that a provider that blocks holds up
// nobody else.
//
// Protocol:
//   (submit_atom, payment_view) -> payment_view with the provider's status,
//       transaction id, fingerprint and reason; provider_unavailable when it threw
//   (callback_atom, payment_callback_in) -> (int64_t reason, payment_view): reason 0
//       and the callback read, or callback_error::reason with its message in
//       view.reason

#include "payments/provider.hpp"

#include <caf/all.hpp>

#include <memory>

namespace agg {

caf::actor spawn_provider_worker(caf::actor_system& sys,
                                 std::shared_ptr<payments::provider> p);

} // namespace agg
