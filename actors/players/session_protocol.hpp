#pragma once

// What a player's connection hears, as plain types (client_request, what it says,
// is in messages.hpp): the gateway decodes frames into client_request and encodes
// server_message into frames; the session actor never sees JSON or sockets.

#include "actors/core/error_code.hpp"
#include "actors/core/messages.hpp"

#include <string>
#include <variant>
#include <vector>

namespace agg {

// -- server messages: replies carry the request's id, pushes carry none ---------

struct out_error {
  std::string id;
  std::string code;
  std::string message;
  int64_t retry_at_us = 0; // when a retry can succeed, if the refusal says (else 0)
};

struct out_pong {
  std::string id;
  int64_t server_time_us = 0;
};

// registered, logged_in, resumed, refreshed
struct out_session {
  std::string id;
  std::string type;
  login_grant grant;
  std::vector<currency_balance> balances;
};

// logged_out, self_excluded
struct out_ack {
  std::string id;
  std::string type;
};

struct out_balance {
  std::string id;
  std::vector<currency_balance> balances;
};

struct out_balance_push {
  balance_push push;
};

struct out_history {
  std::string id;
  std::vector<ledger_entry> entries;
  int64_t next_before_seq = 0; // 0 when this is the oldest page
};

struct out_games {
  std::string id;
  game_catalog catalog;
};

// A round's result: the reply to play (with its id) and a push to the player's other
// connections (without).
struct out_round {
  std::string id;
  round_result round;
};

struct out_rounds {
  std::string id;
  round_page page;
};

struct out_seeds {
  std::string id;
  seed_view seeds;
};

struct out_seeds_rotated {
  std::string id;
  seed_reveal reveal;
};

struct out_verified {
  std::string id;
  round_result round;
};

struct out_vendor_status {
  vendor_status status;
};

struct out_launch {
  std::string id;
  launch_reply launch;
};

// A payment: the reply to deposit (with its id) and a push at each change (without).
struct out_payment {
  std::string id;
  payment_view payment;
};

struct out_payments {
  std::string id;
  payment_page page;
};

// The reply to kyc: the account's KYC status.
struct out_kyc {
  std::string id;
  account_view account;
};

// A reality check: how long this session has lasted and what was played in it.
struct out_reality_check {
  int64_t elapsed_us = 0;
  int64_t stakes = 0;
  int64_t wins = 0; // wins and refunds
};

// The reply to limits and set_limit: the player's limits.
struct out_limits {
  std::string id;
  limits_view limits;
};

// The reply to bonuses: the player's grants.
struct out_bonuses {
  std::string id;
  bonus_page page;
};

// The reply to cancel_bonus (the grant, forfeited), or a push (no id) of a grant
// that changed: `event` granted, progress, converted, forfeited or expired.
struct out_bonus {
  std::string id;
  bonus_grant grant;
  std::string event;
};

// The reply to claim_bonus.
struct out_claim {
  std::string id;
  claim_result claim;
};

using server_message =
    std::variant<out_error, out_pong, out_session, out_ack, out_balance, out_balance_push,
                 out_history, out_games, out_round, out_rounds, out_seeds,
                 out_seeds_rotated, out_verified, out_vendor_status, out_launch,
                 out_payment, out_payments, out_kyc, out_limits, out_reality_check,
                 out_bonuses, out_bonus, out_claim>;

// Where a session's messages go: the gateway's connection. Thread-safe. A sink must
// not keep its connection alive: a connection ends when its socket does.
class client_sink {
public:
  virtual ~client_sink() = default;
  virtual void deliver(server_message msg) = 0;
  // A message another node encoded already (a player connection here whose session
  // runs at the player's owner): `state` and `version` are a balance push's currency
  // and sequence, else empty and 0. Sinks that never carry such frames drop it.
  virtual void deliver_encoded(std::string text, std::string state, int64_t version) {
    (void)text, (void)state, (void)version;
  }
  // Sends a close frame with the code and reason, then closes.
  virtual void close(uint16_t code, std::string reason) = 0;
  // The client's address, as the server sees it.
  virtual const std::string& peer_address() const = 0;
};

} // namespace agg
