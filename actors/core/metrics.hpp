#pragma once

// Process metrics, updated lock-free from any thread and rendered in the Prometheus
// text format for /metrics.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace agg {

class histogram {
public:
  // Upper bounds of the buckets, microseconds.
  static constexpr std::array<int64_t, 12> bounds_us = {
      100,    250,    500,    1'000,   2'500,   5'000,
      10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000};

  void observe(int64_t us);
  // Appends the series `name` (a histogram in seconds) to `out`.
  void render(const std::string& name, const std::string& help, std::string& out) const;
  int64_t sum_us() const { return sum_us_.load(std::memory_order_relaxed); }
  int64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  std::array<std::atomic<int64_t>, bounds_us.size() + 1> buckets_{};
  std::atomic<int64_t> sum_us_{0};
  std::atomic<int64_t> count_{0};
};

// Counters keyed by a label value (an error code, an operation and its outcome).
class labeled_counter {
public:
  void inc(const std::string& label, int64_t n = 1);
  int64_t get(const std::string& label) const;
  void render(const std::string& name, const std::string& label_name,
              const std::string& help, std::string& out) const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, int64_t> values_;
};

// A feed subscriber's lag behind the head.
struct feed_lag {
  std::string name;
  int64_t events = 0;     // committed and not acknowledged
  int64_t seconds_us = 0; // age of the oldest of them
  bool connected = false;
};

struct metrics {
  // Player connections
  std::atomic<int64_t> ws_connections{0}; // open now
  std::atomic<int64_t> ws_connections_total{0};
  std::atomic<int64_t> ws_messages_in{0};
  std::atomic<int64_t> ws_messages_out{0};
  labeled_counter ws_closed;                  // by reason
  std::atomic<int64_t> ws_pushes_replaced{0}; // balance pushes replaced by newer ones
  labeled_counter ws_refused; // connections refused before the handshake, by reason
  labeled_counter errors;     // error frames and HTTP errors by code
  // Wallets: [wallet_op][wallet_errc], none meaning success
  void count_wallet_op(uint8_t op, uint8_t errc) {
    if (op < wallet_ops.size() && errc < wallet_ops[op].size())
      wallet_ops[op][errc].fetch_add(1, std::memory_order_relaxed);
  }
  std::array<std::array<std::atomic<int64_t>, 16>, 6> wallet_ops{};
  histogram commit_latency; // one transaction, from BEGIN to COMMIT returned
  histogram round_latency;  // a played round, from its request to its paid result
  std::atomic<int64_t> commit_writes{0};
  std::atomic<int64_t> commits{0};
  std::atomic<int64_t> failed_commits{0};
  // Supervision
  std::atomic<int64_t> actor_restarts{0};
  std::atomic<int64_t> session_failures{0};
  // Logins (the login gate and the password workers)
  labeled_counter login_refusals;                 // refused before hashing, by reason
  std::atomic<int64_t> login_failures{0};         // wrong passwords, locked-out attempts
  std::atomic<int64_t> login_address_bans{0};     // addresses refused for a while
  std::atomic<int64_t> login_account_lockouts{0}; // accounts locked out for a while
  std::atomic<int64_t> login_queue_len{0};        // waiting for a password worker now
  histogram login_wait;                           // time waiting for a password worker
  // The event feed and the chain
  histogram feed_latency; // from a commit to a subscriber receiving it
  void set_feed(int64_t head, std::vector<feed_lag> lags);
  std::atomic<int64_t> chain_head_gseq{0}; // the last committed gseq
  // The last chain checkpoint (the head the writer published), 0 before the first.
  void set_checkpoint(int64_t gseq, const std::string& ghash_hex, int64_t at_us);
  // The Kafka publisher (when configured)
  std::atomic<int64_t> kafka_delivered{0}; // events the broker acknowledged
  std::atomic<int64_t> kafka_errors{0};    // deliveries that failed (and were retried)
  std::atomic<int64_t> kafka_in_flight{0}; // produced, not yet acknowledged
  std::atomic<int64_t> kafka_connected{0}; // 1 while a broker is reachable
  // HTTP
  std::atomic<int64_t> http_requests{0};
  labeled_counter vendor_calls; // studios' calls to our wallet, by "vendor/op/status"
  // Cashier
  labeled_counter payments; // payments entering a status, by "kind/status"
  // Risk (docs/risk.md)
  std::atomic<int64_t> risk_events{0}; // feed events the engine took
  std::atomic<int64_t> risk_scores{0}; // players scored
  labeled_counter risk_cases;          // cases opened, by kind
  std::atomic<int64_t> risk_locks{0};  // accounts the engine locked
  labeled_counter risk_gate;           // withdrawal decisions: allow, hold, refuse
  histogram risk_gate_latency;         // from the gate's question to its answer
  labeled_counter edge_refusals;       // addresses refused by a rule or a velocity

  std::string prometheus() const;

private:
  mutable std::mutex feed_mtx_;
  int64_t feed_head_ = 0;
  std::vector<feed_lag> feed_lags_;
  int64_t checkpoint_gseq_ = 0;
  std::string checkpoint_ghash_;
  int64_t checkpoint_at_us_ = 0;
};

} // namespace agg
