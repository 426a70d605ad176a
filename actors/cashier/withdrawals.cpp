#include "actors/cashier/withdrawals.hpp"

#include "actors/core/cashier_errc.hpp"
#include "actors/core/error_code.hpp"
#include "actors/core/wallet_errc.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace agg::cashier_detail {

namespace {

using payments::payment_kind;
using payments::payment_status;

// The answer to whoever asked (a player or an operator): the payment, or an error.
using reply_fn = std::function<void(payment_view, caf::error)>;

reply_fn nobody() {
  return [](payment_view, caf::error) {};
}

template <class T>
reply_fn to_promise(caf::typed_response_promise<T> rp) {
  return [rp](payment_view v, caf::error err) mutable {
    if (err)
      rp.deliver(std::move(err));
    else
      rp.deliver(std::move(v));
  };
}

uint8_t code(payment_status s) {
  return static_cast<uint8_t>(s);
}

std::optional<payment_record> load(cashier_ptr self, const std::string& id) {
  try {
    return self->state.payments->by_id(id);
  } catch (const db::error& e) {
    log::error("cashier", "payment not read", {{"payment", id}, {"error", e.what()}});
    return std::nullopt;
  }
}

// Moves the withdrawal from one of `from` to `to`, then announces it; `done` with the
// record when it moved, nothing when it was in none of `from` (or the store failed).
void move(cashier_ptr self, const std::string& id, std::vector<payment_status> from,
          payment_status to, const std::string& reason, const std::string& reviewer,
          const std::string& address,
          std::function<void(std::optional<payment_record>)> done) {
  std::vector<uint8_t> codes;
  for (auto f : from)
    codes.push_back(code(f));
  std::optional<payment_record> p;
  try {
    if (self->state.payments->transition(id, codes, code(to), reason, reviewer, now_us()))
      p = self->state.payments->by_id(id);
  } catch (const db::error& e) {
    log::error("cashier", "withdrawal not moved", {{"payment", id}, {"error", e.what()}});
  }
  if (!p) return done(std::nullopt);
  announce(self, *p, address, [self, p, to, done](bool) {
    step_done(self, payments::to_string(to));
    done(p);
  });
}

// The reservation goes back to the balance, once (a deposit keyed by the payment id
// and ":release"). A failure is retried by the next sweep.
void release(cashier_ptr self, const payment_record& p) {
  wallet_request w;
  w.player_id = p.player_id;
  w.op = static_cast<uint8_t>(wallet_op::deposit);
  w.source = "payment:" + p.provider;
  w.tx_id = p.payment_id + ":release";
  w.currency = p.currency;
  w.amount = p.amount;
  auto id = p.payment_id;
  wallet_call(
      self, std::move(w),
      [self, id](wallet_receipt&) {
        try {
          self->state.payments->reserve(id, payment_reservation::held,
                                        payment_reservation::released, now_us());
          step_done(self, "released");
        } catch (const db::error& e) {
          log::error("cashier", "release not recorded",
                     {{"payment", id}, {"error", e.what()}});
        }
      },
      [id](caf::error& err) {
        log::warn("cashier", "reservation not released yet",
                  {{"payment", id}, {"error", error_code_of(err)}});
      });
}

// Paid: the reservation is settled (the money left with the payout).
void settle(cashier_ptr self, const std::string& id) {
  try {
    self->state.payments->reserve(id, payment_reservation::held,
                                  payment_reservation::settled, now_us());
    step_done(self, "settled");
  } catch (const db::error& e) {
    log::error("cashier", "settlement not recorded",
               {{"payment", id}, {"error", e.what()}});
  }
}

// Ends the withdrawal with `to` (rejected, cancelled, failed or declined) from one of
// `from`, and releases its reservation; `done` as move's.
void end_and_release(cashier_ptr self, const std::string& id,
                     std::vector<payment_status> from, payment_status to,
                     const std::string& reason, const std::string& reviewer,
                     const std::string& address,
                     std::function<void(std::optional<payment_record>)> done) {
  move(self, id, std::move(from), to, reason, reviewer, address,
       [self, done](std::optional<payment_record> p) {
         if (p && p->reservation == static_cast<uint8_t>(payment_reservation::held))
           release(self, *p);
         done(p);
       });
}

void paid(cashier_ptr self, const std::string& id, const std::string& tx,
          const std::string& fingerprint, const std::string& address,
          std::function<void(std::optional<payment_record>)> done) {
  try {
    self->state.payments->note_provider(id, tx, fingerprint);
  } catch (const db::error&) {
  }
  move(self, id, {payment_status::sent}, payment_status::paid, "", "", address,
       [self, id, done](std::optional<payment_record> p) {
         if (p) settle(self, id);
         done(p);
       });
}

// The payout goes to the provider: marked sent first (durable), so that it is sent
// once; `resubmit` sends an already sent one again with the same id (after a restart;
// the provider pays a payment id once).
void submit(cashier_ptr self, const payment_record& p, const std::string& address) {
  auto& handle = provider_of(self, p.provider);
  auto id = p.payment_id;
  self->request(handle.worker, self->state.opts.submit_timeout, submit_atom_v, view_of(p))
      .then(
          [self, id, provider = p.provider, address](payment_view& answer) {
            provider_of(self, provider).breaker.success();
            payment_status s = payment_status::pending;
            payments::payment_status_from_string(answer.status, s);
            if (s == payment_status::confirmed)
              return paid(self, id, answer.provider_tx_id, answer.fingerprint, address,
                          [](std::optional<payment_record>) {});
            if (s == payment_status::declined || s == payment_status::failed)
              return end_and_release(
                  self, id, {payment_status::sent}, payment_status::failed,
                  answer.reason.empty() ? "payout_failed" : answer.reason, "", address,
                  [](std::optional<payment_record>) {});
            try {
              self->state.payments->note_provider(id, answer.provider_tx_id,
                                                  answer.fingerprint);
            } catch (const db::error&) {
            }
          },
          [self, id, provider = p.provider](caf::error&) {
            // The outcome is unknown: the payout waits for its callback, and is sent
            // again with the same id at the next start.
            if (provider_of(self, provider).breaker.failure())
              log::warn("cashier", "provider circuit opened", {{"provider", provider}});
            log::warn("cashier", "payout outcome unknown", {{"payment", id}});
          });
}

void send(cashier_ptr self, const std::string& id, const std::string& address) {
  move(self, id, {payment_status::approved}, payment_status::sent, "", "", address,
       [self, address](std::optional<payment_record> p) {
         if (p) submit(self, *p, address);
       });
}

// Approved up to the currency's auto-approval amount, else held for review.
void decide(cashier_ptr self, const payment_record& p, const std::string& address,
            const std::string& held_because, reply_fn reply) {
  auto& limits = self->state.opts.auto_approve_max;
  auto max = limits.find(p.currency);
  bool automatic = held_because.empty() && max != limits.end() && p.amount <= max->second;
  auto to = automatic ? payment_status::approved : payment_status::review;
  move(self, p.payment_id, {payment_status::requested}, to, held_because, "", address,
       [self, id = p.payment_id, automatic, address,
        reply](std::optional<payment_record> moved) {
         auto now = load(self, id);
         reply(now ? view_of(*now) : payment_view{}, caf::error{});
         if (moved && automatic) send(self, id, address);
       });
}

// Asks one gate (when there is one) and calls `next` with its decision; a gate that
// does not answer holds the withdrawal for review.
void ask_gate(cashier_ptr self, const std::function<caf::actor()>& gate,
              const payment_record& p,
              std::function<void(gate_decision, std::string held)> next) {
  auto actor = gate ? gate() : caf::actor{};
  if (!actor) return next(gate_decision{}, "");
  // A third of the requester's wait, so that a held withdrawal is still answered.
  self->request(actor, self->state.opts.request_timeout / 3, gate_atom_v, view_of(p))
      .then([next](gate_decision& d) { next(std::move(d), ""); },
            [next](caf::error&) { next(gate_decision{}, "gate_unavailable"); });
}

// A refusal by a check: the withdrawal is rejected, its reservation released, and the
// asker gets `err`.
void refuse(cashier_ptr self, const payment_record& p, const std::string& reason,
            caf::error err, const std::string& address, reply_fn reply) {
  end_and_release(self, p.payment_id, {payment_status::requested},
                  payment_status::rejected, reason, "", address,
                  [reply, err](std::optional<payment_record>) { reply({}, err); });
}

// The checks, in order: account, KYC, the risk gate, the bonus gate.
void check(cashier_ptr self, const std::string& id, const std::string& address,
           reply_fn reply) {
  auto p = load(self, id);
  if (!p || p->status != code(payment_status::requested)) {
    reply(p ? view_of(*p) : payment_view{}, caf::error{});
    return;
  }
  std::optional<account> a;
  try {
    a = self->state.accounts->by_id(p->player_id);
  } catch (const db::error&) {
    return reply({}, make_error(cashier_errc::storage_error)); // retried by the sweep
  }
  if (!a)
    return refuse(self, *p, "player_not_found",
                  make_error(cashier_errc::player_not_found), address, reply);
  if (a->status != static_cast<uint8_t>(account_status::active))
    return refuse(self, *p, to_string(static_cast<account_status>(a->status)),
                  make_error(cashier_errc::account_not_active), address, reply);
  if (a->kyc != static_cast<uint8_t>(kyc_status::verified))
    return refuse(self, *p, "kyc_required", make_error(cashier_errc::kyc_required),
                  address, reply);
  auto& opts = self->state.opts;
  ask_gate(self, opts.risk_gate, *p,
           [self, p = *p, address, reply](gate_decision risk, std::string held) {
             if (!risk.allow)
               return refuse(self, p, "risk:" + risk.reason,
                             make_error(cashier_errc::risk_refused), address, reply);
             if (risk.hold) held = "risk:" + risk.reason;
             ask_gate(
                 self, self->state.opts.bonus_gate, p,
                 [self, p, address, reply, held](gate_decision bonus, std::string held2) {
                   if (!bonus.allow)
                     return refuse(self, p, "bonus:" + bonus.reason,
                                   make_error(cashier_errc::bonus_refused), address,
                                   reply);
                   decide(self, p, address, held.empty() ? held2 : held, reply);
                 });
           });
}

// The amount leaves the balance (a withdrawal entry keyed by the payment id), then the
// checks run. A refusal by the wallet fails the withdrawal; a retryable error leaves it
// requested, for the sweep.
void reserve(cashier_ptr self, const payment_record& p, const std::string& address,
             reply_fn reply) {
  wallet_request w;
  w.player_id = p.player_id;
  w.op = static_cast<uint8_t>(wallet_op::withdraw);
  w.source = "payment:" + p.provider;
  w.tx_id = p.payment_id;
  w.currency = p.currency;
  w.amount = p.amount;
  auto id = p.payment_id;
  wallet_call(
      self, std::move(w),
      [self, id, address, reply](wallet_receipt&) {
        try {
          self->state.payments->reserve(id, payment_reservation::none,
                                        payment_reservation::held, now_us());
        } catch (const db::error& e) {
          log::error("cashier", "reservation not recorded",
                     {{"payment", id}, {"error", e.what()}});
          return reply({}, make_error(cashier_errc::storage_error));
        }
        step_done(self, "reserved");
        check(self, id, address, reply);
      },
      [self, id, address, reply](caf::error& err) {
        auto wc = wallet_error_of(err);
        if (is_retryable(wc)) {
          auto now = load(self, id);
          return reply(now ? view_of(*now) : payment_view{}, caf::error{});
        }
        move(self, id, {payment_status::requested}, payment_status::failed, to_string(wc),
             "", address,
             [reply, err](std::optional<payment_record>) { reply({}, err); });
      });
}

// Takes one withdrawal on from where it stands.
void resume(cashier_ptr self, const payment_record& p, bool at_start) {
  auto status = static_cast<payment_status>(p.status);
  auto held = p.reservation == static_cast<uint8_t>(payment_reservation::held);
  const std::string address = "system";
  switch (status) {
    case payment_status::requested:
      if (p.reservation == static_cast<uint8_t>(payment_reservation::none))
        return reserve(self, p, address, nobody());
      return check(self, p.payment_id, address, nobody());
    case payment_status::approved:
      return send(self, p.payment_id, address);
    case payment_status::sent:
      if (at_start) submit(self, p, address);
      return;
    case payment_status::paid:
      if (held) settle(self, p.payment_id);
      return;
    default:
      if (held && payments::final_status(status)) release(self, p);
      return;
  }
}

} // namespace

