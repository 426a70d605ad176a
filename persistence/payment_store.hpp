#pragma once

// Payments through providers (payments/provider.hpp): each deposit intent and payout,
// its provider's transaction id, the instrument and its fingerprint, and its status,
// which only moves forward (created -> pending -> a final status; a withdrawal:
// requested -> review or approved -> sent -> a final status), and a withdrawal's
// reservation in the wallet. No CAF.

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
  int64_t expires_us = 0;  // still open then: expired
  uint8_t reservation = 0; // withdrawals: payment_reservation
  std::string reviewer;    // withdrawals: the operator key that approved or rejected
};

// The statuses a deposit can still leave (created, pending), as stored.
inline constexpr uint8_t payment_created = 1;
inline constexpr uint8_t payment_pending = 2;

// A withdrawal's amount in the wallet: taken from the balance when it is reserved,
// then either settled (paid out) or released (given back), once.
enum class payment_reservation : uint8_t {
  none = 0,
  held = 1,
  released = 2,
  settled = 3
};

class payment_store {
public:
  explicit payment_store(db::connection& conn);

  // False when the payment id is taken.
  bool insert(const payment_record& p);
  std::optional<payment_record> by_id(const std::string& payment_id);
  std::optional<payment_record> by_provider_tx(const std::string& provider,
                                               const std::string& provider_tx_id);
  // Moves an open deposit (created or pending) to `status`, setting the provider's
  // transaction id, the fingerprint and the reason where given (non-empty). False when
  // the payment is unknown or no longer open: a status never moves back, but a
  // deposit confirmed after it expired is confirmed all the same (the money moved).
  // The reason is cleared by a confirmation. Throws
  // db::error when the provider's transaction id belongs to another payment.
  bool advance(const std::string& payment_id, uint8_t status,
               const std::string& provider_tx_id, const std::string& fingerprint,
               const std::string& reason, int64_t now_us);
  // Moves a payment from one of `from` to `to` (setting the reason, and the reviewer
  // when non-empty); false when it is in none of them.
  bool transition(const std::string& payment_id, const std::vector<uint8_t>& from,
                  uint8_t to, const std::string& reason, const std::string& reviewer,
                  int64_t now_us);
  // Records the provider's transaction id and the fingerprint (where non-empty).
  void note_provider(const std::string& payment_id, const std::string& provider_tx_id,
                     const std::string& fingerprint);
  // Moves a withdrawal's reservation from `from` to `to`; false when it was not `from`.
  bool reserve(const std::string& payment_id, payment_reservation from,
               payment_reservation to, int64_t now_us);
  // A player's payments, newest first, created before `before_us`.
  std::vector<payment_record> of_player(int64_t player_id, int64_t before_us,
                                        int64_t limit);
  // Open deposits whose time is up, oldest first.
  std::vector<payment_record> due_to_expire(int64_t now_us, int64_t limit);
  // Withdrawals in `status` (0: any), newest first, created before `before_us`.
  std::vector<payment_record> withdrawals(uint8_t status, int64_t before_us,
                                          int64_t limit);
  // Withdrawals with a step left to take: requested or approved (or sent, with
  // `with_sent`), or final with their reservation still held. Oldest first.
  std::vector<payment_record> withdrawals_in_progress(int64_t limit, bool with_sent);
  // The amount a player's withdrawals hold reserved.
  int64_t reserved_amount(int64_t player_id);
  // The sum of a player's confirmed deposits in `currency` created since `since_us`
  // (with `open`: and those still created or pending).
  int64_t deposited(int64_t player_id, const std::string& currency, int64_t since_us,
                    bool open = false);

private:
  db::connection& conn_;
};

} // namespace agg
