#pragma once

// A player's behavioural features, updated online from the event feed in constant
// memory per player (docs/risk.md): the timing of bets (mean, coefficient of
// variation, the entropy of its histogram, the share of gaps near the most common
// gap), bursts per minute, how uniform the stakes are, sessions and the night share,
// game switching, bets while a bonus is active, deposit-to-withdrawal velocity with
// little play, and the result against the expected return. No actors, no storage.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace agg::risk {

// Welford's running mean and variance.
struct running_stats {
  int64_t n = 0;
  double mean = 0;
  double m2 = 0;

  void add(double x);
  double variance() const { return n > 1 ? m2 / static_cast<double>(n - 1) : 0; }
  // Standard deviation over the mean; 0 when the mean is 0 or too few values.
  double cv() const;
};

// Time between bets in logarithmic bins 5% wide, from 10 ms (the last bin takes
// everything longer, about 43 minutes and up).
class gap_histogram {
public:
  static constexpr int bins = 256;
  static constexpr double first_ms = 10.0;

  void add(int64_t gap_us);
  int64_t total() const { return total_; }
  // Shannon entropy of the bins, in bits (0 for one bin or none).
  double entropy_bits() const;
  // The share of gaps in the most common bin and its neighbours (within about 5%).
  double mode_share() const;
  static int bin_of(int64_t gap_us);

private:
  std::array<uint16_t, bins> counts_{}; // halved together when one would overflow
  int64_t total_ = 0;                   // what the counts add up to
};

// The few most frequent stakes (Misra-Gries): the share of the most common one.
class frequent_values {
public:
  static constexpr int slots = 4;
  void add(int64_t value);
  // An estimate of the most common value's share of everything added (a lower bound).
  double top_share() const;

private:
  std::array<int64_t, slots> values_{};
  std::array<int64_t, slots> counts_{};
  int64_t total_ = 0;
};

// One bet, win or money movement as the features see it.
struct risk_event {
  enum class kind : uint8_t {
    bet,
    win,
    refund,
    deposit,
    withdrawal_request,
    payout,
    bonus_grant, // a bonus grant received (a claim, a deposit match ...)
  };
  kind what = kind::bet;
  int64_t at_us = 0;
  int64_t amount = 0;        // minor units, positive
  std::string game;          // bets
  bool bonus_active = false; // bets: the player held an active bonus grant
  bool low_weight = false;   // bets: the game counts under half toward wagering
};

// Named feature values, in a fixed order (feature_names()).
std::vector<std::string> feature_names();

class player_features {
public:
  void add(const risk_event& e);
  // The current values, in feature_names() order. `linked` is the size of the
  // player's linked group (1 when alone).
  std::vector<double> values(int64_t linked = 1) const;

  int64_t bets() const { return bets_; }
  int64_t withdrawal_requests() const { return withdrawal_requests_; }

private:
  // A session ends after this long without a bet.
  static constexpr int64_t session_gap_us = 30LL * 60 * 1'000'000;

  int64_t bets_ = 0;
  int64_t last_bet_us = 0;
  running_stats gaps_ms_;
  gap_histogram histogram_;
  // Bursts: bets in the current minute, and the most in any minute.
  int64_t minute_ = -1;
  int64_t in_minute_ = 0;
  int64_t burst_max_ = 0;
  running_stats stakes_;
  frequent_values stake_values_;
  // Sessions.
  int64_t session_start_us_ = 0;
  running_stats session_minutes_;
  int64_t night_bets_ = 0; // 00:00 to 06:00 UTC
  std::array<bool, 24> hours_seen_{};
  // Games.
  std::string last_game_;
  int64_t switches_ = 0;
  // Bonus play.
  int64_t bonus_bets_ = 0;
  int64_t bonus_low_weight_stake_ = 0;
  int64_t bonus_stake_ = 0;
  // Money.
  int64_t staked_ = 0;
  int64_t won_ = 0;
  int64_t deposited_ = 0;
  int64_t last_deposit_ = 0;
  int64_t staked_since_deposit_ = 0;
  int64_t last_deposit_us_ = 0;
  double fast_cashout_ = 0; // the last withdrawal request's velocity score
  int64_t withdrawal_requests_ = 0;
  int64_t grants_ = 0; // bonus grants received
};

} // namespace agg::risk
