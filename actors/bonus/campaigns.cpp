// Campaigns and claims of the bonus service (bonus_service.hpp, docs/bonus.md).

#include "actors/bonus/bonus_state.hpp"
#include "actors/bonus/campaign_rules.hpp"
#include "actors/core/bonus_errc.hpp"
#include "actors/core/pam_errc.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

#include <algorithm>

namespace agg {

namespace {

// Campaigns listed at most.
constexpr int64_t campaign_list_max = 500;

caf::error storage_failed(const db::error& e) {
  log::error("bonus", "campaign storage failed", {{"error", e.what()}});
  return make_error(bonus_errc::storage_error);
}

// A free-spins campaign's game, currencies and bet against its vendor's catalog.
bonus_errc check_game(const campaign& c, const game_catalog& cat) {
  bool vendor_known = false;
  for (const auto& g : cat.games) {
    if (g.vendor != c.vendor) continue;
    vendor_known = true;
    if (g.game_id != c.game_id) continue;
    if (c.bet < g.stake_min || (g.stake_max > 0 && c.bet > g.stake_max) ||
        g.stake_step <= 0 || c.bet % g.stake_step != 0)
      return bonus_errc::invalid_stake;
    if (!g.currencies.empty()) {
      if (c.currencies.empty()) return bonus_errc::unknown_currency;
      size_t start = 0;
      while (true) {
        auto end = c.currencies.find(',', start);
        auto cur =
            c.currencies.substr(start, end == std::string::npos ? end : end - start);
        if (std::find(g.currencies.begin(), g.currencies.end(), cur) ==
            g.currencies.end())
          return bonus_errc::unknown_currency;
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
    return bonus_errc::none;
  }
  return vendor_known ? bonus_errc::unknown_game : bonus_errc::unknown_vendor;
}

// Stores a checked campaign: a new one gets its id, an edit keeps what it cannot change.
caf::expected<campaign> store(bonus_ptr self, campaign c) {
  auto& cs = *self->state.campaigns;
  try {
    auto now = now_us();
    if (c.campaign_id.empty()) {
      c.campaign_id = new_campaign_id();
      c.created_us = now;
      c.updated_us = now;
      if (!cs.insert(c)) return make_error(bonus_errc::code_taken);
      return c;
    }
    auto old = cs.by_id(c.campaign_id);
    if (!old) return make_error(bonus_errc::campaign_not_found);
    if (old->status == static_cast<uint8_t>(campaign_status::ended))
      return make_error(bonus_errc::campaign_ended);
    if (old->kind != c.kind) return make_error(bonus_errc::invalid_campaign);
    c.created_us = old->created_us;
    c.updated_us = now;
    if (!cs.update(c)) return make_error(bonus_errc::code_taken);
    return c;
  } catch (const db::error& e) {
    return storage_failed(e);
  }
}

} // namespace

caf::result<campaign> save_campaign(bonus_ptr self, campaign c) {
  if (!c.code.empty()) {
    auto code = normalized_code(c.code);
    if (code.empty()) return make_error(bonus_errc::invalid_campaign);
    c.code = std::move(code);
  }
  if (!c.campaign_id.empty()) {
    // An edit changes terms, not the status (pause, resume and end do), and keeps
    // the start unless it names one (cashback periods count from it).
    try {
      auto old = self->state.campaigns->by_id(c.campaign_id);
      if (!old) return make_error(bonus_errc::campaign_not_found);
      c.status = old->status;
      if (c.starts_us == 0) c.starts_us = old->starts_us;
    } catch (const db::error& e) {
      return storage_failed(e);
    }
  }
  if (c.starts_us == 0) c.starts_us = now_us();
  if (auto e = check_terms(c); e != bonus_errc::none) return make_error(e);
  if (c.kind != static_cast<uint8_t>(campaign_kind::free_spins)) {
    auto out = store(self, std::move(c));
    if (!out) return out.error();
    return *out;
  }
  auto directory = self->state.opts.vendors ? self->state.opts.vendors() : caf::actor{};
  if (!directory) return make_error(bonus_errc::unknown_vendor);
  auto rp = self->make_response_promise<campaign>();
  self->request(directory, self->state.opts.request_timeout, games_atom_v)
      .then(
          [self, rp, c](const game_catalog& cat) mutable {
            if (auto e = check_game(c, cat); e != bonus_errc::none) {
              rp.deliver(make_error(e));
              return;
            }
            auto out = store(self, std::move(c));
            if (!out) {
              rp.deliver(out.error());
              return;
            }
            rp.deliver(std::move(*out));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<campaign> set_campaign_status(bonus_ptr self, const std::string& id,
                                          uint8_t status) {
  if (status < 1 || status > 3) return make_error(bonus_errc::invalid_campaign);
  try {
    auto c = self->state.campaigns->by_id(id);
    if (!c) return make_error(bonus_errc::campaign_not_found);
    if (c->status == static_cast<uint8_t>(campaign_status::ended))
      return c->status == status
                 ? caf::result<campaign>{*c}
                 : caf::result<campaign>{make_error(bonus_errc::campaign_ended)};
    c->status = status;
    c->updated_us = now_us();
    self->state.campaigns->update(*c);
    return *c;
  } catch (const db::error& e) {
    return storage_failed(e);
  }
}

caf::result<campaign_list> list_campaigns(bonus_ptr self, const std::string& id) {
  auto& cs = *self->state.campaigns;
  try {
    campaign_list out;
    if (id.empty()) {
      out.campaigns = cs.list(campaign_list_max);
    } else {
      auto c = cs.by_id(id);
      if (!c) return make_error(bonus_errc::campaign_not_found);
      out.campaigns.push_back(std::move(*c));
    }
    for (const auto& c : out.campaigns)
      out.figures.push_back(cs.figures(c.campaign_id));
    return out;
  } catch (const db::error& e) {
    return storage_failed(e);
  }
}

std::vector<campaign> open_to(bonus_ptr self, const player_facts& p) {
  std::vector<campaign> out;
  auto now = now_us();
  for (auto& c : self->state.campaigns->list(campaign_list_max)) {
    if (!running(c, now)) continue;
    bool opted_in =
        !c.code.empty() && self->state.campaigns->claimed(c.campaign_id, p.player_id);
    if (!c.code.empty() && !opted_in) continue; // a code is never shown
    if (!eligible(c, p, self->state.campaigns->grants_of(c.campaign_id, p.player_id)))
      continue;
    c.code.clear();
    out.push_back(std::move(c));
  }
  return out;
}

caf::result<claim_result> claim(bonus_ptr self, int64_t player, const std::string& code) {
  auto& st = self->state;
  campaign c;
  try {
    auto norm = normalized_code(code);
    auto found = norm.empty() ? std::nullopt : st.campaigns->by_code(norm);
    if (!found || !running(*found, now_us())) return make_error(bonus_errc::invalid_code);
    c = std::move(*found);
    auto facts = facts_of(self, player);
    if (!facts) return make_error(pam_errc::player_not_found);
    if (st.campaigns->claimed(c.campaign_id, player))
      return make_error(bonus_errc::already_claimed);
    if (!eligible(c, *facts, st.campaigns->grants_of(c.campaign_id, player)))
      return make_error(bonus_errc::not_eligible);
    auto kind = static_cast<campaign_kind>(c.kind);
    if (kind == campaign_kind::deposit_match || kind == campaign_kind::cashback) {
      // An opt-in: the next qualifying deposit, or the periods from now, fulfil it.
      st.campaigns->claim(c.campaign_id, player, now_us());
      c.code.clear();
      return claim_result{std::move(c), false, {}};
    }
    auto terms = grant_of(c, player, facts->currency, bonus_amount(c, 0), 0, now_us());
    terms.grant_id = grant_id_for(c.campaign_id, "claim:" + std::to_string(player));
    auto rp = self->make_response_promise<claim_result>();
    // The grant first (its id is the claim's: a retry gives it once), then the claim.
    give_then(self, std::move(terms),
              [self, rp, c, player](caf::expected<bonus_grant> g) mutable {
                if (!g) {
                  rp.deliver(std::move(g.error()));
                  return;
                }
                try {
                  self->state.campaigns->claim(c.campaign_id, player, now_us());
                } catch (const db::error& e) {
                  log::error("bonus", "claim not recorded", {{"error", e.what()}});
                }
                c.code.clear();
                rp.deliver(claim_result{std::move(c), true, std::move(*g)});
              });
    return rp;
  } catch (const db::error& e) {
    return storage_failed(e);
  }
}

} // namespace agg
