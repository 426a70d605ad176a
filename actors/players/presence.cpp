#include "actors/players/presence.hpp"

#include <unordered_map>
#include <vector>

namespace agg {

namespace {

struct presence_state {
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

caf::behavior presence_impl(presence_pointer self, int) {
  self->set_down_handler([self](caf::down_msg& dm) { remove(self, dm.source.id()); });
  return {
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
      [self](push_atom, const balance_push& p) { forward(self, p.player_id, p); },
      [self](push_atom, const round_result& r) { forward(self, r.player_id, r); },
      [self](broadcast_atom, const vendor_status& s) {
        for (auto& [player, sessions] : self->state.sessions)
          for (auto& session : sessions)
            self->send(session, push_atom_v, s);
      },
      [self](stats_atom) { return static_cast<int64_t>(self->state.player_of.size()); },
  };
}

} // namespace

caf::actor spawn_presence(caf::actor_system& sys) {
  // The unused argument avoids CAF 0.17's zero-argument spawn (see supervisor_test).
  return sys.spawn(presence_impl, 0);
}

} // namespace agg
