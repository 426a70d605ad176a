#pragma once

// One actor per player connection. It authenticates the connection (register, login,
// resume with a token), checks on every request that the session is still valid
// (token expiry and revocation, no database read), serves the player's requests
// through the account service and the wallets, and forwards the pushes presence
// sends it. It talks to its connection only through a client_sink.
//
// Sessions run under the session supervisor: if one fails, its connection gets an
// error frame and is closed; nothing else notices.

#include "actors/core/metrics.hpp"
#include "actors/players/account_service.hpp"
#include "actors/players/login_gate.hpp"
#include "actors/players/session_protocol.hpp"
#include "actors/wallet/wallet_registry.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace agg {

struct session_deps {
  account_actor accounts;
  login_actor logins;
  caf::actor presence;
  std::shared_ptr<token_authority> tokens;
  // The vendor directory (rounds, catalog, seeds).
  std::function<caf::actor()> vendors;
  // The cashier (deposits, payments).
  std::function<caf::actor()> cashier;
  // Responsible-gaming limits (limits_service.hpp).
  std::function<caf::actor()> limits;
  // Bonuses (bonus_service.hpp).
  std::function<caf::actor()> bonus;
  // A minute of the time limits (tests shorten it).
  int64_t minute_us = 60'000'000;
  // The wallet registry serving now (it changes when the storage tree restarts).
  std::function<registry_actor()> wallets;
  std::chrono::milliseconds request_timeout{15'000};
  int64_t history_limit_max = 100;
  size_t pending_requests_max = 64; // requests waiting behind a login at most
  // Test hook, called before each request is handled; it may throw to make the
  // session fail.
  std::function<void(const client_request&)> before_request;
};

// Spawns the session of one connection under `supervisor` (see
// spawn_session_supervisor). The session accepts client_request, (push_atom,
// balance_push) and (disconnect_atom) when its connection is gone.
caf::actor spawn_player_session(caf::actor_system& sys, const caf::actor& supervisor,
                                std::shared_ptr<client_sink> sink, session_deps deps);

} // namespace agg
