#pragma once

// What a payment provider integration implements, like a studio's adapter
// (vendors/adapter.hpp): plain C++, no actors, no wallet. The server's cashier does
// everything around it: limits and checks before, the durable payment record, the
// wallet's credit or settlement after the provider confirmed, timeouts and the
// circuit breaker.
//
// A provider is asked to start a payment (submit) and answers at once: accepted and
// pending (the usual case), or already confirmed, declined or failed. It confirms later
// by calling back: POST /v1/payments/{provider}/callback on the operator port, which
// the provider's read_callback() authenticates (a signature over the body) and reads.
// Registering one is a folder under payments/ with a .cpp that calls
// register_provider(), plus a [payments.<id>] section in the config (docs/cashier.md).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace agg::payments {

enum class payment_kind : uint8_t {
  deposit = 1, // money in: the player pays the operator
  payout = 2,  // money out: the operator pays the player (a withdrawal)
};

enum class payment_status : uint8_t {
  created = 1,   // recorded by us, not yet accepted by the provider
  pending = 2,   // accepted by the provider, waiting for its confirmation
  confirmed = 3, // the money moved
  declined = 4,  // refused (insufficient funds, risk, the player cancelled at the PSP)
  failed = 5,    // an error at the provider: nothing moved
  expired = 6,   // no confirmation in time: nothing moved
  // A withdrawal's way through the cashier (payouts only; never a provider's answer):
  requested = 7,  // recorded; its reservation in the wallet not yet confirmed
  review = 8,     // reserved, held for an operator
  approved = 9,   // reserved and approved; the payout not yet sent
  sent = 10,      // the payout went to the provider (once), its outcome awaited
  paid = 11,      // the provider paid it: the reservation is settled
  rejected = 12,  // by a check or an operator: the reservation is released
  cancelled = 13, // by the player before it was sent: released
};

const char* to_string(payment_kind k);
const char* to_string(payment_status s);
bool payment_kind_from_string(const std::string& name, payment_kind& out);
bool payment_status_from_string(const std::string& name, payment_status& out);
// confirmed, declined, failed, expired, paid, rejected and cancelled: nothing changes a
// payment any more (but a deposit confirmed after it expired: the money moved).
bool final_status(payment_status s);

// What the cashier asks a provider to do.
struct payment_order {
  std::string payment_id; // ours, unique; the provider echoes it in its callbacks
  payment_kind kind = payment_kind::deposit;
  int64_t player_id = 0;
  std::string currency;
  int64_t amount = 0;     // minor units, > 0
  std::string instrument; // the player's payment instrument, as the provider names it
};

// The provider's immediate answer.
struct provider_reply {
  payment_status status = payment_status::pending; // pending, confirmed, declined, failed
  std::string provider_tx_id; // the provider's id of the payment (idempotency key)
  std::string fingerprint;    // the instrument's fingerprint (e.g. a card hash)
  std::string reason;         // why, when declined or failed
};

// A confirmation (or refusal) the provider called back with.
struct payment_callback {
  std::string payment_id;
  std::string provider_tx_id;
  payment_status status = payment_status::confirmed; // confirmed, declined or failed
  std::string currency;
  int64_t amount = 0;
  std::string fingerprint;
  std::string reason;
};

// An incoming callback as the HTTP layer received it.
struct callback_request {
  std::map<std::string, std::string> headers; // names in lower case
  std::string body;
  int64_t now_us = 0;
};

// Why a callback is refused. bad_signature and stale are audited by the cashier.
class callback_error : public std::runtime_error {
public:
  enum class reason : uint8_t { malformed = 1, bad_signature = 2, stale = 3 };
  callback_error(reason r, const std::string& what) : std::runtime_error(what), why(r) {}
  reason why;
};

// The provider refused a setting of its section, or could not start.
class provider_config_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

class provider {
public:
  virtual ~provider() = default;

  // Starts a payment. May block (it runs on the cashier's worker threads); throws on
  // a transport error, the outcome then being unknown (the payment stays pending
  // until a callback or its expiry). The payment id is the idempotency key: a payout
  // submitted again with the same id (after a restart) must not be paid twice.
  virtual provider_reply submit(const payment_order& order) = 0;

  // Authenticates and reads a callback; throws callback_error. Must not block.
  virtual payment_callback read_callback(const callback_request& req) = 0;
};

// What the server hands a provider factory: its id, its config section as strings,
// and where callbacks reach this server (for providers that are told per payment).
struct provider_env {
  std::string id;
  std::map<std::string, std::string> settings;
  // http://host:port/v1/payments/<id>/callback, known once the operator port listens
  std::function<std::string()> callback_url;
};

using provider_factory = std::function<std::unique_ptr<provider>(const provider_env&)>;

// Registers a provider kind; returns true so that it can initialize a static.
bool register_provider(const std::string& kind, provider_factory factory);
// A provider of the kind; throws provider_config_error for an unknown kind or a bad
// setting.
std::unique_ptr<provider> make_provider(const std::string& kind, const provider_env& env);
std::vector<std::string> provider_kinds();

// A setting as text or as an integer in [lo, hi]; `fallback` when absent. Throws
// provider_config_error naming payments.<id>.<key>.
std::string text_setting(const provider_env& env, const std::string& key,
                         const std::string& fallback);
int64_t int_setting(const provider_env& env, const std::string& key, int64_t fallback,
                    int64_t lo, int64_t hi);

} // namespace agg::payments
