#include "actors/players/limits_service.hpp"

#include "actors/core/pam_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "persistence/account_store.hpp"
#include "persistence/limit_store.hpp"

namespace agg {

namespace {

struct limits_state {
  limits_options opts;
  db::connection conn;
  std::unique_ptr<limit_store> limits;
  std::unique_ptr<account_store> accounts;
  static inline const char* name = "limits";
};

using limits_ptr = caf::stateful_actor<limits_state>*;

bool money_kind(limit_kind k) {
  return k != limit_kind::session_minutes && k != limit_kind::reality_check_minutes;
}

bool play_kind(limit_kind k) {
  return k >= limit_kind::loss_day && k <= limit_kind::wager_month;
}

caf::expected<limits_view> view_of(limits_state& st, int64_t player) {
  auto a = st.accounts->by_id(player);
  if (!a) return make_error(pam_errc::player_not_found);
  auto set = st.limits->of_player(player);
  return limits_view{player, a->currency, {set.begin(), set.end()}};
}

caf::result<limits_view> change(limits_ptr self, const limit_change& c) {
  auto& st = self->state;
  if (c.kind < 1 || c.kind > limit_kind_count) return make_error(pam_errc::invalid_limit);
  auto kind = static_cast<limit_kind>(c.kind);
  auto max = money_kind(kind) ? limit_amount_max : limit_minutes_max;
  auto min = money_kind(kind) ? 0 : 1;
  if (c.amount != -1 && (c.amount < min || c.amount > max))
    return make_error(pam_errc::invalid_limit);
  limit_value now_value;
  caf::expected<limits_view> view = make_error(pam_errc::storage_error);
  try {
    if (!st.accounts->by_id(c.player_id)) return make_error(pam_errc::player_not_found);
    now_value =
        st.limits->set(c.player_id, kind, c.amount, now_us(), st.opts.increase_delay_us);
    view = view_of(st, c.player_id);
  } catch (const db::error& e) {
    log::error("limits", "limit not stored", {{"error", e.what()}});
    return make_error(pam_errc::storage_error);
  }
  nlohmann::json detail{
      {"limit", to_string(kind)}, {"asked", c.amount}, {"amount", now_value.amount}};
  if (now_value.pending_from_us > 0) {
    detail["pending"] = now_value.pending;
    detail["pending_from_us"] = now_value.pending_from_us;
  }
  auto rp = self->make_response_promise<limits_view>();
  auto record =
      make_activity(activity_kind::limit_changed, c.player_id, c.by, {}, detail);
  auto out = *view;
  record_activity(self, {std::move(record)}, st.opts.request_timeout,
                  [self, rp, out, kind](bool ok) mutable {
                    if (!ok) {
                      rp.deliver(make_error(pam_errc::storage_error));
                      return;
                    }
                    auto wallets = self->state.opts.wallets ? self->state.opts.wallets()
                                                            : registry_actor{};
                    if (!play_kind(kind) || !wallets) {
                      rp.deliver(out);
                      return;
                    }
                    // The live wallet checks the next bet against it.
                    limit_set set{};
                    std::copy(out.values.begin(), out.values.end(), set.begin());
                    self->request(wallets, self->state.opts.request_timeout,
                                  limits_atom_v, out.player_id,
                                  play_limits_of(set, out.currency))
                        .then([rp, out](bool) mutable { rp.deliver(out); },
                              [rp, out](caf::error&) mutable { rp.deliver(out); });
                  });
  return rp;
}

caf::behavior limits_impl(limits_ptr self, limits_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.conn = db::connection::open(st.opts.db_path, db::open_mode::read_write_create,
                                 st.opts.tuning);
  st.limits = std::make_unique<limit_store>(st.conn);
  st.accounts = std::make_unique<account_store>(st.conn);
  return {
      [self](limits_atom, int64_t player) -> caf::result<limits_view> {
        try {
          auto v = view_of(self->state, player);
          if (!v) return v.error();
          return *v;
        } catch (const db::error&) {
          return make_error(pam_errc::storage_error);
        }
      },
      [self](limits_atom, const limit_change& c) { return change(self, c); },
  };
}

} // namespace

caf::atom_value limits_name() {
  return caf::atom("limits");
}

caf::actor spawn_limits_service(caf::actor_system& sys, limits_options opts) {
  return sys.spawn<caf::detached>(limits_impl, std::move(opts));
}

} // namespace agg
