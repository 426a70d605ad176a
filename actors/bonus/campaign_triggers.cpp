// What sets off a campaign's grants without the player asking (bonus_service.hpp,
// docs/bonus.md): a deposit (deposit matches), a registration (automatic no-deposit
// and free-spins campaigns), the end of a cashback period.

#include "actors/bonus/bonus_state.hpp"
#include "actors/bonus/campaign_rules.hpp"
#include "actors/core/bonus_errc.hpp"
#include "actors/core/pam_errc.hpp"
#include "actors/core/wallet_errc.hpp"
#include "actors/wallet/wallet_core.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

#include <map>

namespace agg {

namespace {

constexpr int64_t us_per_day = 86'400'000'000;

// The grants a batch of events sets off, and how many each (campaign, player) got in
// it (the stored count does not have them yet).
struct batch_grants {
  std::vector<bonus_grant> grants;
  std::map<std::pair<std::string, int64_t>, int64_t> given;

  bool may_give(bonus_ptr self, const campaign& c, const player_facts& p) {
    auto held = self->state.campaigns->grants_of(c.campaign_id, p.player_id) +
                given[{c.campaign_id, p.player_id}];
    return eligible(c, p, held);
  }
  void add(bonus_grant g) {
    ++given[{g.campaign_id, g.player_id}];
    grants.push_back(std::move(g));
  }
};

void deposit_matches(bonus_ptr self, const ledger_entry& e, batch_grants& out) {
  auto& cs = *self->state.campaigns;
  std::optional<player_facts> facts;
  std::optional<int64_t> nth;
  for (const auto& c : cs.active_of_kind(campaign_kind::deposit_match)) {
    // Deposits made before the campaign existed never qualify (a new subscriber's
    // first batches may be old).
    if (!running(c, e.created_us) || e.created_us < c.created_us) continue;
    if (!listed(c.currencies, e.currency)) continue;
    if (!c.code.empty() && !cs.claimed(c.campaign_id, e.player_id)) continue;
    if (!facts) facts = facts_of(self, e.player_id);
    if (!facts || !out.may_give(self, c, *facts)) continue;
    if (!nth) nth = cs.deposits_before(e.player_id, e.seq) + 1;
    if (!qualifies(c, e.amount, *nth)) continue;
    auto amount = bonus_amount(c, e.amount);
    if (amount <= 0) continue;
    auto g = grant_of(c, e.player_id, e.currency, amount, e.amount, now_us());
    g.grant_id = grant_id_for(c.campaign_id, "deposit:" + e.source + ":" + e.tx_id);
    out.add(std::move(g));
  }
}

void registered(bonus_ptr self, int64_t player, int64_t at_us, batch_grants& out) {
  auto& cs = *self->state.campaigns;
  std::optional<player_facts> facts;
  for (auto kind : {campaign_kind::no_deposit, campaign_kind::free_spins})
    for (const auto& c : cs.active_of_kind(kind)) {
      if (!c.code.empty() || !running(c, at_us) || at_us < c.created_us) continue;
      if (!facts) facts = facts_of(self, player);
      if (!facts || !out.may_give(self, c, *facts)) continue;
      auto g = grant_of(c, player, facts->currency, bonus_amount(c, 0), 0, now_us());
      g.grant_id = grant_id_for(c.campaign_id, "registered:" + std::to_string(player));
      out.add(std::move(g));
    }
}

// True for a failure after which the same grant may be asked again (the wallet was
// away, storage failed, the request timed out).
bool retryable(const caf::error& err) {
  if (err.category() == bonus_error_category())
    return err.code() == static_cast<uint8_t>(bonus_errc::storage_error);
  if (err.category() == pam_error_category())
    return err.code() == static_cast<uint8_t>(pam_errc::storage_error);
  auto w = wallet_error_of(err);
  return w == wallet_errc::unavailable || w == wallet_errc::storage_error;
}

// Gives every grant, then calls `done` once all have answered, with false when one
// failed in a way a retry may mend.
void give_all(bonus_ptr self, std::vector<bonus_grant> grants,
              std::function<void(bool)> done) {
  if (grants.empty()) return done(true);
  struct progress {
    size_t left;
    bool ok = true;
  };
  auto state = std::make_shared<progress>(progress{grants.size()});
  for (auto& g : grants) {
    auto id = g.grant_id;
    give_then(self, std::move(g), [state, done, id](caf::expected<bonus_grant> r) {
      if (!r) {
        log::warn("bonus", "campaign grant not given",
                  {{"grant_id", id}, {"error", to_string(r.error())}});
        if (retryable(r.error())) state->ok = false;
      }
      if (--state->left == 0) done(state->ok);
    });
  }
}

// How long a batch or a cashback period waits before it is tried again.
constexpr auto retry_after = std::chrono::seconds{1};

} // namespace

void on_events(bonus_ptr self, event_batch& b) {
  // One batch at a time, in order: acknowledgements stay in order, and a batch that
  // failed is tried again before any later one.
  self->state.queued.push_back(std::move(b));
  trigger_next(self);
}

void trigger_next(bonus_ptr self) {
  auto& st = self->state;
  if (st.triggering || st.queued.empty()) return;
  const auto& b = st.queued.front();
  batch_grants out;
  try {
    for (const auto& ev : b.events) {
      if (ev.is_money && ev.money.kind == static_cast<uint8_t>(entry_kind::deposit))
        deposit_matches(self, ev.money, out);
      else if (!ev.is_money &&
               ev.activity.kind == static_cast<uint8_t>(activity_kind::registered))
        registered(self, ev.activity.player_id, ev.activity.created_us, out);
    }
  } catch (const db::error& e) {
    log::error("bonus", "campaign triggers failed", {{"error", e.what()}});
    st.triggering = true;
    self->delayed_send(self, retry_after, tick_atom_v);
    return;
  }
  auto last = b.events.back().gseq();
  // Acknowledged once every grant is durable: a crash before gives them again, and a
  // failure tries the batch again (each grant's id comes from its cause, so nothing
  // is given twice; what was given counts toward max_grants).
  st.triggering = true;
  give_all(self, std::move(out.grants), [self, last](bool ok) {
    auto& st = self->state;
    if (!ok) {
      self->delayed_send(self, retry_after, tick_atom_v);
      return;
    }
    st.feed->ack(self, last);
    st.queued.pop_front();
    st.triggering = false;
    trigger_next(self);
  });
}

void retry_trigger(bonus_ptr self) {
  self->state.triggering = false;
  trigger_next(self);
}

void pay_cashback(bonus_ptr self) {
  auto& st = self->state;
  auto now = now_us();
  std::vector<campaign> due;
  try {
    due = st.campaigns->active_of_kind(campaign_kind::cashback);
  } catch (const db::error& e) {
    log::error("bonus", "cashback sweep failed", {{"error", e.what()}});
    return;
  }
  for (const auto& c : due) {
    if (st.paying.count(c.campaign_id) || now < c.starts_us) continue;
    auto len = c.period_days * us_per_day;
    auto last = (now - c.starts_us) / len - 1; // the newest period that has ended
    auto first = c.created_us > c.starts_us ? (c.created_us - c.starts_us) / len : 0;
    std::optional<int64_t> period;
    try {
      for (auto k = std::max<int64_t>(first, 0); k <= last && !period; ++k) {
        auto end = c.starts_us + (k + 1) * len;
        if (c.ends_us != 0 && end - len > c.ends_us) break; // began after the end
        if (!st.campaigns->period_paid(c.campaign_id, k)) period = k;
      }
      if (!period) continue;
      auto from = c.starts_us + *period * len;
      auto to = from + len;
      if (c.ends_us != 0) to = std::min(to, c.ends_us);
      batch_grants out;
      for (const auto& loss : st.campaigns->losses(from, to)) {
        if (!listed(c.currencies, loss.currency)) continue;
        if (!c.code.empty() && !st.campaigns->claimed(c.campaign_id, loss.player_id))
          continue;
        auto facts = facts_of(self, loss.player_id);
        if (!facts || facts->currency != loss.currency || !out.may_give(self, c, *facts))
          continue;
        auto amount = bonus_amount(c, loss.amount);
        if (amount <= 0) continue;
        auto g = grant_of(c, loss.player_id, loss.currency, amount, 0, now);
        g.grant_id =
            grant_id_for(c.campaign_id, "cashback:" + std::to_string(*period) + ":" +
                                            std::to_string(loss.player_id));
        out.add(std::move(g));
      }
      st.paying.insert(c.campaign_id);
      // Marked paid once every grant is durable; else the next sweep tries it again.
      give_all(
          self, std::move(out.grants), [self, id = c.campaign_id, k = *period](bool ok) {
            try {
              if (ok) self->state.campaigns->mark_period_paid(id, k, now_us());
            } catch (const db::error& e) {
              log::error("bonus", "cashback period not marked", {{"error", e.what()}});
            }
            self->state.paying.erase(id);
          });
    } catch (const db::error& e) {
      log::error("bonus", "cashback sweep failed", {{"error", e.what()}});
    }
  }
}

} // namespace agg
