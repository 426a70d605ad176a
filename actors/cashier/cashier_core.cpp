#include "actors/cashier/cashier_core.hpp"

#include "actors/core/wallet_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"

namespace agg::cashier_detail {

using payments::payment_kind;
using payments::payment_status;

namespace {

const char* reservation_name(uint8_t r) {
  switch (static_cast<payment_reservation>(r)) {
    case payment_reservation::none:
      return "none";
    case payment_reservation::held:
      return "held";
    case payment_reservation::released:
      return "released";
    case payment_reservation::settled:
      return "settled";
  }
  return "none";
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
    case payment_status::requested:
      return activity_kind::payment_requested;
    case payment_status::review:
      return activity_kind::payment_review;
    case payment_status::approved:
      return activity_kind::payment_approved;
    case payment_status::sent:
      return activity_kind::payment_sent;
    case payment_status::paid:
      return activity_kind::payment_paid;
    case payment_status::rejected:
      return activity_kind::payment_rejected;
    case payment_status::cancelled:
      return activity_kind::payment_cancelled;
  }
  return activity_kind::payment_failed;
}

} // namespace

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
  if (static_cast<payment_kind>(p.kind) == payment_kind::payout)
    v.reservation = reservation_name(p.reservation);
  v.reviewer = p.reviewer;
  return v;
}

std::string new_payment_id(payment_kind kind) {
  return std::string{kind == payment_kind::deposit ? "dep_" : "pay_"} +
         to_hex(random_bytes(12));
}

int64_t next_created_us(cashier_state& st) {
  st.last_created_us = std::max(now_us(), st.last_created_us + 1);
  return st.last_created_us;
}

bool valid_instrument(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

cashier_errc check_request(const cashier_state& st, const payment_request& r) {
  if (st.providers.count(r.provider) == 0) return cashier_errc::unknown_provider;
  if (r.amount < 1 || r.amount > st.opts.amount_max) return cashier_errc::invalid_amount;
  if (!valid_instrument(r.instrument)) return cashier_errc::invalid_instrument;
  return cashier_errc::none;
}

payment_record new_record(cashier_state& st, payment_kind kind, payment_status status,
                          const payment_request& r, const std::string& currency) {
  payment_record p;
  p.payment_id = new_payment_id(kind);
  p.kind = static_cast<uint8_t>(kind);
  p.status = static_cast<uint8_t>(status);
  p.player_id = r.player_id;
  p.provider = r.provider;
  p.instrument = r.instrument;
  p.currency = currency;
  p.amount = r.amount;
  p.created_us = next_created_us(st);
  p.updated_us = p.created_us;
  return p;
}

void announce(cashier_ptr self, const payment_record& p, const std::string& address,
              std::function<void(bool)> done) {
  auto kind = static_cast<payment_kind>(p.kind);
  auto status = static_cast<payment_status>(p.status);
  nlohmann::json detail{{"payment_id", p.payment_id}, {"kind", payments::to_string(kind)},
                        {"provider", p.provider},     {"currency", p.currency},
                        {"amount", p.amount},         {"instrument", p.instrument}};
  if (!p.fingerprint.empty()) detail["fingerprint"] = p.fingerprint;
  if (!p.provider_tx_id.empty()) detail["provider_tx_id"] = p.provider_tx_id;
  if (!p.reason.empty()) detail["reason"] = p.reason;
  if (!p.reviewer.empty()) detail["reviewer"] = p.reviewer;
  auto record = make_activity(activity_of(status), p.player_id, address, {}, detail);
  if (auto& stats = self->state.opts.stats)
    stats->payments.inc(std::string{payments::to_string(kind)} + "/" +
                        payments::to_string(status));
  auto view = view_of(p);
  record_activity(self, {std::move(record)}, self->state.opts.request_timeout,
                  [self, view, done = std::move(done)](bool ok) {
                    if (auto presence = self->state.opts.presence
                                            ? self->state.opts.presence()
                                            : caf::actor{})
                      self->send(presence, push_atom_v, view);
                    done(ok);
                  });
}

void step_done(cashier_ptr self, const char* step) {
  if (self->state.opts.after_step) self->state.opts.after_step(step);
}

void wallet_call(cashier_ptr self, wallet_request w,
                 std::function<void(wallet_receipt&)> ok,
                 std::function<void(caf::error&)> fail) {
  auto wallets = self->state.opts.wallets ? self->state.opts.wallets() : registry_actor{};
  if (!wallets) {
    caf::error err = make_error(wallet_errc::unavailable);
    return fail(err);
  }
  self->request(wallets, self->state.opts.request_timeout, wallet_atom_v, std::move(w))
      .then([ok = std::move(ok)](wallet_receipt& r) { ok(r); },
            [fail = std::move(fail)](caf::error& e) { fail(e); });
}

provider_handle& provider_of(cashier_ptr self, const std::string& id) {
  return self->state.providers.at(id);
}

} // namespace agg::cashier_detail
