// What sets off a campaign's grants without the player asking (bonus_service.hpp,
// docs/bonus.md): a deposit (deposit matches), a registration (automatic no-deposit
// and free-spins campaigns), the end of a cashback period.

#include "actors/bonus/bonus_state.hpp"
#include "actors/bonus/campaign_rules.hpp"
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

// Gives every grant, then calls `done` once all have answered.
void give_all(bonus_ptr self, std::vector<bonus_grant> grants,
              std::function<void()> done) {
  if (grants.empty()) return done();
  auto left = std::make_shared<size_t>(grants.size());
  for (auto& g : grants) {
    auto id = g.grant_id;
    give_then(self, std::move(g), [left, done, id](caf::expected<bonus_grant> r) {
      if (!r)
        log::warn("bonus", "campaign grant not given",
                  {{"grant_id", id}, {"error", to_string(r.error())}});
      if (--*left == 0) done();
    });
  }
}

} // namespace

void on_events(bonus_ptr self, event_batch& b) {
  auto& st = self->state;
  if (st.triggering) { // one batch at a time: acknowledgements stay in order
    st.queued.push_back(std::move(b));
    return;
  }
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
    // Not acknowledged: the feed sends the batch again.
    log::error("bonus", "campaign triggers failed", {{"error", e.what()}});
    return;
  }
  auto last = b.events.back().gseq();
  // Acknowledged once every grant answered: a crash before gives them again (each
  // grant's id comes from its cause, so nothing is given twice).
  st.triggering = true;
  give_all(self, std::move(out.grants), [self, last] {
    auto& st = self->state;
    st.feed->ack(self, last);
    st.triggering = false;
    if (st.queued.empty()) return;
    auto next = std::move(st.queued.front());
    st.queued.pop_front();
    on_events(self, next);
  });
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
        if (c.ends_us != 0 && end > c.ends_us + len) break;
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
      give_all(self, std::move(out.grants), [self, id = c.campaign_id, k = *period] {
        try {
          self->state.campaigns->mark_period_paid(id, k, now_us());
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