caf::result<payment_view> withdraw(cashier_ptr self, const payment_request& r) {
  auto& st = self->state;
  if (auto refused = check_request(st, r); refused != cashier_errc::none)
    return make_error(refused);
  auto handle = st.providers.find(r.provider);
  if (!handle->second.breaker.allow())
    return make_error(cashier_errc::provider_unavailable);
  handle->second.breaker.abandon(); // the provider is asked only once it is approved
  payment_record p;
  try {
    auto account = st.accounts->by_id(r.player_id);
    if (!account) return make_error(cashier_errc::player_not_found);
    if (!r.currency.empty() && r.currency != account->currency)
      return make_error(cashier_errc::invalid_currency);
    p = new_record(st, payment_kind::payout, payment_status::requested, r,
                   account->currency);
    if (!st.payments->insert(p)) return make_error(cashier_errc::storage_error);
  } catch (const db::error& e) {
    log::error("cashier", "withdrawal not recorded", {{"error", e.what()}});
    return make_error(cashier_errc::storage_error);
  }
  auto rp = self->make_response_promise<payment_view>();
  auto address = r.address;
  announce(self, p, address, [self, p, address, reply = to_promise(rp)](bool ok) {
    step_done(self, "requested");
    if (!ok) {
      // Not announced: not reserved either; the sweep takes it on.
      reply({}, make_error(cashier_errc::storage_error));
      return;
    }
    reserve(self, p, address, reply);
  });
  return rp;
}

