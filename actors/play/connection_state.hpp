#pragma once

// The state of one vendor connection, shared by the files that make up its behaviour:
// round_steps.cpp (games played through it), seamless_calls.cpp (a seamless-wallet
// studio's launches and wallet calls) and vendor_connection.cpp (the behaviour that
// wires them). Internal to play/.

#include "actors/core/deadlines.hpp"
#include "actors/core/vendor_errc.hpp"
#include "actors/core/circuit_breaker.hpp"
#include "actors/play/round_book.hpp"
#include "actors/play/vendor_connection.hpp"

#include <optional>
#include <unordered_map>

namespace agg {

struct connection_state {
  vendor_options opts;
  vendor_deps deps;
  std::shared_ptr<vendors::adapter> adapter;
  caf::actor workers;
  std::vector<vendors::game_info> games;
  std::optional<circuit_breaker> breaker;
  std::optional<round_book> rounds;
  // The player waiting for each round in flight (answered at most once).
  std::unordered_map<std::string, caf::typed_response_promise<round_result>> waiting;
  std::unordered_map<std::string, vendor_session> sessions; // seamless tokens seen
  std::unordered_map<int64_t, std::string> live_token;      // by player
  bool probing = false;                                     // health probes are under way
  deadline_table deadlines; // of the wallet requests in flight
  int64_t started_us = 0;
  static inline const char* name = "vendor_connection";

  connection_state() = default;
  connection_state(const connection_state&) = delete;
  connection_state& operator=(const connection_state&) = delete;
  // A connection that dies mid-round still answers its players: the round is settled
  // by the restarted connection's sweep (the stake comes back).
  ~connection_state() {
    for (auto& [id, promise] : waiting)
      if (promise.pending()) promise.deliver(make_error(vendor_errc::round_unsettled));
  }

  const vendors::game_info* find_game(const std::string& id) const {
    for (const auto& g : games)
      if (g.game_id == id) return &g;
    return nullptr;
  }
};

using connection_pointer = vendor_actor::stateful_pointer<connection_state>;

// A wallet request bounded by request_timeout on the connection's deadline sweep
// (actors/core/deadlines.hpp) rather than on CAF's clock: two of them per round.
template <class OnValue, class OnError>
void ask_wallet(connection_pointer self, wallet_request w, OnValue on_value,
                OnError on_error) {
  auto& st = self->state;
  request_within(self, st.deadlines, tick_atom_v, st.deps.wallets(),
                 st.deps.request_timeout, std::move(on_value), std::move(on_error),
                 wallet_atom_v, std::move(w));
}

} // namespace agg
