#include "actors/play/adapter_workers.hpp"

#include "actors/core/vendor_errc.hpp"
#include "common/log.hpp"

#include <caf/actor_pool.hpp>

namespace agg {

namespace {

caf::error invalid_params_error(const vendors::invalid_params& e) {
  return caf::error{static_cast<uint8_t>(vendor_errc::invalid_params),
                    vendor_error_category(), caf::make_message(std::string{e.what()})};
}

template <class F>
auto adapter_call(F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const vendors::invalid_params& e) {
    return invalid_params_error(e);
  } catch (const vendors::not_provably_fair&) {
    return make_error(vendor_errc::not_provably_fair);
  } catch (const std::exception& e) {
    log::warn("vendor", "adapter call failed", {{"error", e.what()}});
    return make_error(vendor_errc::vendor_error);
  }
}

caf::behavior worker_impl(caf::event_based_actor*, std::shared_ptr<vendors::adapter> a,
                          std::string vendor) {
  return {
      [a](play_atom, const play_request& r, const std::string& round_id) {
        return adapter_call([&] {
          return reply_of(a->play(
              {r.player_id, r.game_id, r.currency, r.stake, r.params_json, round_id}));
        });
      },
      [a, vendor](seeds_atom, int64_t player) {
        return adapter_call([&] {
          auto s = a->seeds(player);
          return seed_view{vendor, s.server_seed_hash, s.client_seed, s.next_nonce};
        });
      },
      [a, vendor](rotate_atom, int64_t player, const std::string& client_seed) {
        return adapter_call([&] {
          auto r = a->rotate_seed(player, client_seed.empty()
                                              ? std::nullopt
                                              : std::optional<std::string>{client_seed});
          return seed_reveal{vendor,
                             r.server_seed,
                             r.server_seed_hash,
                             r.client_seed,
                             r.last_nonce,
                             seed_view{vendor, r.next.server_seed_hash,
                                       r.next.client_seed, r.next.next_nonce}};
        });
      },
      [a](launch_atom, const launch_request& r, const std::string& token) {
        return adapter_call([&] {
          return a->launch({r.player_id, r.game_id, r.currency, token, r.lang, r.country,
                            r.lobby_url});
        });
      },
      [a](resolve_atom, const play_request& r,
          const std::string& round_id) -> caf::result<bool, outcome_reply> {
        try {
          auto o = a->resolve(
              {r.player_id, r.game_id, r.currency, r.stake, r.params_json, round_id});
          if (o) return {true, reply_of(*o)};
          return {false, outcome_reply{}};
        } catch (const std::exception& e) {
          log::warn("vendor", "resolve failed",
                    {{"round", round_id}, {"error", e.what()}});
          return make_error(vendor_errc::vendor_error);
        }
      },
      [a](health_atom) {
        try {
          return a->healthy();
        } catch (const std::exception&) {
          return false;
        }
      },
      [a](grant_atom, const vendors::free_rounds_award& award) {
        return adapter_call([&] {
          a->give_free_rounds(award);
          return true;
        });
      },
      [a](details_atom, const std::string& round_id, int64_t player) {
        return adapter_call([&] { return a->round_details(round_id, player); });
      },
      [a](verify_atom, const verify_request& v) {
        return adapter_call([&] {
          return reply_of(a->verify(v.game_id, v.params_json, v.stake, v.server_seed,
                                    v.client_seed, v.nonce));
        });
      },
  };
}

} // namespace

outcome_reply reply_of(const vendors::round_outcome& o) {
  outcome_reply r;
  r.win = o.win;
  r.detail_json = o.detail_json;
  if (o.proof) {
    r.provably_fair = true;
    r.server_seed_hash = o.proof->server_seed_hash;
    r.client_seed = o.proof->client_seed;
    r.nonce = o.proof->nonce;
  }
  return r;
}

caf::actor spawn_adapter_workers(caf::actor_system& sys,
                                 std::shared_ptr<vendors::adapter> adapter,
                                 std::string vendor, size_t workers) {
  return caf::actor_pool::make(
      sys.dummy_execution_unit(), workers,
      [&sys, adapter, vendor] {
        return sys.spawn<caf::detached>(worker_impl, adapter, vendor);
      },
      caf::actor_pool::round_robin());
}

} // namespace agg
