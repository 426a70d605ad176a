#include "actors/players/presence.hpp"

#include "actors/events/feed_subscription.hpp"
#include "persistence/bonus_parts.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <vector>

namespace agg {

namespace {

struct presence_state {
  std::unique_ptr<feed_subscription> feed;
  std::unordered_map<int64_t, std::vector<caf::actor>> sessions;
  std::unordered_map<caf::actor_id, int64_t> player_of;
  static inline const char* name = "presence";
};

using presence_pointer = caf::stateful_actor<presence_state>*;

void remove(presence_pointer self, caf::actor_id who) {
  auto& st = self->state;
  auto p = st.player_of.find(who);
  if (p == st.player_of.end()) return;
  auto& list = st.sessions[p->second];
  std::erase_if(list, [&](const caf::actor& a) { return a.id() == who; });
  if (list.empty()) st.sessions.erase(p->second);
  st.player_of.erase(p);
}

// Sends (push_atom, x) to every session of the player.
template <class T>
void forward(presence_pointer self, int64_t player, const T& x) {
  auto i = self->state.sessions.find(player);
  if (i == self->state.sessions.end()) return;
  for (auto& s : i->second)
    self->send(s, push_atom_v, x);
}

// The newest balance of each (player, currency) in the events that has a session here,
// once per batch.
void push_balances(presence_pointer self, const event_batch& b) {
  auto& st = self->state;
  std::vector<balance_push> pushes;
  for (const auto& ev : b.events) {
    if (!ev.is_money || !st.sessions.count(ev.money.player_id)) continue;
    const auto& e = ev.money;
    balance_push p{e.player_id, e.currency, e.balance_after, e.seq, e.kind, e.amount};
    auto same = std::find_if(pushes.begin(), pushes.end(), [&](const balance_push& q) {
      return q.player_id == p.player_id && q.currency == p.currency;
    });
    if (same != pushes.end())
      *same = std::move(p);
    else
      pushes.push_back(std::move(p));
  }
  for (auto& p : pushes)
    forward(self, p.player_id, p);
}

// The grants each player's entries changed, once per player per batch, with the
// newest entry's kind.
void push_bonus_notices(presence_pointer self, const event_batch& b) {
  auto& st = self->state;
  std::vector<bonus_notice> notices;
  for (const auto& ev : b.events) {
    if (!ev.is_money || ev.money.bonus.empty() || !st.sessions.count(ev.money.player_id))
      continue;
    std::vector<bonus_part> parts;
    if (!parse_parts(ev.money.bonus, parts)) continue;
    auto same = std::find_if(notices.begin(), notices.end(), [&](const bonus_notice& n) {
      return n.player_id == ev.money.player_id;
    });
    if (same == notices.end()) {
      notices.push_back(bonus_notice{ev.money.player_id, 0, {}});
      same = std::prev(notices.end());
    }
    // A grant's own entries outrank the progress of bets and wins.
    if (ev.money.kind >= static_cast<uint8_t>(entry_kind::bonus_grant) ||
        same->kind < static_cast<uint8_t>(entry_kind::bonus_grant))
      same->kind = ev.money.kind;
    for (auto& p : parts)
      if (std::find(same->grant_ids.begin(), same->grant_ids.end(), p.grant_id) ==
          same->grant_ids.end())
        same->grant_ids.push_back(std::move(p.grant_id));
  }
  for (auto& n : notices)
    forward(self, n.player_id, n);
}

caf::behavior presence_impl(presence_pointer self, std::shared_ptr<metrics> stats) {
  subscription_options sub;
  sub.name = "presence";
  sub.stats = std::move(stats);
  self->state.feed = std::make_unique<feed_subscription>(std::move(sub));
  self->state.feed->connect(self);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (!self->state.feed->on_down(self, dm)) remove(self, dm.source.id());
  });
  return {
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self](events_atom, event_batch& b) {
        auto& feed = *self->state.feed;
        if (!feed.fresh(self, b)) return;
        push_balances(self, b);
        push_bonus_notices(self, b);
        feed.ack(self, b.events.back().gseq());
      },
      [self](join_atom, int64_t player, const caf::actor& session) {
        auto& st = self->state;
        if (!st.player_of.emplace(session.id(), player).second) return;
        st.sessions[player].push_back(session);
        self->monitor(session);
      },
      [self](leave_atom, int64_t, const caf::actor& session) {
        self->demonitor(session);
        remove(self, session.id());
      },
      [self](push_atom, const round_result& r) { forward(self, r.player_id, r); },
      [self](push_atom, const payment_view& p) { forward(self, p.player_id, p); },
      [self](broadcast_atom, const vendor_status& s) {
        for (auto& [player, sessions] : self->state.sessions)
          for (auto& session : sessions)
            self->send(session, push_atom_v, s);
      },
      [self](stats_atom) { return static_cast<int64_t>(self->state.player_of.size()); },
      [self](caf::get_atom) { return self->state.feed->subscribed(); },
  };
}

} // namespace

caf::actor spawn_presence(caf::actor_system& sys, std::shared_ptr<metrics> stats) {
  return sys.spawn(presence_impl, std::move(stats));
}

} // namespace agg
