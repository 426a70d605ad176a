#pragma once

// A vendor's rounds in flight and the rules of their steps, as plain data without
// actors (tested alone, like wallet_core):
//
//   open -> debited (the bet) -> outcome known: paid (the win, closing the round)
//                             -> outcome unknown: refunded (the rollback)
//
// (A studio that answers at once knows the outcome before the bet: its win is sent
// right behind the bet, and the win_ahead flags below track the bet's answer.)
//
// It gives each round its id, bounds the rounds in flight, builds the wallet request of
// each step (their transaction ids derive from the round id, so that a retry is an
// exact replay), decides how a failed settlement is retried, and keeps the stale rounds
// (left open by an earlier run) that are being settled from being settled twice.

#include "actors/core/messages.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace agg {

struct round_entry {
  play_request req;
  std::string round_id;
  outcome_reply outcome;
  int attempts = 0;    // failed settlements so far
  bool paying = false; // the outcome is known: settle by paying, else by refunding
  std::chrono::steady_clock::time_point started;
  // The win went to the wallet right behind the bet, before the bet's answer (a studio
  // that answered at once): until the bet is confirmed, the win's answer decides.
  bool win_ahead = false;
  bool bet_confirmed = false;
  std::optional<caf::error> bet_error; // the bet's retryable failure, if any
};

class round_book {
public:
  struct limits {
    size_t concurrency_max = 512; // rounds in flight at most
    int settle_attempts_max = 8;  // tries of a win or rollback that fails retryably
    std::chrono::milliseconds retry_base{50}; // the first retry's delay, then doubled
    std::chrono::milliseconds retry_max{3'200};
  };

  // `vendor` is the ledger source of the rounds; `prefix` starts every round id (unique
  // per run of the connection, so that ids never repeat across restarts).
  round_book(std::string vendor, std::string prefix, limits l);

  // Opens a round: its id, or nothing when the rounds in flight are at their maximum.
  std::optional<std::string> open(play_request req,
                                  std::chrono::steady_clock::time_point now);
  round_entry* find(const std::string& id);
  bool contains(const std::string& id) const { return rounds_.count(id) != 0; }
  void close(const std::string& id) { rounds_.erase(id); }
  size_t size() const { return rounds_.size(); }

  wallet_request bet(const std::string& id) const;
  // The win, closing the round and keeping its outcome; needs outcome_known first.
  wallet_request win(const std::string& id) const;
  wallet_request refund(const std::string& id) const;

  void outcome_known(const std::string& id, outcome_reply o);
  void outcome_unknown(const std::string& id);

  // A win or refund that failed: the delay before it is tried again, or nothing when
  // it is not retryable or has been tried settle_attempts_max times (the sweep
  // settles it later).
  std::optional<std::chrono::milliseconds> retry_after_failure(const std::string& id,
                                                               bool retryable);

  // The result the player sees once the win is durable.
  round_result result(const std::string& id, const wallet_receipt& win) const;

  // -- stale rounds --------------------------------------------------------------------
  // Starts settling a round found open in the ledger; false when it is in flight here
  // or already being settled.
  bool begin_settling(const std::string& round_id);
  void end_settling(const std::string& round_id) { settling_.erase(round_id); }
  wallet_request stale_win(const round_record& r, const outcome_reply& o) const;
  wallet_request stale_refund(const round_record& r) const;

  // What the ledger keeps of a round's outcome (JSON): game, stake, win, the outcome
  // (the adapter's JSON, or its text as a string) and the fairness proof, if any.
  static std::string stored_detail(const std::string& game_id, int64_t stake,
                                   const outcome_reply& o);
  static std::string bet_tx(const std::string& round_id) { return round_id + ":bet"; }

private:
  wallet_request step(const std::string& round_id, int64_t player,
                      const std::string& currency, wallet_op op,
                      const char* suffix) const;
  const round_entry& at(const std::string& id) const;

  std::string vendor_;
  std::string prefix_;
  limits limits_;
  uint64_t counter_ = 0;
  std::unordered_map<std::string, round_entry> rounds_;
  std::unordered_set<std::string> settling_;
};

} // namespace agg
