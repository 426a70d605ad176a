#include "actors/cashier/provider_worker.hpp"

#include "actors/core/cashier_errc.hpp"
#include "actors/core/messages.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace agg {

namespace {

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

} // namespace

caf::actor spawn_provider_worker(caf::actor_system& sys,
                                 std::shared_ptr<payments::provider> p) {
  return sys.spawn<caf::detached>(provider_worker, std::move(p));
}

} // namespace agg
