#pragma once

// The steps of the rounds a vendor connection plays (its round_book decides, this
// talks to the wallets, the adapter's workers and the players): checks before the bet,
// the bet, the outcome (before the bet from a studio that answers at once, its win
// sent right behind the bet; else after it, from a worker), the win or the refund with
// their retries, the studio's say on an unknown outcome, the sweep of stale rounds, and
// the circuit breaker with its health probes.

#include "actors/play/connection_state.hpp"

namespace agg {

class round_steps {
public:
  explicit round_steps(connection_pointer self) : self_(self), st_(self->state) {}

  caf::result<round_result> play(play_request& req);
  // Settles rounds of this vendor opened before `cutoff_us` that are not in flight.
  void sweep(int64_t cutoff_us);
  // A failed win or refund's retry is due.
  void retry(const std::string& round_id);
  // While the circuit is open: asks the studio's health check, again and again until it
  // answers healthy (which closes the circuit) or a round closed it.
  void probe();

private:
  caf::error check(const vendors::game_info& g, const play_request& r) const;
  void bet(const std::string& round_id);
  // A studio that answers at once plays the round before the bet: true when it
  // answered (the bet and the win are then on their way) or failed (the round is over).
  bool play_ahead(const std::string& round_id);
  void bet_ahead_failed(const std::string& round_id, const caf::error& err);
  // The adapter's play_now(): the outcome, nothing (a worker must play the round), or
  // nothing with `err` set when it threw.
  std::optional<vendors::round_outcome> play_now(const std::string& round_id,
                                                 caf::error& err);
  void win_failed(const std::string& round_id, const caf::error& err);
  void outcome(const std::string& round_id);
  void outcome_known(const std::string& round_id, outcome_reply o);
  void outcome_failed(const std::string& round_id, const caf::error& err);
  void resolve(const std::string& round_id);
  void win(const std::string& round_id);
  void paid(const std::string& round_id, const wallet_receipt& rc);
  void fail_round(const std::string& round_id, const caf::error& reason);
  void refund(const std::string& round_id);
  void settle_failed(const std::string& round_id, const caf::error& err);
  void answer(const std::string& round_id, caf::error err);
  void settle_stale(const round_record& r);
  void settle_stale_with(wallet_request w, const char* what);
  void next_probe();
  void breaker_result(bool ok);

  connection_pointer self_;
  connection_state& st_;
};

} // namespace agg