caf::result<payment_view> cancel_withdrawal(cashier_ptr self, int64_t player,
                                            const std::string& payment_id,
                                            const std::string& address) {
  auto p = load(self, payment_id);
  if (!p || p->player_id != player ||
      p->kind != static_cast<uint8_t>(payment_kind::payout))
    return make_error(cashier_errc::payment_not_found);
  auto rp = self->make_response_promise<payment_view>();
  end_and_release(self, payment_id, {payment_status::review, payment_status::approved},
                  payment_status::cancelled, "cancelled_by_player", "", address,
                  [rp](std::optional<payment_record> moved) mutable {
                    if (moved) {
                      rp.deliver(view_of(*moved));
                      return;
                    }
                    rp.deliver(make_error(cashier_errc::not_cancellable));
                  });
  return rp;
}

caf::result<payment_view> review_withdrawal(cashier_ptr self,
                                            const withdrawal_review& r) {
  auto p = load(self, r.payment_id);
  if (!p || p->kind != static_cast<uint8_t>(payment_kind::payout))
    return make_error(cashier_errc::payment_not_found);
  auto rp = self->make_response_promise<payment_view>();
  auto address = "operator:" + r.reviewer;
  auto answer = [rp](std::optional<payment_record> moved) mutable {
    if (moved) {
      rp.deliver(view_of(*moved));
      return;
    }
    rp.deliver(make_error(cashier_errc::not_reviewable));
  };
  if (!r.approve) {
    end_and_release(self, r.payment_id,
                    {payment_status::review, payment_status::approved},
                    payment_status::rejected, r.reason, r.reviewer, address, answer);
    return rp;
  }
  move(self, r.payment_id, {payment_status::review}, payment_status::approved, r.reason,
       r.reviewer, address,
       [self, id = r.payment_id, address,
        answer](std::optional<payment_record> moved) mutable {
         answer(moved);
         if (moved) send(self, id, address);
       });
  return rp;
}

