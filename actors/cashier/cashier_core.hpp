#pragma once

// What the cashier's parts share (deposits.cpp, withdrawals.cpp, cashier.cpp): its
// state, a payment's view, and the announcement of a change: the activity event
// (durable first), then the push to the player.

#include "actors/cashier/cashier.hpp"
#include "actors/core/cashier_errc.hpp"
#include "actors/core/circuit_breaker.hpp"
#include "payments/provider.hpp"
#include "persistence/account_store.hpp"
#include "persistence/payment_store.hpp"

#include <caf/all.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace agg::cashier_detail {

// A provider as the cashier sees it: its worker, and a breaker over its calls.
struct provider_handle {
  caf::actor worker;
  circuit_breaker breaker;
};

struct cashier_state {
  cashier_options opts;
  db::connection conn;
  std::unique_ptr<payment_store> payments;
  std::unique_ptr<account_store> accounts;
  std::map<std::string, provider_handle> providers; // by provider id
  int64_t last_created_us = 0; // payments are created at distinct times, for paging
  static inline const char* name = "cashier";
};

using cashier_ptr = caf::stateful_actor<cashier_state>*;

payment_view view_of(const payment_record& p);
std::string new_payment_id(payments::payment_kind kind);
// A creation time after every earlier one (pages split on it).
int64_t next_created_us(cashier_state& st);
bool valid_instrument(const std::string& s);

// The checks every payment request passes first: a configured provider, an amount in
// 1..amount_max, a valid instrument. none when they pass.
cashier_errc check_request(const cashier_state& st, const payment_request& r);

// A new payment of `kind` in `status` for request `r`, in the account's `currency`,
// created now (not yet stored).
payment_record new_record(cashier_state& st, payments::payment_kind kind,
                          payments::payment_status status, const payment_request& r,
                          const std::string& currency);

// Records the payment's change as an activity event, counts it, pushes the view to
// the player, then calls `done` (with whether the event is durable).
void announce(cashier_ptr self, const payment_record& p, const std::string& address,
              std::function<void(bool)> done);

// Calls the test hook of a withdrawal's durable step, when there is one.
void step_done(cashier_ptr self, const char* step);

// Sends `w` to the player's wallet: `ok` with its receipt or `fail` with its error.
void wallet_call(cashier_ptr self, wallet_request w,
                 std::function<void(wallet_receipt&)> ok,
                 std::function<void(caf::error&)> fail);

// The provider of `id` (present: a payment names only configured ones).
provider_handle& provider_of(cashier_ptr self, const std::string& id);

} // namespace agg::cashier_detail
