#include "actors/cashier/cashier.hpp"

#include "actors/cashier/cashier_core.hpp"
#include "actors/cashier/deposits.hpp"
#include "actors/cashier/provider_worker.hpp"
#include "actors/cashier/withdrawals.hpp"
#include "actors/core/cashier_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace agg {

namespace {

using namespace cashier_detail;
using payments::payment_kind;

// A withdrawal whose last step is this old is taken on again by the sweep.
constexpr int64_t withdrawal_stale_us = 60'000'000;

callback_outcome refused(int64_t status, const char* code, std::string message) {
  return callback_outcome{status, code, std::move(message)};
}

// A callback the provider authenticated: applied to its payment.
void apply_callback(cashier_ptr self, const std::string& provider, payment_view cb,
                    const std::string& address,
                    caf::typed_response_promise<callback_outcome> rp) {
  std::optional<payment_record> p;
  try {
    p = self->state.payments->by_id(cb.payment_id);
  } catch (const db::error&) {
    rp.deliver(refused(503, "unavailable", "payments could not be read; retry"));
    return;
  }
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
  if (p->kind == static_cast<uint8_t>(payment_kind::deposit))
    deposit_callback(self, *p, std::move(cb), address, rp);
  else
    payout_callback(self, *p, std::move(cb), address, rp);
}

caf::result<callback_outcome> callback(cashier_ptr self, const payment_callback_in& in) {
  auto& st = self->state;
  auto handle = st.providers.find(in.provider);
  if (handle == st.providers.end())
    return refused(404, "unknown_provider", "no such payment provider");
  auto rp = self->make_response_promise<callback_outcome>();
  auto provider = in.provider;
  auto address = in.address;
  self->request(handle->second.worker, st.opts.submit_timeout, callback_atom_v, in)
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

// -> payment_page; the next page starts before the last when this one is full.
payment_page page_of(std::vector<payment_record> rows, int64_t limit) {
  payment_page page;
  for (const auto& p : rows)
    page.payments.push_back(view_of(p));
  if (static_cast<int64_t>(page.payments.size()) == limit && limit > 0)
    page.next_before_us = page.payments.back().created_us;
  return page;
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
    auto worker = spawn_provider_worker(self->system(), provider);
    self->link_to(worker);
    st.providers.emplace(
        c.id,
        provider_handle{worker, circuit_breaker{c.breaker_failures, c.breaker_cooldown}});
  }
  resume_withdrawals(self, true, 0);
  self->send(self, sweep_atom_v);
  return {
      [self](deposit_atom, const payment_request& r) { return deposit(self, r); },
      [self](withdraw_atom, const payment_request& r) { return withdraw(self, r); },
      [self](cancel_atom, int64_t player, const std::string& id,
             const std::string& address) {
        return cancel_withdrawal(self, player, id, address);
      },
      [self](review_atom, const withdrawal_review& r) {
        return review_withdrawal(self, r);
      },
      [self](callback_atom, const payment_callback_in& in) { return callback(self, in); },
      [self](payments_atom, int64_t player, int64_t before_us,
             int64_t limit) -> caf::result<payment_page> {
        try {
          auto& payments = *self->state.payments;
          auto page = page_of(
              payments.of_player(player, before_us > 0 ? before_us : INT64_MAX, limit),
              limit);
          page.reserved = payments.reserved_amount(player);
          return page;
        } catch (const db::error&) {
          return make_error(cashier_errc::storage_error);
        }
      },
      [self](withdrawals_atom, int64_t status, int64_t before_us,
             int64_t limit) -> caf::result<payment_page> {
        try {
          return page_of(self->state.payments->withdrawals(
                             static_cast<uint8_t>(status),
                             before_us > 0 ? before_us : INT64_MAX, limit),
                         limit);
        } catch (const db::error&) {
          return make_error(cashier_errc::storage_error);
        }
      },
      [self](payments_atom, const std::string& id) -> caf::result<payment_view> {
        try {
          auto p = self->state.payments->by_id(id);
          if (!p) return make_error(cashier_errc::payment_not_found);
          return view_of(*p);
        } catch (const db::error&) {
          return make_error(cashier_errc::storage_error);
        }
      },
      [self](sweep_atom) {
        expire_deposits(self);
        resume_withdrawals(self, false, withdrawal_stale_us);
        self->delayed_send(self, self->state.opts.sweep_interval, sweep_atom_v);
      },
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
