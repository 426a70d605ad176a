#pragma once

// Payments through providers (payments/provider.hpp): each deposit intent and payout,
// its provider's transaction id, the instrument and its fingerprint, and its status,
// which only moves forward (created -> pending -> a final status). No CAF.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agg {

struct payment_record {
  std::string payment_id;
  uint8_t kind = 0;   // payments::payment_kind
  uint8_t status = 0; // payments::payment_status
  int64_t player_id = 0;
  std::string provider;
  std::string provider_tx_id; // empty until the provider named it
  std::string instrument;
  std::string fingerprint; // empty until the provider gave it
  std::string currency;
  int64_t amount = 0;
  std::string reason; // why it was declined, failed or expired
  int64_t created_us = 0;
  int64_t updated_us = 0;
  int64_t expires_us = 0; // still open then: expired
};

// The statuses a payment can still leave (created, pending), as stored.
inline constexpr uint8_t payment_created = 1;
inline constexpr uint8_t payment_pending = 2;

class payment_store {
public:
  explicit payment_store(db::connection& conn);

  // False when the payment id is taken.
  bool insert(const payment_record& p);
  std::optional<payment_record> by_id(const std::string& payment_id);
  std::optional<payment_record> by_provider_tx(const std::string& provider,
                                               const std::string& provider_tx_id);
  // Moves an open payment (created or pending) to `status`, setting the provider's
  // transaction id, the fingerprint and the reason where given (non-empty). False when
  // the payment is unknown or no longer open: a status never moves back. Throws
  // db::error when the provider's transaction id belongs to another payment.
  bool advance(const std::string& payment_id, uint8_t status,
               const std::string& provider_tx_id, const std::string& fingerprint,
               const std::string& reason, int64_t now_us);
  // A player's payments, newest first, created before `before_us`.
  std::vector<payment_record> of_player(int64_t player_id, int64_t before_us,
                                        int64_t limit);
  // Open payments whose time is up, oldest first.
  std::vector<payment_record> due_to_expire(int64_t now_us, int64_t limit);

private:
  db::connection& conn_;
};

} // namespace agg
