#pragma once

// Withdrawals: the reservation in the wallet, the checks, approval or review, the
// payout (sent at most once), and its end: settled when paid, released when failed,
// rejected or cancelled. Each step is a conditional move of the payment's status, so
// that two steps never both win; resume() takes unfinished ones on after a restart.

#include "actors/cashier/cashier_core.hpp"

namespace agg::cashier_detail {

caf::result<payment_view> withdraw(cashier_ptr self, const payment_request& r);
caf::result<payment_view> cancel_withdrawal(cashier_ptr self, int64_t player,
                                            const std::string& payment_id,
                                            const std::string& address);
caf::result<payment_view> review_withdrawal(cashier_ptr self, const withdrawal_review& r);

// An authenticated callback `cb` for the payout `p`.
void payout_callback(cashier_ptr self, const payment_record& p, payment_view cb,
                     const std::string& address,
                     caf::typed_response_promise<callback_outcome> rp);

// Takes unfinished withdrawals on: at start every one (a sent payout is submitted
// again, with the same id), later those whose last step is older than `stale_us`.
void resume_withdrawals(cashier_ptr self, bool at_start, int64_t stale_us);

} // namespace agg::cashier_detail
