#pragma once

// A circuit breaker for one remote party (a studio, a payment provider): closed while
// calls succeed; open after failures_max consecutive failures, refusing at once; after
// the cool-down it lets one trial call through (half-open): success closes it, failure
// opens it again.

#include <chrono>
#include <cstdint>

namespace agg {

class circuit_breaker {
public:
  using clock = std::chrono::steady_clock;
  enum class state : uint8_t { closed, open, half_open };

  circuit_breaker(int64_t failures_max, clock::duration cooldown)
      : failures_max_(failures_max), cooldown_(cooldown) {}

  // May a round start now? In half-open state only one trial at a time.
  bool allow(clock::time_point now = clock::now()) {
    if (state_ == state::open && now - opened_at_ >= cooldown_)
      state_ = state::half_open, trial_running_ = false;
    if (state_ == state::closed) return true;
    if (state_ == state::half_open && !trial_running_) return trial_running_ = true;
    return false;
  }

  // A round allowed through that ended before reaching the vendor (a refused debit,
  // say): it proves nothing either way, so the next round may be the trial.
  void abandon() { trial_running_ = false; }

  // When a trial will be let through, if the circuit is open.
  clock::time_point retry_at() const { return opened_at_ + cooldown_; }

  // Returns true when this changed the state to closed.
  bool success() {
    failures_ = 0;
    trial_running_ = false;
    if (state_ == state::closed) return false;
    state_ = state::closed;
    return true;
  }

  // Returns true when this changed the state to open.
  bool failure(clock::time_point now = clock::now()) {
    trial_running_ = false;
    ++failures_;
    if (state_ == state::half_open ||
        (state_ == state::closed && failures_ >= failures_max_)) {
      state_ = state::open;
      opened_at_ = now;
      return true;
    }
    return false;
  }

  // Available to players: closed, or open long enough to try again.
  bool available(clock::time_point now = clock::now()) const {
    return state_ == state::closed || now - opened_at_ >= cooldown_;
  }

  state current() const { return state_; }

private:
  int64_t failures_max_;
  clock::duration cooldown_;
  state state_ = state::closed;
  int64_t failures_ = 0;
  clock::time_point opened_at_{};
  bool trial_running_ = false;
};

} // namespace agg
