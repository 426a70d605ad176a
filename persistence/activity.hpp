#pragma once

// Account actions that move no money (a registration, a login, a failed login, a lock,
// a self-exclusion, a blocked address ...): each is recorded durably, in the same global
// order as the ledger's entries (global_chain.hpp), before it is acknowledged. A record
// carries the client's address and device where there was a client, and its own hash,
// which the global chain links.

#include "common/crypto.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agg {

enum class activity_kind : uint8_t {
  registered = 1,
  logged_in = 2,
  login_failed = 3,
  resumed = 4,
  logged_out = 5,
  locked = 6,            // by an operator
  unlocked = 7,          // by an operator
  self_excluded = 8,     // by the player
  address_blocked = 9,   // too many failed logins from an address
  locked_out = 10,       // too many failed logins for an account
  chain_checkpoint = 11, // the global chain's head, published at an interval
  // Payments through providers (docs/cashier.md); the detail names the payment
  payment_created = 12,   // a deposit intent or payout recorded
  payment_pending = 13,   // accepted by the provider, waiting for its confirmation
  payment_confirmed = 14, // the provider confirmed (a deposit's credit is a wallet event)
  payment_declined = 15,
  payment_failed = 16,
  payment_expired = 17,
  payment_callback_refused = 18, // a callback with a bad signature or stale timestamp
  // Withdrawals (docs/cashier.md): the payout's way through the cashier
  payment_requested = 19, // recorded; its amount about to be reserved
  payment_review = 20,    // reserved, held for an operator
  payment_approved = 21,  // approved (automatically or by an operator)
  payment_sent = 22,      // the payout went to the provider
  payment_paid = 23,      // the provider paid it
  payment_rejected = 24,  // by a check or an operator; the reservation is released
  payment_cancelled = 25, // by the player; the reservation is released
  kyc_changed = 26,       // an operator set the account's KYC status
  limit_changed = 27, // a responsible-gaming limit set, lowered, or a loosening queued
  cooling_off = 28,   // the player paused the account until a time
  // Edge protection (docs/risk.md)
  address_rule_set = 29,      // an operator denied or allowed an address range
  address_rule_removed = 30,  // an operator removed an address rule
  registrations_blocked = 31, // too many registrations from an address or a device
};

const char* to_string(activity_kind k);
std::optional<activity_kind> activity_kind_named(std::string_view name);
bool activity_kind_from_int(int64_t code, activity_kind& out);

// What a client says of its device (all optional; the id is the client's fingerprint).
struct device_info {
  std::string id; // at most 128 characters
  std::string user_agent;
  std::string platform;
  std::string screen;
  std::string timezone;
  std::string language;

  bool empty() const {
    return id.empty() && user_agent.empty() && platform.empty() && screen.empty() &&
           timezone.empty() && language.empty();
  }
};

struct activity_record {
  uint8_t kind = 0;       // activity_kind
  int64_t player_id = 0;  // 0 when there is none (a login for an unknown username)
  int64_t created_us = 0; // unix time, microseconds
  // the client's address, or "operator:<key name>", "system" (the server's own
  // steps), "risk" (the risk engine), or empty
  std::string address;
  device_info device;
  std::string detail; // JSON object text: the rest (username, reason, until ...)
  hash256 hash{};     // SHA-256 of the canonical encoding (activity_hash)
  int64_t gseq = 0;   // 0 until committed
  hash256 ghash{};
};

// Deterministic bytes of every field but the hashes and gseq.
// Whether an activity's address is a client's: not empty, an operator's, the
// server's or the risk engine's. Only a client's address links accounts, counts
// failed logins and counts against registration limits.
bool is_client_address(std::string_view address);

std::string canonical_encoding(const activity_record& a);
hash256 activity_hash(const activity_record& a);

} // namespace agg