void payout_callback(cashier_ptr self, const payment_record& p, payment_view cb,
                     const std::string& address,
                     caf::typed_response_promise<callback_outcome> rp) {
  payment_status s = payment_status::failed;
  payments::payment_status_from_string(cb.status, s);
  auto current = static_cast<payment_status>(p.status);
  bool ok = s == payment_status::confirmed;
  auto answer = [rp](std::optional<payment_record>) mutable {
    rp.deliver(callback_outcome{});
  };
  if ((ok && current == payment_status::paid) ||
      (!ok && current == payment_status::failed)) {
    rp.deliver(callback_outcome{200, "", "already applied"});
    return;
  }
  if (current != payment_status::sent) {
    auto code = payments::final_status(current) ? "payment_final" : "payout_not_sent";
    rp.deliver(callback_outcome{
        409, code, std::string{"the payout is "} + payments::to_string(current)});
    return;
  }
  if (ok)
    return paid(self, p.payment_id, cb.provider_tx_id, cb.fingerprint, address, answer);
  try {
    self->state.payments->note_provider(p.payment_id, cb.provider_tx_id, cb.fingerprint);
  } catch (const db::error&) {
  }
  end_and_release(self, p.payment_id, {payment_status::sent}, payment_status::failed,
                  cb.reason.empty() ? "payout_" + cb.status : cb.reason, "", address,
                  answer);
}

void resume_withdrawals(cashier_ptr self, bool at_start, int64_t stale_us) {
  std::vector<payment_record> open;
  try {
    open = self->state.payments->withdrawals_in_progress(1'000, at_start);
  } catch (const db::error& e) {
    log::warn("cashier", "withdrawals not read", {{"error", e.what()}});
    return;
  }
  auto now = now_us();
  for (const auto& p : open) {
    bool stale = now - p.updated_us >= stale_us;
    if (!at_start && !stale) continue;
    if (at_start) {
      // The step's event may have been lost with the process: announced again.
      announce(self, p, "system", [self, p](bool) { resume(self, p, true); });
      continue;
    }
    resume(self, p, false);
  }
}

} // namespace agg::cashier_detail
