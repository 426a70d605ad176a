#include "actors/bonus/bonus_service.hpp"

#include "actors/bonus/bonus_state.hpp"
#include "actors/bonus/campaign_rules.hpp"
#include "actors/core/bonus_errc.hpp"
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

using grant_done = std::function<void(caf::expected<bonus_grant>)>;
// The grant as stored, and whether the wallet answered with a replay (it was made
// before).
using wallet_done = std::function<void(caf::expected<bonus_grant>, bool replayed)>;

// Sends `req` to the player's wallet, then calls `done` with the grant as stored.
void through_wallet(bonus_ptr self, wallet_request req, std::string grant_id,
                    wallet_done done) {
  auto wallets = self->state.opts.wallets ? self->state.opts.wallets() : registry_actor{};
  if (!wallets) return done(make_error(wallet_errc::unavailable), false);
  self->request(wallets, self->state.opts.request_timeout, wallet_atom_v, std::move(req))
      .then(
          [self, done, grant_id](const wallet_receipt& r) {
            try {
              if (auto g = self->state.grants->by_id(grant_id))
                return done(*g, r.replayed);
            } catch (const db::error& e) {
              log::error("bonus", "grant not read back", {{"error", e.what()}});
            }
            done(make_error(wallet_errc::storage_error), false);
          },
          [done](caf::error& err) { done(std::move(err), false); });
}

// A wallet_done that ignores the replay flag.
wallet_done any(grant_done done) {
  return [done](caf::expected<bonus_grant> g, bool) { done(std::move(g)); };
}

// A promise's delivery as a grant_done.
grant_done deliver_to(caf::typed_response_promise<bonus_grant> rp) {
  return [rp](caf::expected<bonus_grant> g) mutable {
    if (g)
      rp.deliver(std::move(*g));
    else
      rp.deliver(std::move(g.error()));
  };
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

// Asks the studio of a free-rounds grant to give them (a studio that runs its
// games); the grant is forfeited if it refuses.
void award_free_rounds(bonus_ptr self, bonus_grant g, grant_done done) {
  auto directory = self->state.opts.vendors ? self->state.opts.vendors() : caf::actor{};
  if (g.free_rounds <= 0 || g.vendor.empty() || !directory) return done(std::move(g));
  std::string vendor_campaign;
  try {
    if (auto c = self->state.campaigns->by_id(g.campaign_id))
      vendor_campaign = c->vendor_campaign;
  } catch (const db::error&) {
    return done(make_error(bonus_errc::storage_error));
  }
  vendors::free_rounds_award a{g.player_id,   g.grant_id, g.game_id,       g.currency,
                               g.free_rounds, g.free_bet, vendor_campaign, g.expires_us};
  auto vendor = g.vendor;
  self->request(directory, self->state.opts.request_timeout, grant_atom_v, vendor, a)
      .then(
          [self, done, g](bool) {
            try {
              self->state.campaigns->mark_awarded(g.grant_id, now_us());
            } catch (const db::error& e) {
              log::error("bonus", "award not recorded", {{"error", e.what()}});
            }
            done(g);
          },
          [self, done, g](caf::error& err) {
            log::warn("bonus", "studio refused free rounds",
                      {{"grant_id", g.grant_id}, {"vendor", g.vendor}});
            through_wallet(
                self, end_request(g.player_id, g.grant_id, wallet_op::forfeit_bonus),
                g.grant_id, [done, err](caf::expected<bonus_grant>, bool) { done(err); });
          });
}

// Free-rounds grants whose studio was never told (a crash between the grant's
// commit and the studio's answer): told now. Those younger than a request's time
// may still be on their way.
void award_missing(bonus_ptr self) {
  auto& st = self->state;
  std::vector<bonus_grant> left;
  try {
    auto settled = now_us() - 2 * std::chrono::duration_cast<std::chrono::microseconds>(
                                      st.opts.request_timeout)
                                      .count();
    left = st.campaigns->unawarded(settled, 50);
  } catch (const db::error& e) {
    log::error("bonus", "free rounds sweep failed", {{"error", e.what()}});
    return;
  }
  for (auto& g : left)
    award_free_rounds(self, std::move(g), [](caf::expected<bonus_grant>) {});
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
  auto rp = self->make_response_promise<bonus_grant>();
  through_wallet(self, end_request(player, grant_id, wallet_op::forfeit_bonus), grant_id,
                 any(deliver_to(rp)));
  return rp;
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
  st.campaigns = std::make_unique<campaign_store>(st.conn);
  subscription_options sub;
  sub.name = "bonus";
  sub.durable = true;
  sub.window = 256;
  sub.stats = st.opts.stats;
  st.feed = std::make_unique<feed_subscription>(std::move(sub));
  st.feed->connect(self);
  self->set_down_handler(
      [self](caf::down_msg& dm) { self->state.feed->on_down(self, dm); });
  self->send(self, sweep_atom_v);
  return {
      [self](bonuses_atom, int64_t player) -> caf::result<bonus_page> {
        try {
          auto facts = facts_of(self, player);
          if (!facts) return make_error(pam_errc::player_not_found);
          return bonus_page{player, self->state.grants->of_player(player, bonus_list_max),
                            open_to(self, *facts)};
        } catch (const db::error&) {
          return make_error(pam_errc::storage_error);
        }
      },
      [self](campaign_atom, campaign& c) { return save_campaign(self, std::move(c)); },
      [self](campaign_atom, const std::string& id, uint8_t status) {
        return set_campaign_status(self, id, status);
      },
      [self](campaign_atom, const std::string& id) { return list_campaigns(self, id); },
      [self](claim_atom, int64_t player, const std::string& code) {
        return claim(self, player, code);
      },
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self](tick_atom) { retry_trigger(self); },
      [self](events_atom, event_batch& b) {
        if (!self->state.feed->fresh(self, b)) return;
        on_events(self, b);
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
      [self](sweep_atom) {
        sweep(self);
        pay_cashback(self);
        award_missing(self);
      },
  };
}

} // namespace

void give_then(bonus_ptr self, bonus_grant terms, grant_done done) {
  auto& st = self->state;
  try {
    auto account = st.accounts->by_id(terms.player_id);
    if (!account) return done(make_error(pam_errc::player_not_found));
    if (terms.currency.empty()) terms.currency = account->currency;
  } catch (const db::error&) {
    return done(make_error(pam_errc::storage_error));
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
  // The studio is asked after the grant's commit; a grant given again (a replay) is
  // asked again only if the studio was never told (a crash or a lost answer between),
  // and the sweep asks for grants left so.
  through_wallet(self, std::move(req), std::move(id),
                 [self, done](caf::expected<bonus_grant> g, bool replayed) {
                   if (!g || g->free_rounds <= 0 || g->vendor.empty())
                     return done(std::move(g));
                   bool told = false;
                   try {
                     told = replayed && self->state.campaigns->awarded(g->grant_id);
                   } catch (const db::error&) {
                   }
                   if (told || g->status != static_cast<uint8_t>(grant_status::active))
                     return done(std::move(g));
                   award_free_rounds(self, std::move(*g), done);
                 });
}

caf::result<bonus_grant> give(bonus_ptr self, bonus_grant terms) {
  auto rp = self->make_response_promise<bonus_grant>();
  give_then(self, std::move(terms), deliver_to(rp));
  return rp;
}

std::optional<player_facts> facts_of(bonus_ptr self, int64_t player) {
  auto a = self->state.accounts->by_id(player);
  if (!a) return std::nullopt;
  return player_facts{a->player_id, a->currency, a->country, a->status, a->kyc_level};
}

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
