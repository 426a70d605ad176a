#pragma once

// The login gate: every registration and login passes here before any password is
// hashed. Hashing costs tens of milliseconds of a core on purpose; the gate decides
// what is hashed when, so that a flood of wrong passwords delays nobody else by more
// than a few hash times:
//
// - An address with too many recent failed logins is refused at once
//   (address_blocked, with the time it may retry); login_guard keeps the count.
// - Waiting work is queued per client address and served in turn (fair_queue), with
//   addresses that failed recently behind the others. The queue is bounded in all, per
//   address and per account: beyond, rate_limited at once.
// - At most one job per password worker is in flight; a worker that finishes takes the
//   next job in turn.
//
// Accounts lock themselves out after repeated failures (account_service.hpp,
// lockout_policy): the workers refuse those without hashing.
//
// Registrations from one address or one device beyond a rate are refused
// (registrations_blocked) until the rate has drained, each ban an activity record.

#include "actors/core/address_rules.hpp"
#include "actors/players/account_service.hpp"
#include "actors/players/login_guard.hpp"

#include <chrono>

namespace agg {

// The same requests a password worker takes, each with the client's address.
using login_actor = password_actor;

struct login_gate_options {
  account_options accounts;  // of the password workers
  size_t workers = 2;        // password workers (argon2id at once, at most)
  size_t queue_len_max = 64; // registrations and logins waiting, in all
  size_t queue_per_address_max = 4;
  size_t queue_per_account_max = 4;
  login_guard_options guard;
  // Registration velocity (docs/risk.md): a leaky bucket per client address and one
  // per device (login_guard's), filled by one per registration; a full one refuses
  // registrations (registrations_blocked) for its ban. Allowed addresses are spared.
  login_guard_options registrations_per_address{20, 20, 3'600'000'000, 3'600'000'000};
  login_guard_options registrations_per_device{8, 8, 3'600'000'000, 3'600'000'000};
  std::shared_ptr<address_rules> rules; // may be null
  std::chrono::milliseconds request_timeout{15'000};
};

// Spawns the gate and its password workers (linked to it).
login_actor spawn_login_gate(caf::actor_system& sys, login_gate_options opts,
                             std::shared_ptr<token_authority> tokens);

} // namespace agg
