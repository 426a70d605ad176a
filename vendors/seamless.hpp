#pragma once

// Seamless-wallet studios: the studio runs the game and calls the operator's wallet
// (check a token, balance, bet, win, rollback). The server serves those calls over
// HTTP under /vendors/<id>/wallet/<op>; a studio's wallet_codec turns its wire format
// into seamless_call and the result back. The server checks the game session token
// and applies the same wallet operations as for any other vendor.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace agg::vendors {

enum class seamless_op : uint8_t { check = 1, balance, bet, win, rollback };

// Outcomes a studio's protocol distinguishes.
enum class seamless_status : uint8_t {
  ok = 0,
  invalid_token, // unknown, or not this player's
  token_expired, // superseded by a newer launch, or past its lifetime (bets only)
  invalid_game,
  wrong_currency,
  user_disabled,
  not_enough_money,
  duplicate_transaction,
  transaction_not_found,
  transaction_rolled_back,
  bet_limit_exceeded,
  invalid_signature,
  wrong_syntax, // not JSON
  wrong_types,  // missing or mistyped fields, amounts that are not whole minor units
  unknown,      // anything else; for a bet the studio rolls it back, a win it retries
};

const char* to_string(seamless_status s);

struct seamless_call {
  uint8_t op = 0;         // seamless_op
  std::string request_id; // echoed back
  std::string token;
  std::string user; // our player id, when the studio's call names it
  std::string game_code;
  std::string currency;
  std::string tx_id;
  std::string ref_tx_id;
  std::string round_id;
  int64_t amount = 0; // minor units
  bool round_closed = false;
  bool is_free = false; // a promotional bet: the player's balance is not charged
  // A free bet's reward and campaign as the studio names them; a reward we gave (its
  // id a grant id) makes the bet a free round of that grant.
  std::string reward_id;
  std::string campaign_id;
};

// Free rounds given to a player at a studio that runs its games itself (a bonus
// campaign's free spins): the studio later sends their bets as free bets naming
// `reward_id`.
struct free_rounds_award {
  int64_t player_id = 0;
  std::string reward_id; // our grant id
  std::string game_id;
  std::string currency;
  int64_t rounds = 0;
  int64_t bet = 0;             // minor units, each round's bet
  std::string vendor_campaign; // the studio's campaign or prepaid, as configured
  int64_t expires_us = 0;      // 0: the studio's default
};

struct seamless_result {
  uint8_t status = 0; // seamless_status
  std::string currency;
  int64_t balance = 0; // minor units
  std::string token;   // check: the new token
  std::string user;    // the session's player id, when known
};

// Map of settings as text (the vendor's config section).
using settings_map = std::map<std::string, std::string>;

class wallet_codec {
public:
  virtual ~wallet_codec() = default;

  struct decoded {
    std::optional<seamless_call> call; // set when the call is valid and authentic
    std::string answer;                // otherwise: the response body to send at once
  };

  // Authenticates and decodes a call to /vendors/<id>/wallet/<op>. `signature` is the
  // request's signature header, empty when absent.
  virtual decoded decode(const std::string& op, const std::string& body,
                         const std::string& signature) const = 0;

  // The response body for a call's result.
  virtual std::string encode(const seamless_call& call,
                             const seamless_result& result) const = 0;

  // The request header that carries the signature.
  virtual std::string signature_header() const = 0;
};

using codec_factory = std::function<std::unique_ptr<wallet_codec>(
    const std::string& vendor_id, const settings_map& settings)>;

// Makes a codec available for adapter kind `kind`; returns true for static initializers.
bool register_wallet_codec(const std::string& kind, codec_factory factory);
codec_factory find_wallet_codec(const std::string& kind);

} // namespace agg::vendors
