#include "actors/cashier/cashier.hpp"

#include "actors/core/cashier_errc.hpp"
#include "actors/core/error_code.hpp"
#include "actors/core/wallet_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "actors/wallet/wallet_core.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/log.hpp"
#include "payments/provider.hpp"
#include "persistence/account_store.hpp"
#include "persistence/payment_store.hpp"

namespace agg {

namespace {

using payments::payment_kind;
using payments::payment_status;

payment_view view_of(const payment_record& p) {
  payment_view v;
  v.payment_id = p.payment_id;
  v.kind = payments::to_string(static_cast<payment_kind>(p.kind));
  v.status = payments::to_string(static_cast<payment_status>(p.status));
  v.player_id = p.player_id;
  v.provider = p.provider;
  v.provider_tx_id = p.provider_tx_id;
  v.currency = p.currency;
  v.amount = p.amount;
  v.instrument = p.instrument;
  v.fingerprint = p.fingerprint;
  v.reason = p.reason;
  v.created_us = p.created_us;
  v.updated_us = p.updated_us;
  v.expires_us = p.expires_us;
  return v;
}

activity_kind activity_of(payment_status s) {
  switch (s) {
    case payment_status::created:
      return activity_kind::payment_created;
    case payment_status::pending:
      return activity_kind::payment_pending;
    case payment_status::confirmed:
      return activity_kind::payment_confirmed;
    case payment_status::declined:
      return activity_kind::payment_declined;
    case payment_status::failed:
      return activity_kind::payment_failed;
    case payment_status::expired:
      return activity_kind::payment_expired;
  }
  return activity_kind::payment_failed;
}

bool valid_instrument(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// -- the provider's worker: every call to the provider, one at a time ---------------

struct worker_state {
  static inline const char* name = "payment_provider";
};

caf::behavior provider_worker(caf::stateful_actor<worker_state>*,
                              std::shared_ptr<payments::provider> p) {
  return {
      [p](submit_atom, const payment_view& v) -> caf::result<payment_view> {
        payments::payment_order o;
        o.payment_id = v.payment_id;
        payments::payment_kind_from_string(v.kind, o.kind);
        o.player_id = v.player_id;
        o.currency = v.currency;
        o.amount = v.amount;
        o.instrument = v.instrument;
        try {
          auto r = p->submit(o);
          payment_view out = v;
          out.status = payments::to_string(r.status);
          out.provider_tx_id = r.provider_tx_id;
          out.fingerprint = r.fingerprint;
          out.reason = r.reason;
          return out;
        } catch (const std::exception& e) {
          log::warn("cashier", "provider call failed",
                    {{"payment", v.payment_id}, {"error", e.what()}});
          return make_error(cashier_errc::provider_unavailable);
        }
      },
      // -> (0, the callback as a view) or (reason, message in view.reason)
      [p](callback_atom, const payment_callback_in& in) {
        payments::callback_request req;
        for (size_t i = 0; i < in.header_names.size() && i < in.header_values.size(); ++i)
          req.headers[in.header_names[i]] = in.header_values[i];
        req.body = in.body;
        req.now_us = now_us();
        payment_view out;
        try {
          auto cb = p->read_callback(req);
          out.payment_id = cb.payment_id;
          out.provider_tx_id = cb.provider_tx_id;
          out.status = payments::to_string(cb.status);
          out.currency = cb.currency;
          out.amount = cb.amount;
          out.fingerprint = cb.fingerprint;
          out.reason = cb.reason;
          return caf::make_message(int64_t{0}, std::move(out));
        } catch (const payments::callback_error& e) {
          out.reason = e.what();
          return caf::make_message(static_cast<int64_t>(e.why), std::move(out));
        }
      },
  };
}

// -- the cashier --------------------------------------------------------------------

struct cashier_state {
  cashier_options opts;
  db::connection conn;
  std::unique_ptr<payment_store> payments;
  std::unique_ptr<account_store> accounts;
  std::map<std::string, caf::actor> workers; // by provider id
  static inline const char* name = "cashier";
};

using cashier_ptr = caf::stateful_actor<cashier_state>*;

// Records the payment's change as an activity event, then pushes the view to the
// player and calls `done` (with whether the record is durable).
template <class Done>
void announce(cashier_ptr self, const payment_record& p, const std::string& address,
              Done done) {
  nlohmann::json detail{{"payment_id", p.payment_id},
                        {"kind", payments::to_string(static_cast<payment_kind>(p.kind))},
                        {"provider", p.provider},
                        {"currency", p.currency},
                        {"amount", p.amount},
                        {"instrument", p.instrument}};
  if (!p.fingerprint.empty()) detail["fingerprint"] = p.fingerprint;
  if (!p.provider_tx_id.empty()) detail["provider_tx_id"] = p.provider_tx_id;
  if (!p.reason.empty()) detail["reason"] = p.reason;
  auto record = make_activity(activity_of(static_cast<payment_status>(p.status)),
                              p.player_id, address, {}, detail);
  auto view = view_of(p);
  record_activity(self, {std::move(record)}, self->state.opts.request_timeout,
                  [self, view, done](bool ok) mutable {
                    if (auto presence = self->state.opts.presence
                                            ? self->state.opts.presence()
                                            : caf::actor{})
                      self->send(presence, push_atom_v, view);
                    done(ok);
                  });
}

// Moves an open payment to `status` and announces it; `done(view)` with the payment
// as it now stands (unchanged when it was no longer open).
template <class Done>
void advance(cashier_ptr self, const std::string& payment_id, payment_status status,
             const std::string& tx, const std::string& fingerprint,
             const std::string& reason, const std::string& address, Done done) {
  auto& st = self->state;
  bool moved = st.payments->advance(payment_id, static_cast<uint8_t>(status), tx,
                                    fingerprint, reason, now_us());
  auto p = st.payments->by_id(payment_id);
  if (!p) return done(payment_view{});
  if (!moved) return done(view_of(*p));
  announce(self, *p, address, [p = *p, done](bool) mutable { done(view_of(p)); });
}

std::string new_payment_id(payment_kind kind) {
  return std::string{kind == payment_kind::deposit ? "dep_" : "pay_"} +
         to_hex(random_bytes(12));
}

caf::result<payment_view> deposit(cashier_ptr self, const deposit_request& r) {
  auto& st = self->state;
  auto worker = st.workers.find(r.provider);
  if (worker == st.workers.end()) return make_error(cashier_errc::unknown_provider);
  if (r.amount < 1 || r.amount > st.opts.amount_max)
    return make_error(cashier_errc::invalid_amount);
  if (!valid_instrument(r.instrument))
    return make_error(cashier_errc::invalid_instrument);
  auto account = st.accounts->by_id(r.player_id);
  if (!account) return make_error(cashier_errc::payment_not_found);
  if (!r.currency.empty() && r.currency != account->currency)
    return make_error(cashier_errc::invalid_currency);
  payment_record p;
  p.payment_id = new_payment_id(payment_kind::deposit);
  p.kind = static_cast<uint8_t>(payment_kind::deposit);
  p.status = static_cast<uint8_t>(payment_status::created);
  p.player_id = r.player_id;
  p.provider = r.provider;
  p.instrument = r.instrument;
  p.currency = account->currency;
  p.amount = r.amount;
  p.created_us = now_us();
  p.updated_us = p.created_us;
  p.expires_us = p.created_us + st.opts.intent_ttl.count() * 1'000;
  try {
    if (!st.payments->insert(p)) return make_error(cashier_errc::storage_error);
  } catch (const db::error& e) {
    log::error("cashier", "payment not recorded", {{"error", e.what()}});
    return make_error(cashier_errc::storage_error);
  }
  auto rp = self->make_response_promise<payment_view>();
  auto provider = worker->second;
  auto address = r.address;
  announce(self, p, address, [self, rp, p, provider, address](bool ok) mutable {
    if (!ok) {
      rp.deliver(make_error(cashier_errc::storage_error));
      return;
    }
    self->request(provider, self->state.opts.submit_timeout, submit_atom_v, view_of(p))
        .then(
            [self, rp, address](payment_view& answer) mutable {
              payment_status s = payment_status::pending;
              payments::payment_status_from_string(answer.status, s);
              if (s == payment_status::created) s = payment_status::pending;
              advance(self, answer.payment_id, s, answer.provider_tx_id,
                      answer.fingerprint, answer.reason, address,
                      [rp](payment_view v) mutable { rp.deliver(std::move(v)); });
            },
            [self, rp, p, address](caf::error&) mutable {
              // The outcome is unknown: the payment waits for a callback or expires.
              advance(self, p.payment_id, payment_status::pending, "", "",
                      "provider_unknown_outcome", address,
                      [rp](payment_view v) mutable { rp.deliver(std::move(v)); });
            });
  });
  return rp;
}

callback_outcome refused(int64_t status, const char* code, std::string message) {
  return callback_outcome{status, code, std::move(message)};
}

// A callback the provider authenticated: applied to its payment.
void apply_callback(cashier_ptr self, const std::string& provider, payment_view cb,
                    const std::string& address,
                    caf::typed_response_promise<callback_outcome> rp) {
  auto& st = self->state;
  auto p = st.payments->by_id(cb.payment_id);
  if (!p || p->provider != provider) {
    rp.deliver(refused(404, "payment_not_found", "no such payment"));
    return;
  }
  if ((!p->provider_tx_id.empty() && !cb.provider_tx_id.empty() &&
       p->provider_tx_id != cb.provider_tx_id) ||
      p->amount != cb.amount || p->currency != cb.currency) {
    rp.deliver(
        refused(409, "callback_mismatch", "the callback does not match the payment"));
    return;
  }
  payment_status s = payment_status::failed;
  payments::payment_status_from_string(cb.status, s);
  auto current = static_cast<payment_status>(p->status);
  if (payments::final_status(current)) {
    if (current == s) {
      rp.deliver(callback_outcome{200, "", "already applied"});
      return;
    }
    {
      rp.deliver(
          refused(409, "payment_final",
                  std::string{"the payment is already "} + payments::to_string(current)));
      return;
    }
  }
  auto tx = cb.provider_tx_id.empty() ? p->provider_tx_id : cb.provider_tx_id;
  if (s != payment_status::confirmed ||
      static_cast<payment_kind>(p->kind) != payment_kind::deposit) {
    return advance(self, p->payment_id, s, tx, cb.fingerprint, cb.reason, address,
                   [rp](payment_view) mutable { rp.deliver(callback_outcome{}); });
  }
  // A confirmed deposit: the wallet credits it once, keyed by the provider's id.
  wallet_request w;
  w.player_id = p->player_id;
  w.op = static_cast<uint8_t>(wallet_op::deposit);
  w.source = "payment:" + provider;
  w.tx_id = tx.empty() ? p->payment_id : tx;
  w.currency = p->currency;
  w.amount = p->amount;
  auto wallets = st.opts.wallets ? st.opts.wallets() : registry_actor{};
  if (!wallets) {
    rp.deliver(refused(503, "unavailable", "the wallet is unavailable"));
    return;
  }
  self->request(wallets, st.opts.request_timeout, wallet_atom_v, std::move(w))
      .then(
          [self, rp, id = p->payment_id, tx, fp = cb.fingerprint,
           address](wallet_receipt&) mutable {
            advance(self, id, payment_status::confirmed, tx, fp, "", address,
                    [rp](payment_view) mutable { rp.deliver(callback_outcome{}); });
          },
          [rp](caf::error& err) mutable {
            log::warn("cashier", "deposit not credited yet",
                      {{"error", error_code_of(err)}});
            rp.deliver(
                refused(503, "unavailable", "the wallet did not credit it; retry"));
          });
}

caf::result<callback_outcome> callback(cashier_ptr self, const payment_callback_in& in) {
  auto& st = self->state;
  auto worker = st.workers.find(in.provider);
  if (worker == st.workers.end())
    return refused(404, "unknown_provider", "no such payment provider");
  auto rp = self->make_response_promise<callback_outcome>();
  auto provider = in.provider;
  auto address = in.address;
  self->request(worker->second, st.opts.submit_timeout, callback_atom_v, in)
      .then(
          [self, rp, provider, address](int64_t why, payment_view& cb) mutable {
            if (why == 0) {
              apply_callback(self, provider, std::move(cb), address, rp);
              return;
            }
            using reason = payments::callback_error::reason;
            if (why == static_cast<int64_t>(reason::malformed)) {
              rp.deliver(refused(400, "bad_callback", cb.reason));
              return;
            }
            // Forged or stale: refused, and recorded.
            const char* code = why == static_cast<int64_t>(reason::stale)
                                   ? "stale_callback"
                                   : "bad_signature";
            auto record =
                make_activity(activity_kind::payment_callback_refused, 0, address, {},
                              {{"provider", provider}, {"reason", code}});
            record_activity(self, {std::move(record)}, self->state.opts.request_timeout,
                            [rp, code, msg = cb.reason](bool) mutable {
                              rp.deliver(refused(401, code, msg));
                            });
          },
          [rp](caf::error&) mutable {
            rp.deliver(
                refused(503, "unavailable", "the provider's worker did not answer"));
          });
  return rp;
}

void sweep(cashier_ptr self) {
  auto& st = self->state;
  try {
    for (const auto& p : st.payments->due_to_expire(now_us(), 100))
      advance(self, p.payment_id, payment_status::expired, "", "", "expired", "system",
              [](payment_view) {});
  } catch (const db::error& e) {
    log::warn("cashier", "expiry sweep failed", {{"error", e.what()}});
  }
  self->delayed_send(self, st.opts.sweep_interval, sweep_atom_v);
}

caf::behavior cashier_impl(cashier_ptr self, cashier_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.conn = db::connection::open(st.opts.db_path, db::open_mode::read_write_create,
                                 st.opts.tuning);
  st.payments = std::make_unique<payment_store>(st.conn);
  st.accounts = std::make_unique<account_store>(st.conn);
  for (const auto& c : st.opts.providers) {
    payments::provider_env env;
    env.id = c.id;
    env.settings = c.settings;
    auto url = st.opts.operator_url;
    env.callback_url = [url, id = c.id] {
      return (url ? url() : std::string{}) + "/v1/payments/" + id + "/callback";
    };
    std::shared_ptr<payments::provider> provider = payments::make_provider(c.kind, env);
    auto worker = self->system().spawn<caf::detached>(provider_worker, provider);
    self->link_to(worker);
    st.workers.emplace(c.id, worker);
  }
  self->send(self, sweep_atom_v);
  return {
      [self](deposit_atom, const deposit_request& r) { return deposit(self, r); },
      [self](callback_atom, const payment_callback_in& in) { return callback(self, in); },
      [self](payments_atom, int64_t player, int64_t before_us,
             int64_t limit) -> caf::result<payment_page> {
        try {
          payment_page page;
          for (const auto& p : self->state.payments->of_player(
                   player, before_us > 0 ? before_us : INT64_MAX, limit))
            page.payments.push_back(view_of(p));
          return page;
        } catch (const db::error&) {
          return make_error(cashier_errc::storage_error);
        }
      },
      [self](payments_atom, const std::string& id) -> caf::result<payment_view> {
        auto p = self->state.payments->by_id(id);
        if (!p) return make_error(cashier_errc::payment_not_found);
        return view_of(*p);
      },
      [self](sweep_atom) { sweep(self); },
  };
}

} // namespace

caf::atom_value cashier_name() {
  return caf::atom("cashier");
}

caf::actor spawn_cashier(caf::actor_system& sys, cashier_options opts) {
  return sys.spawn<caf::detached>(cashier_impl, std::move(opts));
}

} // namespace agg
