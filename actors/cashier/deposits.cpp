#include "actors/cashier/deposits.hpp"

#include "actors/core/cashier_errc.hpp"
#include "actors/core/error_code.hpp"
#include "actors/core/wallet_errc.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "persistence/limit_store.hpp"

namespace agg::cashier_detail {

namespace {

using payments::payment_kind;
using payments::payment_status;

callback_outcome refused(int64_t status, const char* code, std::string message) {
  return callback_outcome{status, code, std::move(message)};
}

// Moves an open deposit to `status` and announces it; `done(view)` with the payment
// as it now stands (unchanged when it was no longer open; empty when unknown or the
// store failed).
void advance(cashier_ptr self, const std::string& payment_id, payment_status status,
             const std::string& tx, const std::string& fingerprint,
             const std::string& reason, const std::string& address,
             std::function<void(payment_view)> done) {
  auto& st = self->state;
  std::optional<payment_record> p;
  bool moved = false;
  try {
    moved = st.payments->advance(payment_id, static_cast<uint8_t>(status), tx,
                                 fingerprint, reason, now_us());
    p = st.payments->by_id(payment_id);
  } catch (const db::error& e) {
    log::error("cashier", "payment not advanced",
               {{"payment", payment_id}, {"error", e.what()}});
    return done(payment_view{});
  }
  if (!p) return done(payment_view{});
  if (!moved) return done(view_of(*p));
  announce(self, *p, address, [p = *p, done](bool) { done(view_of(p)); });
}

// The wallet credits a confirmed deposit once (keyed by the provider's transaction
// id), then the payment is confirmed. `done` with the callback's answer.
void credit(cashier_ptr self, const payment_record& p, const std::string& tx,
            const std::string& fingerprint, const std::string& address,
            std::function<void(callback_outcome)> done) {
  wallet_request w;
  w.player_id = p.player_id;
  w.op = static_cast<uint8_t>(wallet_op::deposit);
  w.source = "payment:" + p.provider;
  w.tx_id = tx.empty() ? p.payment_id : tx;
  w.currency = p.currency;
  w.amount = p.amount;
  auto id = p.payment_id;
  wallet_call(
      self, std::move(w),
      [self, id, tx, fingerprint, address, done](wallet_receipt&) {
        advance(self, id, payment_status::confirmed, tx, fingerprint, "", address,
                [done](payment_view v) {
                  if (v.payment_id.empty())
                    return done(
                        refused(503, "unavailable", "credited; not yet recorded"));
                  done(callback_outcome{});
                });
      },
      [self, id, tx, address, done](caf::error& err) {
        auto code = wallet_error_of(err);
        if (is_retryable(code)) {
          log::warn("cashier", "deposit not credited yet",
                    {{"error", error_code_of(err)}});
          return done(refused(503, "unavailable", "the wallet did not credit it; retry"));
        }
        // The money moved at the provider, but the wallet refuses it for good: the
        // payment fails with the wallet's reason, for an operator to settle.
        log::error("cashier", "confirmed deposit refused by the wallet",
                   {{"payment", id}, {"error", error_code_of(err)}});
        advance(self, id, payment_status::failed, tx, "",
                std::string{"wallet_refused:"} + to_string(code), address,
                [done](payment_view) { done(callback_outcome{}); });
      });
}

} // namespace

caf::result<payment_view> deposit(cashier_ptr self, const payment_request& r) {
  auto& st = self->state;
  if (auto refused = check_request(st, r); refused != cashier_errc::none)
    return make_error(refused);
  auto handle = st.providers.find(r.provider);
  payment_record p;
  try {
    auto account = st.accounts->by_id(r.player_id);
    if (!account) return make_error(cashier_errc::player_not_found);
    if (!r.currency.empty() && r.currency != account->currency)
      return make_error(cashier_errc::invalid_currency);
    // Above the lifetime threshold, deposits need KYC verified.
    if (auto t = st.opts.kyc_deposit_threshold.find(account->currency);
        t != st.opts.kyc_deposit_threshold.end() &&
        account->kyc != static_cast<uint8_t>(kyc_status::verified) &&
        st.payments->deposited(r.player_id, account->currency, 0) + r.amount > t->second)
      return make_error(cashier_errc::kyc_required);
    // Deposit limits: what was deposited in the period, open intents included.
    auto limits = limit_store{st.conn}.of_player(r.player_id);
    auto now = now_us();
    for (int p = 0; p < limit_period_count; ++p) {
      auto max = limits[static_cast<int>(limit_kind::deposit_day) - 1 + p].at(now);
      if (max < 0) continue;
      auto since = period_start_us(static_cast<limit_period>(p), now);
      if (st.payments->deposited(r.player_id, account->currency, since, true) + r.amount >
          max)
        return make_error(cashier_errc::deposit_limit_reached);
    }
    // A provider whose calls keep failing is not asked (nor is an intent recorded).
    if (!handle->second.breaker.allow())
      return make_error(cashier_errc::provider_unavailable);
    p = new_record(st, payment_kind::deposit, payment_status::created, r,
                   account->currency);
    p.expires_us = p.created_us + st.opts.intent_ttl.count() * 1'000;
    if (!st.payments->insert(p)) {
      handle->second.breaker.abandon();
      return make_error(cashier_errc::storage_error);
    }
  } catch (const db::error& e) {
    log::error("cashier", "payment not recorded", {{"error", e.what()}});
    handle->second.breaker.abandon();
    return make_error(cashier_errc::storage_error);
  }
  auto rp = self->make_response_promise<payment_view>();
  auto address = r.address;
  announce(self, p, address, [self, rp, p, address](bool ok) mutable {
    if (!ok) {
      provider_of(self, p.provider).breaker.abandon();
      rp.deliver(make_error(cashier_errc::storage_error));
      return;
    }
    self->request(provider_of(self, p.provider).worker, self->state.opts.submit_timeout,
                  submit_atom_v, view_of(p))
        .then(
            [self, rp, p, address](payment_view& answer) mutable {
              provider_of(self, p.provider).breaker.success();
              payment_status s = payment_status::pending;
              payments::payment_status_from_string(answer.status, s);
              std::function<void(payment_view)> reply = [rp](payment_view v) mutable {
                rp.deliver(std::move(v));
              };
              if (s == payment_status::confirmed) {
                // Confirmed at once: pending with the provider's id (so that a later
                // callback can still confirm it), then credited like a callback.
                try {
                  self->state.payments->advance(p.payment_id, payment_pending,
                                                answer.provider_tx_id, answer.fingerprint,
                                                "", now_us());
                } catch (const db::error&) {
                }
                return credit(self, p, answer.provider_tx_id, answer.fingerprint, address,
                              [self, id = p.payment_id, reply](callback_outcome) {
                                std::optional<payment_record> now;
                                try {
                                  now = self->state.payments->by_id(id);
                                } catch (const db::error&) {
                                }
                                reply(now ? view_of(*now) : payment_view{});
                              });
              }
              if (s != payment_status::declined && s != payment_status::failed)
                s = payment_status::pending;
              advance(self, p.payment_id, s, answer.provider_tx_id, answer.fingerprint,
                      answer.reason, address, reply);
            },
            [self, rp, p, address](caf::error&) mutable {
              if (provider_of(self, p.provider).breaker.failure())
                log::warn("cashier", "provider circuit opened",
                          {{"provider", p.provider}});
              // The outcome is unknown: the payment waits for a callback or expires.
              advance(self, p.payment_id, payment_status::pending, "", "",
                      "provider_unknown_outcome", address,
                      [rp](payment_view v) mutable { rp.deliver(std::move(v)); });
            });
  });
  return rp;
}

void deposit_callback(cashier_ptr self, const payment_record& p, payment_view cb,
                      const std::string& address,
                      caf::typed_response_promise<callback_outcome> rp) {
  payment_status s = payment_status::failed;
  payments::payment_status_from_string(cb.status, s);
  auto current = static_cast<payment_status>(p.status);
  std::function<void(callback_outcome)> reply = [rp](callback_outcome o) mutable {
    rp.deliver(std::move(o));
  };
  if (current == s) return reply(callback_outcome{200, "", "already applied"});
  // A confirmation after the expiry still credits: the money moved.
  bool late_confirmation =
      current == payment_status::expired && s == payment_status::confirmed;
  if (payments::final_status(current) && !late_confirmation)
    return reply(
        refused(409, "payment_final",
                std::string{"the payment is already "} + payments::to_string(current)));
  auto tx = cb.provider_tx_id.empty() ? p.provider_tx_id : cb.provider_tx_id;
  if (s != payment_status::confirmed)
    return advance(self, p.payment_id, s, tx, cb.fingerprint, cb.reason, address,
                   [reply](payment_view) { reply(callback_outcome{}); });
  credit(self, p, tx, cb.fingerprint, address, reply);
}

void expire_deposits(cashier_ptr self) {
  auto& st = self->state;
  try {
    for (const auto& p : st.payments->due_to_expire(now_us(), 100))
      advance(self, p.payment_id, payment_status::expired, "", "", "expired", "system",
              [](payment_view) {});
  } catch (const db::error& e) {
    log::warn("cashier", "expiry sweep failed", {{"error", e.what()}});
  }
}

} // namespace agg::cashier_detail
