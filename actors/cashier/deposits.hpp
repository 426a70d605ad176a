#pragma once

// Deposits: the player's intent, recorded and announced before the provider is
// asked; the provider's confirmation (at once or by callback), and only then the
// wallet's credit, keyed by the provider's transaction id; expiry of open intents.

#include "actors/cashier/cashier_core.hpp"

namespace agg::cashier_detail {

caf::result<payment_view> deposit(cashier_ptr self, const payment_request& r);

// An authenticated callback `cb` for the deposit `p`.
void deposit_callback(cashier_ptr self, const payment_record& p, payment_view cb,
                      const std::string& address,
                      caf::typed_response_promise<callback_outcome> rp);

// Open deposits past their time become expired.
void expire_deposits(cashier_ptr self);

} // namespace agg::cashier_detail
