#include "actors/risk/features.hpp"

#include <algorithm>
#include <cmath>

namespace agg::risk {

namespace {

constexpr int64_t us_per_ms = 1'000;
constexpr int64_t us_per_minute = 60'000'000;
constexpr int64_t us_per_hour = 60 * us_per_minute;
// The return a game is expected to pay, for the deviation of a player's results.
constexpr double expected_rtp = 0.97;

} // namespace

void running_stats::add(double x) {
  ++n;
  auto delta = x - mean;
  mean += delta / static_cast<double>(n);
  m2 += delta * (x - mean);
}

double running_stats::cv() const {
  if (n < 2 || mean == 0) return 0;
  return std::sqrt(variance()) / std::abs(mean);
}

int gap_histogram::bin_of(int64_t gap_us) {
  auto ms = static_cast<double>(gap_us) / us_per_ms;
  if (ms <= first_ms) return 0;
  auto b = static_cast<int>(std::log(ms / first_ms) / std::log(1.05));
  return std::clamp(b, 0, bins - 1);
}

void gap_histogram::add(int64_t gap_us) {
  auto& c = counts_[static_cast<size_t>(bin_of(gap_us))];
  if (c == UINT16_MAX) { // keeps the shape, in constant memory
    total_ = 0;
    for (auto& x : counts_) {
      x = static_cast<uint16_t>(x / 2);
      total_ += x;
    }
  }
  ++c;
  ++total_;
}

double gap_histogram::entropy_bits() const {
  if (total_ <= 0) return 0;
  double h = 0;
  for (auto c : counts_) {
    if (c == 0) continue;
    auto p = static_cast<double>(c) / static_cast<double>(total_);
    h -= p * std::log2(p);
  }
  return h;
}

double gap_histogram::mode_share() const {
  if (total_ <= 0) return 0;
  auto mode = std::max_element(counts_.begin(), counts_.end()) - counts_.begin();
  int64_t near = counts_[static_cast<size_t>(mode)];
  if (mode > 0) near += counts_[static_cast<size_t>(mode - 1)];
  if (mode + 1 < bins) near += counts_[static_cast<size_t>(mode + 1)];
  return static_cast<double>(near) / static_cast<double>(total_);
}

void frequent_values::add(int64_t value) {
  ++total_;
  for (int i = 0; i < slots; ++i)
    if (counts_[i] > 0 && values_[i] == value) {
      ++counts_[i];
      return;
    }
  for (int i = 0; i < slots; ++i)
    if (counts_[i] == 0) {
      values_[i] = value;
      counts_[i] = 1;
      return;
    }
  for (auto& c : counts_)
    --c;
}

double frequent_values::top_share() const {
  if (total_ <= 0) return 0;
  return static_cast<double>(*std::max_element(counts_.begin(), counts_.end())) /
         static_cast<double>(total_);
}

std::vector<std::string> feature_names() {
  return {"bets_log",         "gap_mean_s",       "gap_cv",
          "gap_entropy_bits", "gap_mode_share",   "burst_max_per_min",
          "stake_cv",         "stake_top_share",  "session_mean_min",
          "sessions_log",     "night_share",      "hours_active",
          "game_switch_rate", "bonus_bet_share",  "bonus_low_weight_share",
          "fast_cashout",     "rtp_deviation",    "linked_group_log2",
          "linked_cashout",   "bonus_grants_log", "linked_bonus"};
}

void player_features::add(const risk_event& e) {
  switch (e.what) {
    case risk_event::kind::bet: {
      if (bets_ > 0) {
        auto gap = std::max<int64_t>(0, e.at_us - last_bet_us);
        if (gap >= session_gap_us) {
          session_minutes_.add(static_cast<double>(last_bet_us - session_start_us_) /
                               us_per_minute);
          session_start_us_ = e.at_us;
        } else {
          gaps_ms_.add(static_cast<double>(gap) / us_per_ms);
          histogram_.add(gap);
        }
      } else {
        session_start_us_ = e.at_us;
      }
      last_bet_us = e.at_us;
      ++bets_;
      auto minute = e.at_us / us_per_minute;
      in_minute_ = minute == minute_ ? in_minute_ + 1 : 1;
      minute_ = minute;
      burst_max_ = std::max(burst_max_, in_minute_);
      stakes_.add(static_cast<double>(e.amount));
      stake_values_.add(e.amount);
      auto hour = (e.at_us / us_per_hour) % 24;
      hours_seen_[static_cast<size_t>(hour)] = true;
      if (hour < 6) ++night_bets_;
      if (!last_game_.empty() && e.game != last_game_) ++switches_;
      last_game_ = e.game;
      if (e.bonus_active) {
        ++bonus_bets_;
        bonus_stake_ += e.amount;
        if (e.low_weight) bonus_low_weight_stake_ += e.amount;
      }
      staked_ += e.amount;
      staked_since_deposit_ += e.amount;
      break;
    }
    case risk_event::kind::win:
      won_ += e.amount;
      break;
    case risk_event::kind::refund:
      staked_ = std::max<int64_t>(0, staked_ - e.amount);
      staked_since_deposit_ = std::max<int64_t>(0, staked_since_deposit_ - e.amount);
      break;
    case risk_event::kind::deposit:
      deposited_ += e.amount;
      last_deposit_ = e.amount;
      staked_since_deposit_ = 0;
      last_deposit_us_ = e.at_us;
      break;
    case risk_event::kind::withdrawal_request: {
      ++withdrawal_requests_;
      // Money in and straight out with little play: near 1 for a withdrawal soon
      // after a deposit barely wagered, fading with the time since it.
      if (last_deposit_us_ == 0) break;
      auto played = static_cast<double>(staked_since_deposit_) /
                    static_cast<double>(std::max<int64_t>(1, last_deposit_));
      auto hours = static_cast<double>(e.at_us - last_deposit_us_) / us_per_hour;
      auto taken =
          std::min(1.0, static_cast<double>(e.amount) /
                            static_cast<double>(std::max<int64_t>(1, last_deposit_)));
      fast_cashout_ =
          std::max(0.0, 1.0 - std::min(1.0, played)) * taken * std::exp(-hours / 24.0);
      break;
    }
    case risk_event::kind::payout:
      break;
    case risk_event::kind::bonus_grant:
      ++grants_;
      break;
  }
}

std::vector<double> player_features::values(int64_t linked) const {
  auto sessions = session_minutes_.n + (bets_ > 0 ? 1 : 0);
  auto current =
      bets_ > 0 ? static_cast<double>(last_bet_us - session_start_us_) / us_per_minute
                : 0.0;
  auto session_mean =
      sessions > 0
          ? (session_minutes_.mean * static_cast<double>(session_minutes_.n) + current) /
                static_cast<double>(sessions)
          : 0.0;
  int hours = 0;
  for (bool h : hours_seen_)
    hours += h ? 1 : 0;
  auto per_bet = [&](int64_t x) {
    return bets_ > 0 ? static_cast<double>(x) / static_cast<double>(bets_) : 0.0;
  };
  double rtp_dev = 0;
  if (staked_ > 0 && bets_ > 0)
    rtp_dev = (static_cast<double>(won_) / static_cast<double>(staked_) - expected_rtp) *
              std::sqrt(static_cast<double>(bets_));
  auto linked_log2 = std::log2(static_cast<double>(std::max<int64_t>(1, linked)));
  return {std::log1p(static_cast<double>(bets_)),
          gaps_ms_.mean / 1'000.0,
          gaps_ms_.cv(),
          histogram_.entropy_bits(),
          histogram_.mode_share(),
          static_cast<double>(burst_max_),
          stakes_.cv(),
          stake_values_.top_share(),
          session_mean,
          std::log1p(static_cast<double>(sessions)),
          per_bet(night_bets_),
          static_cast<double>(hours),
          bets_ > 1 ? static_cast<double>(switches_) / static_cast<double>(bets_ - 1)
                    : 0.0,
          per_bet(bonus_bets_),
          bonus_stake_ > 0 ? static_cast<double>(bonus_low_weight_stake_) /
                                 static_cast<double>(bonus_stake_)
                           : 0.0,
          fast_cashout_,
          rtp_dev,
          linked_log2,
          fast_cashout_ * linked_log2,
          std::log1p(static_cast<double>(grants_)),
          (grants_ > 0 ? 1.0 : 0.0) * linked_log2};
}

} // namespace agg::risk
