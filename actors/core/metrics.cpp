#include "actors/core/metrics.hpp"

#include "actors/core/messages.hpp"
#include "actors/core/wallet_errc.hpp"

namespace agg {

namespace {

void header(std::string& out, const std::string& name, const char* type,
            const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void scalar(std::string& out, const std::string& name, const char* type,
            const std::string& help, int64_t value) {
  header(out, name, type, help);
  out += name + " " + std::to_string(value) + "\n";
}

std::string seconds(int64_t us) {
  auto s = std::to_string(us / 1'000'000) + ".";
  auto frac = std::to_string(us % 1'000'000);
  return s + std::string(6 - frac.size(), '0') + frac;
}

} // namespace

void histogram::observe(int64_t us) {
  size_t i = 0;
  while (i < bounds_us.size() && us > bounds_us[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void histogram::render(const std::string& name, const std::string& help,
                       std::string& out) const {
  header(out, name, "histogram", help);
  int64_t cumulative = 0;
  for (size_t i = 0; i < bounds_us.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{le=\"" + seconds(bounds_us[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += buckets_[bounds_us.size()].load(std::memory_order_relaxed);
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += name + "_sum " + seconds(sum_us_.load(std::memory_order_relaxed)) + "\n";
  out += name + "_count " + std::to_string(count_.load(std::memory_order_relaxed)) + "\n";
}

void labeled_counter::inc(const std::string& label, int64_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  values_[label] += n;
}

int64_t labeled_counter::get(const std::string& label) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = values_.find(label);
  return i == values_.end() ? 0 : i->second;
}

void labeled_counter::render(const std::string& name, const std::string& label_name,
                             const std::string& help, std::string& out) const {
  header(out, name, "counter", help);
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& [label, value] : values_)
    out +=
        name + "{" + label_name + "=\"" + label + "\"} " + std::to_string(value) + "\n";
}

void metrics::set_feed(int64_t head, std::vector<feed_lag> lags) {
  std::lock_guard lock{feed_mtx_};
  feed_head_ = head;
  feed_lags_ = std::move(lags);
}

void metrics::set_checkpoint(int64_t gseq, const std::string& ghash_hex, int64_t at_us) {
  std::lock_guard lock{feed_mtx_};
  checkpoint_gseq_ = gseq;
  checkpoint_ghash_ = ghash_hex;
  checkpoint_at_us_ = at_us;
}

std::string metrics::prometheus() const {
  std::string out;
  auto get = [](const std::atomic<int64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  scalar(out, "agg_ws_connections", "gauge", "Open player WebSocket connections.",
         get(ws_connections));
  scalar(out, "agg_ws_connections_total", "counter", "Player connections accepted.",
         get(ws_connections_total));
  scalar(out, "agg_ws_messages_in_total", "counter", "Frames received from players.",
         get(ws_messages_in));
  scalar(out, "agg_ws_messages_out_total", "counter", "Frames sent to players.",
         get(ws_messages_out));
  ws_closed.render("agg_ws_closed_total", "reason", "Connections closed, by reason.",
                   out);
  ws_refused.render("agg_ws_refused_total", "reason",
                    "Player connections refused before the handshake, by reason.", out);
  scalar(out, "agg_ws_pushes_replaced_total", "counter",
         "Balance pushes replaced, while waiting to be written, by a newer balance.",
         get(ws_pushes_replaced));
  errors.render("agg_errors_total", "code", "Errors answered, by code.", out);
  header(out, "agg_wallet_ops_total", "counter",
         "Wallet operations by operation and outcome.");
  for (size_t op = 0; op < wallet_ops.size(); ++op)
    for (size_t code = 0; code < wallet_ops[op].size(); ++code)
      if (auto n = get(wallet_ops[op][code]); n > 0)
        out += std::string{"agg_wallet_ops_total{op=\""} +
               to_string(static_cast<wallet_op>(op)) + "\",outcome=\"" +
               (code == 0 ? "ok" : to_string(static_cast<wallet_errc>(code))) + "\"} " +
               std::to_string(n) + "\n";
  commit_latency.render("agg_commit_duration_seconds", "Ledger transaction duration.",
                        out);
  scalar(out, "agg_commits_total", "counter", "Ledger transactions committed.",
         get(commits));
  scalar(out, "agg_commit_writes_total", "counter", "Ledger entries committed.",
         get(commit_writes));
  scalar(out, "agg_commit_failures_total", "counter", "Ledger transactions that failed.",
         get(failed_commits));
  round_latency.render("agg_round_duration_seconds",
                       "Rounds played in full, from the play request to the paid result.",
                       out);
  scalar(out, "agg_actor_restarts_total", "counter", "Supervised actors restarted.",
         get(actor_restarts));
  scalar(out, "agg_session_failures_total", "counter",
         "Player session actors that failed.", get(session_failures));
  login_refusals.render("agg_login_refused_total", "reason",
                        "Registrations and logins refused before any password was "
                        "checked, by reason.",
                        out);
  scalar(out, "agg_login_failures_total", "counter",
         "Failed logins: wrong passwords and attempts on locked-out accounts.",
         get(login_failures));
  scalar(out, "agg_login_address_bans_total", "counter",
         "Client addresses refused for a while after failed logins.",
         get(login_address_bans));
  scalar(out, "agg_login_account_lockouts_total", "counter",
         "Accounts locked out for a while after failed logins.",
         get(login_account_lockouts));
  scalar(out, "agg_login_queue_length", "gauge",
         "Registrations and logins waiting for a password worker.", get(login_queue_len));
  login_wait.render("agg_login_wait_seconds",
                    "Time a registration or login waited for a password worker.", out);
  scalar(out, "agg_risk_events_total", "counter", "Feed events the risk engine took.",
         get(risk_events));
  scalar(out, "agg_risk_scores_total", "counter", "Players scored by the risk model.",
         get(risk_scores));
  risk_cases.render("agg_risk_cases_total", "kind", "Risk cases opened, by kind.", out);
  scalar(out, "agg_risk_locks_total", "counter", "Accounts locked by the risk engine.",
         get(risk_locks));
  risk_gate.render("agg_risk_gate_total", "decision",
                   "Withdrawals the risk gate decided, by decision.", out);
  risk_gate_latency.render("agg_risk_gate_seconds",
                           "Time from the withdrawal gate's question to its decision.",
                           out);
  edge_refusals.render("agg_edge_refusals_total", "reason",
                       "Registrations and logins refused at the edge by an address rule "
                       "or a velocity limit, by reason.",
                       out);
  feed_latency.render("agg_feed_latency_seconds",
                      "Time from a commit to a feed subscriber receiving its events.",
                      out);
  {
    std::lock_guard lock{feed_mtx_};
    scalar(out, "agg_feed_head", "gauge",
           "The last committed position in the global order, as the event feed knows it.",
           feed_head_);
    header(out, "agg_feed_lag_events", "gauge",
           "Events committed and not yet acknowledged, by feed subscriber.");
    for (const auto& l : feed_lags_)
      out += "agg_feed_lag_events{subscriber=\"" + l.name + "\"} " +
             std::to_string(l.events) + "\n";
    header(out, "agg_feed_lag_seconds", "gauge",
           "Age of the oldest event a feed subscriber has not acknowledged.");
    for (const auto& l : feed_lags_)
      out += "agg_feed_lag_seconds{subscriber=\"" + l.name + "\"} " +
             seconds(l.seconds_us) + "\n";
    header(out, "agg_feed_subscriber_connected", "gauge",
           "1 while a feed subscriber's actor is subscribed.");
    for (const auto& l : feed_lags_)
      out += "agg_feed_subscriber_connected{subscriber=\"" + l.name + "\"} " +
             (l.connected ? "1" : "0") + "\n";
    header(out, "agg_chain_checkpoint", "gauge",
           "The last chain checkpoint: its gseq and global hash as labels, the unix time "
           "it was taken as value.");
    if (checkpoint_gseq_ > 0)
      out += "agg_chain_checkpoint{gseq=\"" + std::to_string(checkpoint_gseq_) +
             "\",ghash=\"" + checkpoint_ghash_ + "\"} " + seconds(checkpoint_at_us_) +
             "\n";
  }
  scalar(out, "agg_chain_head_gseq", "gauge",
         "The last position committed in the global order.", get(chain_head_gseq));
  scalar(out, "agg_kafka_delivered_total", "counter",
         "Events the Kafka broker acknowledged.", get(kafka_delivered));
  scalar(out, "agg_kafka_errors_total", "counter",
         "Failed Kafka deliveries and producer failures (a new producer follows).",
         get(kafka_errors));
  scalar(out, "agg_kafka_in_flight", "gauge",
         "Events produced to Kafka and not yet acknowledged.", get(kafka_in_flight));
  scalar(out, "agg_kafka_connected", "gauge", "1 while a Kafka broker is reachable.",
         get(kafka_connected));
  scalar(out, "agg_http_requests_total", "counter", "Operator API requests.",
         get(http_requests));
  vendor_calls.render("agg_vendor_wallet_calls_total", "call",
                      "Studios' calls to the wallet, by vendor/op/status.", out);
  payments.render("agg_payments_total", "transition",
                  "Payments entering a status, by kind/status (docs/cashier.md).", out);
  return out;
}

} // namespace agg
