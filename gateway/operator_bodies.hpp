#pragma once

// The operator API's request bodies: JSON text to plain requests, or the error to
// answer with. No HTTP and no actors here, so that every decoder can be fuzzed and
// tested alone (test/fuzz/fuzz_operator_bodies.cpp).

#include "actors/core/messages.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace agg::gateway {

// An answer that refuses a request: its HTTP status and the documented error code.
struct api_error {
  int status = 400;
  std::string code;
  std::string message;
};

// The body as one JSON object: malformed_json, or json_too_deep.
std::variant<nlohmann::json, api_error> decode_object(std::string_view body);

// POST /v1/bonus/campaigns, PUT /v1/bonus/campaigns/{id}: a campaign's terms
// (docs/openapi.yaml). Shapes and ranges are checked here; the rules that tie terms
// together, the games and the code are the bonus service's.
std::variant<campaign, api_error> decode_campaign(std::string_view body);

// POST /v1/players: username, password, currency (strings), email (optional).
std::variant<register_request, api_error> decode_new_player(std::string_view body);

// A deposit or withdrawal. The idempotency key of the body wins over the header's.
struct transfer_body {
  int64_t amount = 0;
  std::string idempotency_key;
  std::optional<std::string> currency; // when given; checked against the account's
};
std::variant<transfer_body, api_error> decode_transfer(std::string_view body,
                                                       const std::string& header_key);

// PUT /v1/players/{id}/kyc: status (a KYC status name), level (0 to 100, optional),
// reason (optional, at most 512 bytes). The player and the operator are the caller's.
std::variant<kyc_change, api_error> decode_kyc(std::string_view body);

// PUT /v1/players/{id}/limits/{limit}: amount (an integer >= 0, or null: no limit).
std::variant<int64_t, api_error> decode_limit(std::string_view body);

// A withdrawal's approval or rejection: reason, 1 to 512 bytes.
std::variant<std::string, api_error> decode_required_reason(std::string_view body);

// POST /v1/players/{id}/bonuses: a grant by hand (docs/openapi.yaml). Its terms
// (amount, wagering as a multiple of the amount, maximum stake and conversion, expiry
// in days from now, weights) and the operator's reason.
struct manual_grant {
  bonus_grant terms; // player, grant id and currency are filled in later
  std::string reason;
};
std::variant<manual_grant, api_error> decode_manual_grant(std::string_view body,
                                                          int64_t now_us);

// The optional reason of a lock or unlock: a string field of an optional object body;
// anything else is ignored (the body is optional and only annotates the audit).
std::optional<std::string> decode_reason(std::string_view body);

} // namespace agg::gateway
