#include "actors/play/vendor_connection.hpp"

#include "actors/core/vendor_errc.hpp"
#include "actors/play/adapter_workers.hpp"
#include "actors/play/connection_state.hpp"
#include "actors/play/round_steps.hpp"
#include "actors/play/seamless_calls.hpp"
#include "common/clock.hpp"

#include <random>

namespace agg {

namespace {

game_catalog catalog_of(const connection_state& st) {
  game_catalog out;
  bool available = st.breaker->available();
  bool launched = st.adapter->seamless();
  for (const auto& g : st.games)
    out.games.push_back({st.opts.id, g.game_id, g.name, g.category, g.rtp_ppm,
                         g.stake_min, g.stake_max, g.stake_step, g.currencies, available,
                         launched});
  return out;
}

// A round's id is unique across runs: the vendor, the connection's start and a random
// number, then a counter.
std::string round_prefix(const std::string& vendor, int64_t started_us) {
  std::mt19937_64 rng{std::random_device{}()};
  return vendor + "-" + std::to_string(started_us) + "-" +
         std::to_string(rng() % 1'000'000) + "-";
}

caf::result<round_result> verify(connection_pointer self, const verify_request& v) {
  auto promise = self->make_response_promise<round_result>();
  self->request(self->state.workers, self->state.opts.round_timeout, verify_atom_v, v)
      .then(
          [promise, v](outcome_reply& o) mutable {
            promise.deliver(round_result{v.vendor, "", v.game_id, 0, "", v.stake, o.win,
                                         0, o.detail_json, o.server_seed_hash,
                                         o.client_seed, o.nonce, 0, 0});
          },
          [promise](caf::error& e) mutable { promise.deliver(e); });
  return promise;
}

vendor_actor::behavior_type connection_impl(connection_pointer self, vendor_options opts,
                                            vendor_deps deps) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.deps = std::move(deps);
  auto factory = vendors::find_adapter(st.opts.kind);
  if (!factory)
    throw std::runtime_error("vendor " + st.opts.id + ": no adapter of kind '" +
                             st.opts.kind + "'");
  st.adapter = factory({st.opts.id, st.opts.settings, st.deps.seeds.get()});
  st.games = st.adapter->games();
  st.breaker.emplace(st.opts.breaker_failures, st.opts.breaker_cooldown);
  st.started_us = now_us();
  st.rounds.emplace(
      st.opts.id, round_prefix(st.opts.id, st.started_us),
      round_book::limits{st.opts.concurrency_max, st.opts.settle_attempts_max});
  st.workers =
      spawn_adapter_workers(self->system(), st.adapter, st.opts.id, st.opts.workers);
  self->link_to(st.workers);
  // Tell the directory (with the catalog), then settle what a previous run left open.
  caf::anon_send(st.deps.directory, caf::put_atom_v, st.opts.id,
                 caf::actor_cast<caf::actor>(self), catalog_of(st));
  // A seamless studio owns its rounds: it rolls back what it cannot finish.
  if (!st.adapter->seamless()) self->send(self, sweep_atom_v, st.started_us, true);
  auto workers = [self] { return caf::actor_cast<vendor_actor>(self->state.workers); };
  return {
      [self](play_atom, play_request& r) { return round_steps{self}.play(r); },
      [self](games_atom) { return catalog_of(self->state); },
      [self, workers](seeds_atom, int64_t player) -> caf::result<seed_view> {
        return self->delegate(workers(), seeds_atom_v, player);
      },
      [self, workers](rotate_atom, int64_t player,
                      std::string& seed) -> caf::result<seed_reveal> {
        return self->delegate(workers(), rotate_atom_v, player, std::move(seed));
      },
      [self](verify_atom, verify_request& v) { return verify(self, v); },
      // A sweep settles rounds opened before the cutoff; `periodic` schedules the next.
      [self](sweep_atom, int64_t cutoff_us, bool periodic) {
        round_steps{self}.sweep(cutoff_us);
        if (!periodic) return;
        auto& o = self->state.opts;
        auto next = std::chrono::duration_cast<std::chrono::microseconds>(
            o.sweep_interval - o.stale_after);
        self->delayed_send(self, o.sweep_interval, sweep_atom_v, now_us() + next.count(),
                           true);
      },
      [self](tick_atom) { sweep_deadlines(self, self->state.deadlines, tick_atom_v); },
      [self](probe_atom) { round_steps{self}.probe(); },
      [self](tick_atom, const std::string& round_id) {
        round_steps{self}.retry(round_id);
      },
      [self](launch_atom, launch_request& r) { return seamless_calls{self}.launch(r); },
      [self](seamless_atom, vendors::seamless_call& c) {
        return seamless_calls{self}.wallet_call(c);
      },
      [self, workers](grant_atom, vendors::free_rounds_award& a) -> caf::result<bool> {
        // Rounds we play ourselves need nothing from the studio.
        if (!self->state.adapter->seamless()) return false;
        if (!self->state.adapter->gives_free_rounds())
          return make_error(vendor_errc::invalid_params);
        return self->delegate(workers(), grant_atom_v, std::move(a));
      },
      [self, workers](details_atom, std::string& round_id,
                      int64_t player) -> caf::result<std::string> {
        return self->delegate(workers(), details_atom_v, std::move(round_id), player);
      },
  };
}

} // namespace

caf::actor spawn_vendor_connection(caf::actor_system& sys, vendor_options opts,
                                   vendor_deps deps) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(connection_impl, std::move(opts), std::move(deps)));
}

} // namespace agg
