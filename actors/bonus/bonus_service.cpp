#include "actors/bonus/bonus_service.hpp"

#include "actors/core/pam_errc.hpp"
#include "actors/core/wallet_errc.hpp"
#include "actors/wallet/wallet_core.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/log.hpp"
#include "persistence/account_store.hpp"
#include "persistence/grant_store.hpp"

namespace agg {

namespace {

struct bonus_state {
  bonus_options opts;
  db::connection conn;
  std::unique_ptr<grant_store> grants;
  std::unique_ptr<account_store> accounts;
  bool sweeping = false;
  static inline const char* name = "bonus";
};

using bonus_ptr = caf::stateful_actor<bonus_state>*;

// Sends `req` to the player's wallet, then answers with the grant as stored.
caf::result<bonus_grant> through_wallet(bonus_ptr self, wallet_request req,
                                        std::string grant_id) {
  auto wallets = self->state.opts.wallets ? self->state.opts.wallets() : registry_actor{};
  if (!wallets) return make_error(wallet_errc::unavailable);
  auto rp = self->make_response_promise<bonus_grant>();
  self->request(wallets, self->state.opts.request_timeout, wallet_atom_v, std::move(req))
      .then(
          [self, rp, grant_id](const wallet_receipt&) mutable {
            try {
              if (auto g = self->state.grants->by_id(grant_id)) {
                rp.deliver(*g);
                return;
              }
            } catch (const db::error& e) {
              log::error("bonus", "grant not read back", {{"error", e.what()}});
            }
            rp.deliver(make_error(wallet_errc::storage_error));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<bonus_grant> give(bonus_ptr self, bonus_grant terms) {
  auto& st = self->state;
  try {
    auto account = st.accounts->by_id(terms.player_id);
    if (!account) return make_error(pam_errc::player_not_found);
    if (terms.currency.empty()) terms.currency = account->currency;
  } catch (const db::error&) {
    return make_error(pam_errc::storage_error);
  }
  if (terms.grant_id.empty()) terms.grant_id = new_grant_id();
  wallet_request req;
  req.player_id = terms.player_id;
  req.op = static_cast<uint8_t>(wallet_op::grant_bonus);
  req.source = bonus_source;
  req.tx_id = terms.grant_id;
  req.currency = terms.currency;
  req.amount = terms.amount;
  auto id = terms.grant_id;
  req.grant.push_back(std::move(terms));
  return through_wallet(self, std::move(req), std::move(id));
}

wallet_request end_request(int64_t player, const std::string& grant_id, wallet_op op) {
  wallet_request req;
  req.player_id = player;
  req.op = static_cast<uint8_t>(op);
  req.source = bonus_source;
  req.tx_id = grant_id + ":end";
  req.grant_id = grant_id;
  return req;
}

caf::result<bonus_grant> forfeit(bonus_ptr self, int64_t player,
                                 const std::string& grant_id) {
  try {
    auto g = self->state.grants->by_id(grant_id);
    if (!g || g->player_id != player) return make_error(wallet_errc::bonus_not_found);
    if (g->status != static_cast<uint8_t>(grant_status::active))
      return make_error(wallet_errc::bonus_not_active);
  } catch (const db::error&) {
    return make_error(pam_errc::storage_error);
  }
  return through_wallet(self, end_request(player, grant_id, wallet_op::forfeit_bonus),
                        grant_id);
}

// Forfeits every active grant of a player; answers how many once all have ended.
caf::result<int64_t> forfeit_all(bonus_ptr self, int64_t player) {
  auto& st = self->state;
  std::vector<bonus_grant> active;
  try {
    for (auto& g : st.grants->of_player(player, bonus_list_max))
      if (g.status == static_cast<uint8_t>(grant_status::active)) active.push_back(g);
  } catch (const db::error&) {
    return make_error(pam_errc::storage_error);
  }
  if (active.empty()) return int64_t{0};
  auto wallets = st.opts.wallets ? st.opts.wallets() : registry_actor{};
  if (!wallets) return make_error(wallet_errc::unavailable);
  auto rp = self->make_response_promise<int64_t>();
  struct progress {
    size_t left;
    int64_t done = 0;
    caf::error failed;
  };
  auto state = std::make_shared<progress>(progress{active.size(), 0, {}});
  auto finish = [rp, state]() mutable {
    if (--state->left > 0) return;
    if (state->failed)
      rp.deliver(state->failed);
    else
      rp.deliver(state->done);
  };
  for (const auto& g : active)
    self->request(wallets, st.opts.request_timeout, wallet_atom_v,
                  end_request(player, g.grant_id, wallet_op::forfeit_bonus))
        .then(
            [state, finish](const wallet_receipt&) mutable {
              ++state->done;
              finish();
            },
            [state, finish](caf::error& err) mutable {
              // Ended meanwhile (converted, expired): no longer active, which is enough.
              if (wallet_error_of(err) != wallet_errc::bonus_not_active)
                state->failed = std::move(err);
              finish();
            });
  return rp;
}

// Expires what is due, a batch at a time; the next sweep goes on.
void sweep(bonus_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.opts.expiry_sweep, sweep_atom_v);
  auto wallets = st.opts.wallets ? st.opts.wallets() : registry_actor{};
  if (st.sweeping || !wallets) return;
  std::vector<bonus_grant> due;
  try {
    due = st.grants->due_to_expire(now_us(), 200);
  } catch (const db::error& e) {
    log::error("bonus", "expiry sweep failed", {{"error", e.what()}});
    return;
  }
  if (due.empty()) return;
  st.sweeping = true;
  auto left = std::make_shared<size_t>(due.size());
  for (const auto& g : due)
    self->request(wallets, st.opts.request_timeout, wallet_atom_v,
                  end_request(g.player_id, g.grant_id, wallet_op::expire_bonus))
        .then(
            [self, left](const wallet_receipt&) {
              if (--*left == 0) self->state.sweeping = false;
            },
            [self, left, id = g.grant_id](caf::error& err) {
              // Ended otherwise meanwhile (converted, forfeited): nothing to do.
              if (wallet_error_of(err) != wallet_errc::bonus_not_active)
                log::warn("bonus", "grant not expired",
                          {{"grant_id", id}, {"error", to_string(wallet_error_of(err))}});
              if (--*left == 0) self->state.sweeping = false;
            });
}

caf::behavior bonus_impl(bonus_ptr self, bonus_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.conn = db::connection::open(st.opts.db_path, db::open_mode::read_write_create,
                                 st.opts.tuning);
  st.grants = std::make_unique<grant_store>(st.conn);
  st.accounts = std::make_unique<account_store>(st.conn);
  self->send(self, sweep_atom_v);
  return {
      [self](bonuses_atom, int64_t player) -> caf::result<bonus_page> {
        try {
          if (!self->state.accounts->by_id(player))
            return make_error(pam_errc::player_not_found);
          return bonus_page{player,
                            self->state.grants->of_player(player, bonus_list_max)};
        } catch (const db::error&) {
          return make_error(pam_errc::storage_error);
        }
      },
      [self](grant_atom, bonus_grant& terms) { return give(self, std::move(terms)); },
      [self](forfeit_atom, int64_t player, const std::string& grant_id) {
        return forfeit(self, player, grant_id);
      },
      [self](forfeit_atom, int64_t player) { return forfeit_all(self, player); },
      [self](gate_atom, const payment_view& p) -> caf::result<gate_decision> {
        try {
          for (const auto& g : self->state.grants->of_player(p.player_id, bonus_list_max))
            if (g.status == static_cast<uint8_t>(grant_status::active) &&
                g.currency == p.currency)
              return gate_decision{false, "bonus_active"};
        } catch (const db::error&) {
          return make_error(pam_errc::storage_error);
        }
        return gate_decision{};
      },
      [self](sweep_atom) { sweep(self); },
  };
}

} // namespace

caf::atom_value bonus_name() {
  return caf::atom("bonus");
}

std::string new_grant_id() {
  return "bon_" + to_hex(random_bytes(12));
}

caf::actor spawn_bonus_service(caf::actor_system& sys, bonus_options opts) {
  return sys.spawn<caf::detached>(bonus_impl, std::move(opts));
}

} // namespace agg
