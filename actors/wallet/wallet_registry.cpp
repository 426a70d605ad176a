#include "actors/wallet/wallet_registry.hpp"

#include "actors/core/wallet_errc.hpp"

#include <optional>
#include <unordered_map>

namespace agg {

namespace {

struct registry_state {
  registry_deps deps;
  std::unordered_map<int64_t, wallet_actor> live;
  std::unordered_multimap<int64_t, wallet_actor> stopping;
  std::unordered_map<caf::actor_id, int64_t> owner; // every live or stopping wallet
  bool accepting = true;
  std::optional<caf::typed_response_promise<int64_t>> drained;
  int64_t stopped_count = 0;
  static inline const char* name = "wallet_registry";

  registry_state() = default;
  registry_state(const registry_state&) = delete;
  registry_state& operator=(const registry_state&) = delete;
  // Wallets are monitored, not linked (a link costs every unlink a scan of all
  // links): when the registry goes, it takes its wallets with it here.
  ~registry_state() {
    for (auto& [player, w] : live)
      caf::anon_send_exit(w, caf::exit_reason::kill);
    for (auto& [player, w] : stopping)
      caf::anon_send_exit(w, caf::exit_reason::kill);
  }
};

using registry_pointer = registry_actor::stateful_pointer<registry_state>;

const reader_actor& reader_for(registry_state& st, int64_t player) {
  return st.deps.readers[static_cast<size_t>(player) % st.deps.readers.size()];
}

wallet_actor wallet_for(registry_pointer self, int64_t player) {
  auto& st = self->state;
  if (auto i = st.live.find(player); i != st.live.end()) return i->second;
  caf::actor_addr predecessor;
  if (auto i = st.stopping.find(player); i != st.stopping.end())
    predecessor = i->second.address();
  wallet_deps deps{
      st.deps.writer, reader_for(st, player), caf::actor_cast<caf::actor>(self),
      st.deps.ids,    st.deps.stats,          st.deps.limits};
  auto w = spawn_wallet(self, player, std::move(deps), predecessor);
  st.live.emplace(player, w);
  st.owner.emplace(w.id(), player);
  return w;
}

void check_drained(registry_pointer self) {
  auto& st = self->state;
  if (st.drained && st.live.empty() && st.stopping.empty()) {
    st.drained->deliver(st.stopped_count);
    st.drained.reset();
  }
}

// Forgets a terminated wallet, wherever it was listed.
void forget(registry_pointer self, caf::actor_id who) {
  auto& st = self->state;
  auto o = st.owner.find(who);
  if (o == st.owner.end()) return;
  auto player = o->second;
  st.owner.erase(o);
  ++st.stopped_count;
  if (auto i = st.live.find(player); i != st.live.end() && i->second.id() == who) {
    st.live.erase(i);
  } else {
    auto [first, last] = st.stopping.equal_range(player);
    for (auto i = first; i != last; ++i) {
      if (i->second.id() == who) {
        st.stopping.erase(i);
        break;
      }
    }
  }
  check_drained(self);
}

registry_actor::behavior_type registry_impl(registry_pointer self, registry_deps deps) {
  self->state.deps = std::move(deps);
  self->set_down_handler([self](caf::down_msg& msg) { forget(self, msg.source.id()); });
  return {
      [self](wallet_atom, wallet_request& req) -> caf::result<wallet_receipt> {
        if (!self->state.accepting) return make_error(wallet_errc::unavailable);
        if (req.player_id <= 0) return make_error(wallet_errc::invalid_request);
        auto w = wallet_for(self, req.player_id);
        return self->delegate(w, wallet_atom_v, std::move(req));
      },
      [self](history_atom, int64_t player, int64_t before_seq,
             int64_t limit) -> caf::result<history_page> {
        if (player <= 0 || limit <= 0) return make_error(wallet_errc::invalid_request);
        return self->delegate(reader_for(self->state, player), history_atom_v, player,
                              before_seq, limit);
      },
      [self](timeline_atom, int64_t player, int64_t before_us,
             int64_t limit) -> caf::result<event_batch> {
        if (player <= 0 || limit <= 0) return make_error(wallet_errc::invalid_request);
        return self->delegate(reader_for(self->state, player), timeline_atom_v, player,
                              before_us, limit);
      },
      [self](unsettled_atom, std::string& source, int64_t before_us,
             int64_t limit) -> caf::result<round_page> {
        if (limit <= 0) return make_error(wallet_errc::invalid_request);
        auto& reader = self->state.deps.readers[std::hash<std::string>{}(source) %
                                                self->state.deps.readers.size()];
        return self->delegate(reader, unsettled_atom_v, std::move(source), before_us,
                              limit);
      },
      [self](reconcile_atom, std::string& vendor, int64_t from_us, int64_t to_us,
             int64_t open_limit) -> caf::result<reconciliation_report> {
        if (open_limit <= 0) return make_error(wallet_errc::invalid_request);
        auto& reader = self->state.deps.readers[std::hash<std::string>{}(vendor) %
                                                self->state.deps.readers.size()];
        return self->delegate(reader, reconcile_atom_v, std::move(vendor), from_us, to_us,
                              open_limit);
      },
      [self](rounds_atom, int64_t player, int64_t before_seq,
             int64_t limit) -> caf::result<round_page> {
        if (player <= 0 || limit <= 0) return make_error(wallet_errc::invalid_request);
        return self->delegate(reader_for(self->state, player), rounds_atom_v, player,
                              before_seq, limit);
      },
      [self](status_atom, int64_t player, uint8_t status) -> caf::result<bool> {
        auto& st = self->state;
        auto i = st.live.find(player);
        if (i == st.live.end()) return true;
        return self->delegate(i->second, status_atom_v, status);
      },
      [self](limits_atom, int64_t player,
             const play_limits& limits) -> caf::result<bool> {
        auto& st = self->state;
        auto i = st.live.find(player);
        if (i == st.live.end()) return true;
        return self->delegate(i->second, limits_atom_v, limits);
      },
      [self](idle_atom, int64_t player) {
        auto& st = self->state;
        auto i = st.live.find(player);
        auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
        if (i == st.live.end() || i->second.address() != sender)
          return; // an outdated notice
        if (st.stopping.count(player) != 0)
          return; // its predecessor is still stopping; try again at the next tick
        self->send(i->second, stop_atom_v);
        st.stopping.emplace(player, std::move(i->second));
        st.live.erase(i);
      },
      [self](drain_atom) -> caf::result<int64_t> {
        auto& st = self->state;
        st.accepting = false;
        for (auto& [player, w] : st.live) {
          self->send(w, stop_atom_v);
          st.stopping.emplace(player, w);
        }
        st.live.clear();
        if (st.stopping.empty()) return st.stopped_count;
        st.drained = self->make_response_promise<int64_t>();
        return *st.drained;
      },
      [self](stats_atom) {
        return static_cast<int64_t>(self->state.live.size() +
                                    self->state.stopping.size());
      },
  };
}

} // namespace

registry_actor spawn_wallet_registry(caf::actor_system& sys, registry_deps deps) {
  return sys.spawn(registry_impl, std::move(deps));
}

caf::atom_value wallet_registry_name() {
  return caf::atom("wallets");
}

} // namespace agg
