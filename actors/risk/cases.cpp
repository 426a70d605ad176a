// Scores, cases and locks of the risk service (risk_service.hpp).

#include "actors/core/risk_errc.hpp"
#include "actors/risk/risk_state.hpp"
#include "actors/risk/risk_views.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

#include <nlohmann/json.hpp>

namespace agg {

namespace {

// A cleared player is flagged again only on more evidence: a score this much higher
// than the one cleared, or a larger linked group.
constexpr double new_evidence = 0.05;

bool same_evidence(const risk_profile& p, double score, int64_t group) {
  return p.cleared_score >= 0 && score <= p.cleared_score + new_evidence &&
         group <= p.cleared_group;
}

void open_case(risk_ptr self, risk_case& c) {
  auto& st = self->state;
  st.store->open(c);
  st.profiles[c.player_id].open_case = c.case_id;
  if (st.opts.stats) st.opts.stats->risk_cases.inc(c.kind);
  log::info("risk", "case opened",
            {{"case_id", c.case_id},
             {"player", c.player_id},
             {"kind", c.kind},
             {"score", std::to_string(c.score)}});
}

// The accounts linked to one the engine locked get cases of their own.
void open_linked_cases(risk_ptr self, int64_t locked, int64_t now) {
  auto& st = self->state;
  for (auto other : st.engine->links().group(locked)) {
    auto& p = st.profiles[other];
    if (other == locked || p.open_case != 0) continue;
    risk_case c;
    c.player_id = other;
    c.kind = "linked";
    c.score = p.last.score;
    c.reasons =
        nlohmann::json::array(
            {{{"feature", "linked_to_locked"}, {"value", locked}, {"contribution", 0}}})
            .dump();
    c.group_size = st.engine->links().group_size(other);
    c.opened_us = now;
    c.updated_us = now;
    open_case(self, c);
  }
}

} // namespace

void evaluate(risk_ptr self, int64_t player, int64_t now) {
  auto& st = self->state;
  auto& p = st.profiles[player];
  if (!st.engine->scorable(player)) {
    p.last = risk::risk_score{};
    return;
  }
  p.last = st.model.score(st.engine->features(player));
  if (st.opts.stats) st.opts.stats->risk_scores.fetch_add(1, std::memory_order_relaxed);
  if (now == 0 || p.last.score < st.opts.review_score) return;
  auto group = st.engine->links().group_size(player);
  if (same_evidence(p, p.last.score, group)) return;
  bool lock = p.last.score >= st.opts.lock_score && !p.locked;
  try {
    std::optional<risk_case> open;
    if (p.open_case != 0) open = st.store->by_id(p.open_case);
    if (open && open->status == "open") {
      // Written again only when it says more: a score higher by the margin, a
      // lock, a larger group (each write is a commit beside the ledger's).
      if (p.last.score > open->score + new_evidence || lock || group > open->group_size) {
        if (p.last.score >= open->score) {
          open->kind = p.last.kind;
          open->score = p.last.score;
          open->reasons = reasons_json(p.last);
        }
        open->group_size = std::max(open->group_size, group);
        open->locked = open->locked || lock;
        open->updated_us = now;
        st.store->update(*open);
      }
    } else {
      risk_case c;
      c.player_id = player;
      c.kind = p.last.kind;
      c.score = p.last.score;
      c.reasons = reasons_json(p.last);
      c.group_size = group;
      c.locked = lock;
      c.opened_us = now;
      c.updated_us = now;
      open_case(self, c);
    }
    if (!lock) return;
    p.locked = true;
    if (st.opts.stats) st.opts.stats->risk_locks.fetch_add(1, std::memory_order_relaxed);
    set_lock(self, player, true, "risk");
    open_linked_cases(self, player, now);
  } catch (const db::error& e) {
    log::error("risk", "case not written", {{"player", player}, {"error", e.what()}});
  }
}

void set_lock(risk_ptr self, int64_t player, bool locked, const std::string& by) {
  auto& st = self->state;
  auto status =
      static_cast<uint8_t>(locked ? account_status::locked : account_status::active);
  auto accounts = st.opts.accounts ? st.opts.accounts() : account_actor{};
  auto wallets = st.opts.wallets ? st.opts.wallets() : registry_actor{};
  auto timeout = std::chrono::seconds{15};
  // The wallet first: money out stops at once, even before the account's record.
  if (wallets)
    self->request(wallets, timeout, status_atom_v, player, status)
        .then([](bool) {},
              [player](caf::error& err) {
                log::warn("risk", "wallet not told of the lock",
                          {{"player", player}, {"error", caf::to_string(err)}});
              });
  if (accounts)
    self->request(accounts, timeout, status_atom_v, player, status, by)
        .then([](const account_view&) {},
              [player](caf::error& err) {
                log::warn("risk", "account lock not set",
                          {{"player", player}, {"error", caf::to_string(err)}});
              });
}

caf::expected<std::string> resolve_case(risk_ptr self, int64_t case_id,
                                        const std::string& body) {
  auto& st = self->state;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j["outcome"].is_string())
    return make_error(risk_errc::invalid_outcome);
  auto outcome = j["outcome"].get<std::string>();
  if (outcome != "cleared" && outcome != "confirmed")
    return make_error(risk_errc::invalid_outcome);
  auto note = j.value("note", std::string{});
  auto by = j.value("by", std::string{"operator"});
  auto c = st.store->by_id(case_id);
  if (!c) return make_error(risk_errc::case_not_found);
  if (c->status != "open") return make_error(risk_errc::case_resolved);
  auto now = now_us();
  if (!st.store->resolve(case_id, outcome, by, note, now))
    return make_error(risk_errc::case_resolved);
  auto& p = st.profiles[c->player_id];
  if (p.open_case == case_id) p.open_case = 0;
  if (outcome == "cleared") {
    p.cleared_score = std::max({p.cleared_score, c->score, p.last.score});
    p.cleared_group = st.engine->links().group_size(c->player_id);
    if (p.locked) {
      p.locked = false;
      set_lock(self, c->player_id, false, "operator:" + by);
    }
  } else if (!p.locked) {
    p.locked = true;
    set_lock(self, c->player_id, true, "operator:" + by);
  }
  log::info("risk", "case resolved",
            {{"case_id", case_id}, {"outcome", outcome}, {"by", by}});
  return case_json(*st.store->by_id(case_id)).dump();
}

void load_cases(risk_ptr self) {
  auto& st = self->state;
  for (const auto& c : st.store->all()) {
    auto& p = st.profiles[c.player_id];
    if (c.status == "open") p.open_case = c.case_id;
    if (c.locked && c.status != "cleared") p.locked = true;
    if (c.status == "confirmed") p.locked = true;
    if (c.status == "cleared") {
      p.cleared_score = std::max(p.cleared_score, c.score);
      p.cleared_group = std::max(p.cleared_group, c.group_size);
      if (c.locked) p.locked = false;
    }
  }
}

} // namespace agg
