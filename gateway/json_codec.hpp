#pragma once

// The player protocol's JSON, version 1 (docs/protocol.md): frames to client_request
// and server_message to frames. The only place that knows the wire format of the
// player connection.

#include "actors/players/session_protocol.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace agg::gateway {

inline constexpr int protocol_version = 1;

// A frame that cannot become a request: the error to answer with.
struct decode_error {
  std::string id;   // the request's id when it could be read, raw JSON
  std::string code; // malformed_json, unknown_type, invalid_field
  std::string message;
};

// Returns true and fills `out`, or false and fills `err`.
bool decode_request(std::string_view frame, client_request& out, decode_error& err);

std::string encode(const server_message& msg);
std::string encode_welcome(std::string_view server_name, int64_t idle_timeout_ms);

// A payment as the player protocol and the operator API show it.
nlohmann::json payment_json(const payment_view& p);
nlohmann::json bonus_json(const bonus_grant& g);
// A ledger entry as the player's history and the operator's ledger show it, with its
// bonus parts when it moved bonus money.
nlohmann::json entry_json(const ledger_entry& e);
// An account's KYC: status, level, reason, updated_us.
nlohmann::json kyc_json(const account_view& a);
// A player's responsible-gaming limits: player_id, currency, limits by name (only
// those set or pending), each {amount (null: none), pending, pending_from_us}.
nlohmann::json limits_json(const limits_view& v);

} // namespace agg::gateway
