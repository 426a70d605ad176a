#include "config/server_config.hpp"

#include "common/currency.hpp"
#include "common/log.hpp"

#include <caf/make_config_option.hpp>
#include <caf/pec.hpp>

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace agg {

namespace {

std::optional<std::string> in_range(const char* key, int64_t value, int64_t lo,
                                    int64_t hi) {
  if (value >= lo && value <= hi) return std::nullopt;
  return std::string{"aggregator."} + key + ": must be between " + std::to_string(lo) +
         " and " + std::to_string(hi) + ", got " + std::to_string(value);
}

std::optional<std::string> writable_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty()) return "aggregator.data_dir: must not be empty";
  fs::create_directories(dir, ec);
  if (ec) return "aggregator.data_dir: cannot create " + dir + ": " + ec.message();
  if (!fs::is_directory(dir, ec))
    return "aggregator.data_dir: " + dir + " is not a directory";
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return "aggregator.data_dir: " + dir + " is not writable";
  return std::nullopt;
}

} // namespace

std::optional<std::string> kafka_problem(const kafka_config& k) {
  if (!k.problem.empty()) return k.problem;
  if (!k.enabled) return std::nullopt;
  if (k.brokers.empty()) return "events.kafka.brokers: must name at least one broker";
  bool prefix_ok = !k.topic_prefix.empty() && k.topic_prefix.size() <= 200 &&
                   k.topic_prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                    "0123456789._-") == std::string::npos;
  if (!prefix_ok)
    return "events.kafka.topic_prefix: 1 to 200 of [A-Za-z0-9._-], got '" +
           k.topic_prefix + "'";
  if (k.in_flight_max < 1 || k.in_flight_max > 1'000'000)
    return "events.kafka.in_flight_max: must be between 1 and 1000000";
  if (k.retry_ms < 10 || k.retry_ms > 3'600'000)
    return "events.kafka.retry_ms: must be between 10 and 3600000";
  for (const auto& s : k.settings) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      return "events.kafka.settings: '" + s + "' is not name=value";
  }
  return std::nullopt;
}

std::string server_options::default_risk_model() {
  return AGG_RISK_MODEL_DEFAULT;
}

std::string server_options::db_path() const {
  return (std::filesystem::path{data_dir} / db_file).string();
}

std::string server_options::token_key_path() const {
  if (!token_key_file.empty()) return token_key_file;
  return (std::filesystem::path{data_dir} / "token.key").string();
}

std::optional<std::string> server_options::validate() const {
  constexpr int64_t hour_ms = 3'600'000;
  const std::optional<std::string> checks[] = {
      in_range("db_busy_timeout_ms", db_busy_timeout_ms, 0, hour_ms),
      in_range("db_cache_kib", db_cache_kib, 64, 64 * 1024 * 1024),
      in_range("db_mmap_bytes", db_mmap_bytes, 0, int64_t{1} << 40),
      in_range("checkpoint_interval_ms", checkpoint_interval_ms, 10, hour_ms),
      in_range("checkpoint_after_pages", checkpoint_after_pages, 100, 10'000'000),
      in_range("wal_checkpoint_pages_max", wal_checkpoint_pages_max, 100, 10'000'000),
      in_range("commit_window_us", commit_window_us, 0, 1'000'000),
      in_range("commit_batch_max", commit_batch_max, 1, 1'000'000),
      in_range("reader_count", reader_count, 1, 64),
      in_range("wallet_idle_timeout_ms", wallet_idle_timeout_ms, 1, 24 * hour_ms),
      in_range("wallet_cache_entries_max", wallet_cache_entries_max, 16, 10'000'000),
      in_range("wallet_queue_len_max", wallet_queue_len_max, 1, 1'000'000),
      in_range("id_filter_bytes", id_filter_bytes, 64, int64_t{1} << 34),
      in_range("storage_timeout_ms", storage_timeout_ms, 1, hour_ms),
      in_range("request_timeout_ms", request_timeout_ms, 1, hour_ms),
      in_range("chain_checkpoint_interval_ms", chain_checkpoint_interval_ms, 0,
               24 * hour_ms),
      in_range("feed_buffer_events", feed_buffer_events, 16, 100'000'000),
      in_range("feed_batch_max", feed_batch_max, 1, 1'000'000),
      in_range("feed_cursor_interval_ms", feed_cursor_interval_ms, 10, hour_ms),
      in_range("restart_intensity", restart_intensity, 0, 1000),
      in_range("restart_period_ms", restart_period_ms, 1, hour_ms),
      in_range("restart_backoff_ms", restart_backoff_ms, 0, 60'000),
      in_range("shutdown_timeout_ms", shutdown_timeout_ms, 1, hour_ms),
      in_range("ws_port", ws_port, 0, 65'535),
      in_range("ws_threads", ws_threads, 1, 64),
      in_range("ws_frame_bytes_max", ws_frame_bytes_max, 256, 16 << 20),
      in_range("ws_handshake_timeout_ms", ws_handshake_timeout_ms, 100, hour_ms),
      in_range("ws_idle_timeout_ms", ws_idle_timeout_ms, 100, 24 * hour_ms),
      in_range("ws_write_queue_len_max", ws_write_queue_len_max, 1, 1'000'000),
      in_range("ws_rate_per_s", ws_rate_per_s, 1, 1'000'000),
      in_range("ws_burst", ws_burst, 1, 1'000'000),
      in_range("ip_rate_per_s", ip_rate_per_s, 1, 100'000'000),
      in_range("ip_burst", ip_burst, 1, 100'000'000),
      in_range("ws_flood_strikes_max", ws_flood_strikes_max, 1, 1'000'000),
      in_range("ws_connections_per_address_max", ws_connections_per_address_max, 1,
               10'000'000),
      in_range("ws_send_buffer_bytes", ws_send_buffer_bytes, 0, 64 << 20),
      in_range("http_port", http_port, 0, 65'535),
      in_range("http_threads", http_threads, 1, 256),
      in_range("http_body_bytes_max", http_body_bytes_max, 1'024, 64 << 20),
      in_range("vendor_http_port", vendor_http_port, 0, 65'535),
      in_range("vendor_http_threads", vendor_http_threads, 1, 64),
      in_range("vendor_http_connections_max", vendor_http_connections_max, 1, 1'000'000),
      in_range("token_ttl_s", token_ttl_s, 10, 30 * 24 * 3'600),
      in_range("password_ops_limit", password_ops_limit, 1, 16),
      in_range("password_mem_kib", password_mem_kib, 8, 4 << 20),
      in_range("account_workers", account_workers, 1, 64),
      in_range("account_db_workers", account_db_workers, 1, 64),
      in_range("login_queue_len_max", login_queue_len_max, 1, 1'000'000),
      in_range("login_queue_per_address_max", login_queue_per_address_max, 1, 1'000'000),
      in_range("login_queue_per_account_max", login_queue_per_account_max, 1, 1'000'000),
      in_range("login_failure_window_ms", login_failure_window_ms, 1'000, 24 * hour_ms),
      in_range("login_address_failures_max", login_address_failures_max, 1, 1'000'000),
      in_range("login_address_ban_ms", login_address_ban_ms, 0, 30 * 24 * hour_ms),
      in_range("login_suspect_failures", login_suspect_failures, 1, 1'000'000),
      in_range("login_lockout_failures", login_lockout_failures, 1, 1'000'000),
      in_range("login_lockout_base_ms", login_lockout_base_ms, 0, 30 * 24 * hour_ms),
      in_range("login_lockout_max_ms", login_lockout_max_ms, 0, 30 * 24 * hour_ms),
      in_range("login_known_address_days", login_known_address_days, 0, 3'650),
      in_range("history_limit_max", history_limit_max, 1, 10'000),
      in_range("payment_amount_max", payment_amount_max, 1, int64_t{1} << 53),
      in_range("payment_intent_ttl_ms", payment_intent_ttl_ms, 1'000, 30 * 24 * hour_ms),
      in_range("payment_timeout_ms", payment_timeout_ms, 10, hour_ms),
      in_range("limit_increase_delay_h", limit_increase_delay_h, 0, 24 * 90),
      in_range("bonus_expiry_sweep_ms", bonus_expiry_sweep_ms, 10, 3'600'000),
      in_range("risk_score_every", risk_score_every, 1, 1'000'000),
      in_range("risk_min_bets", risk_min_bets, 0, 1'000'000),
      in_range("risk_share_cap", risk_share_cap, 2, 1'000'000),
      in_range("risk_address_window_h", risk_address_window_h, 1, 24 * 365),
      in_range("risk_stuffing_accounts", risk_stuffing_accounts, 2, 1'000),
      in_range("risk_stuffing_window_ms", risk_stuffing_window_ms, 1'000,
               30 * 24 * hour_ms),
      in_range("register_address_max", register_address_max, 1, 1'000'000),
      in_range("register_device_max", register_device_max, 1, 1'000'000),
      in_range("register_window_ms", register_window_ms, 1'000, 30 * 24 * hour_ms),
  };
  for (const auto& c : checks)
    if (c) return c;
  if (checkpoint_after_pages >= wal_checkpoint_pages_max)
    return "aggregator.checkpoint_after_pages: must be below wal_checkpoint_pages_max (" +
           std::to_string(wal_checkpoint_pages_max) + "), got " +
           std::to_string(checkpoint_after_pages);
  if (!(risk_review_score > 0 && risk_review_score <= 1))
    return "aggregator.risk_review_score: must be above 0 and at most 1";
  if (!(risk_lock_score >= risk_review_score && risk_lock_score <= 1))
    return "aggregator.risk_lock_score: must be from risk_review_score to 1";
  if (risk_enabled && risk_model.empty())
    return "aggregator.risk_model: must name the model file";
  if (!log::level_named(log_level))
    return "aggregator.log_level: must be debug, info, warn or error, got '" + log_level +
           "'";
  if (!log::format_named(log_format))
    return "aggregator.log_format: must be text or json, got '" + log_format + "'";
  if (db_file.empty() || db_file.find('/') != std::string::npos)
    return "aggregator.db_file: must be a plain file name, got '" + db_file + "'";
  if (auto problem = kafka_problem(kafka)) return problem;
  if (cluster.enabled()) {
    node_set set;
    if (auto problem = node_set::parse(cluster, set)) return problem;
  }
  for (const auto& p : payments)
    if (p.empty() || p.size() > 32 ||
        p.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
            std::string::npos)
      return "aggregator.payments: '" + p + "' is not a valid provider id (a-z 0-9 _ -)";
  for (const auto& v : vendors)
    if (v.empty() || v.size() > 32 || v.find_first_of(":/ \t") != std::string::npos)
      return "aggregator.vendors: '" + v + "' is not a valid vendor id";
  for (const auto* key : {"stake_max_by_currency", "withdrawal_auto_approve_max",
                          "kyc_deposit_threshold"}) {
    const auto& entries =
        std::string_view{key} == "stake_max_by_currency"   ? stake_max_by_currency
        : std::string_view{key} == "kyc_deposit_threshold" ? kyc_deposit_threshold
                                                           : withdrawal_auto_approve_max;
    for (const auto& entry : entries) {
      auto colon = entry.find(':');
      bool ok = colon != std::string::npos && colon + 1 < entry.size() &&
                valid_currency_code(std::string_view{entry}.substr(0, colon)) &&
                colon + 1 + 16 > entry.size() &&
                entry.find_first_not_of("0123456789", colon + 1) == std::string::npos;
      if (!ok)
        return std::string{"aggregator."} + key +
               ": entries are CUR:amount in minor units, e.g. \"EUR:100000\"";
    }
  }
  for (const auto& k : api_keys) {
    auto first = k.find(':');
    auto second = first == std::string::npos ? first : k.find(':', first + 1);
    auto role =
        second == std::string::npos ? "" : k.substr(first + 1, second - first - 1);
    if (second == std::string::npos || first == 0 || k.size() - second - 1 < 16 ||
        (role != "read_only" && role != "support" && role != "admin"))
      return "aggregator.api_keys: each entry is name:role:key with role read_only, "
             "support or admin and a key of at least 16 characters";
  }
  return writable_dir(data_dir);
}

std::map<std::string, int64_t> currency_amounts(const std::vector<std::string>& entries) {
  std::map<std::string, int64_t> out;
  for (const auto& entry : entries) {
    auto colon = entry.find(':');
    if (colon == std::string::npos) continue;
    out[entry.substr(0, colon)] = std::stoll(entry.substr(colon + 1));
  }
  return out;
}

namespace {

// A fraction option that may be written as a whole number ("risk_lock_score=1"):
// CAF's own double option refuses an integer from the INI file without a word and
// keeps its default.
caf::error check_fraction(const caf::config_value& x) {
  if (caf::holds_alternative<double>(x) || caf::holds_alternative<int64_t>(x))
    return caf::none;
  return caf::make_error(caf::pec::type_mismatch);
}

void store_fraction(void* ptr, const caf::config_value& x) {
  auto* target = static_cast<double*>(ptr);
  if (auto whole = caf::get_if<int64_t>(&x))
    *target = static_cast<double>(*whole);
  else
    *target = caf::get<double>(x);
}

caf::config_option::meta_state fraction_state{
    check_fraction, store_fraction, caf::detail::get_impl<double>,
    caf::detail::parse_impl_delegate<double>, "double"};

caf::config_option fraction_option(double& target, const char* name,
                                   const char* description) {
  return {"aggregator", name, description, &fraction_state, &target};
}

} // namespace

void apply_scheduler_defaults(caf::actor_system_config& cfg) {
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  cfg.set("work-stealing.relaxed-sleep-duration",
          caf::timespan{std::chrono::milliseconds{1}});
}

server_config::server_config() {
  apply_scheduler_defaults(*this);
  opt_group{custom_options_, "aggregator"}
      .add(opts.data_dir, "data_dir", "directory of the SQLite database")
      .add(opts.db_file, "db_file", "database file name inside data_dir")
      .add(opts.db_busy_timeout_ms, "db_busy_timeout_ms", "SQLite busy timeout")
      .add(opts.db_cache_kib, "db_cache_kib", "SQLite page cache per connection")
      .add(opts.db_mmap_bytes, "db_mmap_bytes", "file size read through mmap")
      .add(opts.checkpoint_interval_ms, "checkpoint_interval_ms", "WAL checkpoint period")
      .add(opts.checkpoint_after_pages, "checkpoint_after_pages",
           "WAL pages that start a checkpoint before its period is up")
      .add(opts.wal_checkpoint_pages_max, "wal_checkpoint_pages_max",
           "WAL pages after which the writer checkpoints itself")
      .add(opts.commit_window_us, "commit_window_us", "group commit gathering window")
      .add(opts.commit_batch_max, "commit_batch_max", "writes per transaction at most")
      .add(opts.reader_count, "reader_count", "read connections for wallet lookups")
      .add(opts.wallet_idle_timeout_ms, "wallet_idle_timeout_ms",
           "passivate a wallet idle this long")
      .add(opts.wallet_cache_entries_max, "wallet_cache_entries_max",
           "recent transactions kept per wallet")
      .add(opts.wallet_queue_len_max, "wallet_queue_len_max",
           "operations waiting in one wallet at most")
      .add(opts.id_filter_bytes, "id_filter_bytes", "Bloom filter of stored ids")
      .add(opts.storage_timeout_ms, "storage_timeout_ms",
           "wallet wait for a load or lookup")
      .add(opts.request_timeout_ms, "request_timeout_ms",
           "caller wait for a wallet reply")
      .add(opts.chain_checkpoint_interval_ms, "chain_checkpoint_interval_ms",
           "period of the chain checkpoint record (0: never)")
      .add(opts.feed_buffer_events, "feed_buffer_events",
           "newest events the feed keeps in memory")
      .add(opts.feed_batch_max, "feed_batch_max", "events per delivery to a subscriber")
      .add(opts.feed_cursor_interval_ms, "feed_cursor_interval_ms",
           "period at which durable feed cursors are written")
      .add(opts.restart_intensity, "restart_intensity", "restarts allowed per period")
      .add(opts.restart_period_ms, "restart_period_ms", "restart intensity period")
      .add(opts.restart_backoff_ms, "restart_backoff_ms", "first restart delay")
      .add(opts.shutdown_timeout_ms, "shutdown_timeout_ms",
           "wait for in-flight commits at shutdown")
      .add(opts.log_level, "log_level", "lowest level logged: debug, info, warn, error")
      .add(opts.log_format, "log_format", "log lines: text (key=value) or json")
      .add(opts.ws_bind_address, "ws_bind_address", "player WebSocket listen address")
      .add(opts.ws_port, "ws_port", "player WebSocket port (0: any free port)")
      .add(opts.ws_threads, "ws_threads", "WebSocket io threads")
      .add(opts.ws_frame_bytes_max, "ws_frame_bytes_max", "largest frame accepted")
      .add(opts.ws_handshake_timeout_ms, "ws_handshake_timeout_ms",
           "handshake time limit")
      .add(opts.ws_idle_timeout_ms, "ws_idle_timeout_ms",
           "idle time limit (pings keep alive)")
      .add(opts.ws_write_queue_len_max, "ws_write_queue_len_max",
           "frames waiting per connection")
      .add(opts.ws_rate_per_s, "ws_rate_per_s", "requests per second per connection")
      .add(opts.ws_burst, "ws_burst", "request burst per connection")
      .add(opts.ip_rate_per_s, "ip_rate_per_s", "requests per second per client address")
      .add(opts.ip_burst, "ip_burst", "request burst per client address")
      .add(opts.ws_flood_strikes_max, "ws_flood_strikes_max",
           "rate_limited answers before a connection is closed")
      .add(opts.ws_connections_per_address_max, "ws_connections_per_address_max",
           "open connections from one client address at most")
      .add(opts.ws_send_buffer_bytes, "ws_send_buffer_bytes",
           "kernel send buffer per connection (0: the system's)")
      .add(opts.trusted_proxies, "trusted_proxies",
           "reverse proxies whose X-Forwarded-For names the client (CIDR)")
      .add(opts.web_dir, "web_dir",
           "folder of the web client (player/, console/, common/); empty: none")
      .add(opts.http_bind_address, "http_bind_address", "operator API listen address")
      .add(opts.http_port, "http_port", "operator API port (0: any free port)")
      .add(opts.http_threads, "http_threads", "operator API threads")
      .add(opts.http_body_bytes_max, "http_body_bytes_max", "largest request body")
      .add(opts.api_keys, "api_keys", "operator API keys, name:role:key")
      .add(opts.vendor_http_bind_address, "vendor_http_bind_address",
           "listen address for studios calling the wallet")
      .add(opts.vendor_http_port, "vendor_http_port",
           "port for studios calling the wallet (0: any free port)")
      .add(opts.vendor_http_threads, "vendor_http_threads", "vendor listener io threads")
      .add(opts.vendor_http_connections_max, "vendor_http_connections_max",
           "open connections the vendor listener holds at most")
      .add(opts.token_key_file, "token_key_file", "session token signing key (hex)")
      .add(opts.token_ttl_s, "token_ttl_s", "session token lifetime")
      .add(opts.password_ops_limit, "password_ops_limit", "argon2id passes")
      .add(opts.password_mem_kib, "password_mem_kib", "argon2id memory")
      .add(opts.account_workers, "account_workers", "threads hashing passwords")
      .add(opts.account_db_workers, "account_db_workers",
           "account service threads for sessions, status and audit")
      .add(opts.login_queue_len_max, "login_queue_len_max",
           "registrations and logins waiting for a password worker")
      .add(opts.login_queue_per_address_max, "login_queue_per_address_max",
           "... of them from one client address")
      .add(opts.login_queue_per_account_max, "login_queue_per_account_max",
           "... of them for one username")
      .add(opts.login_failure_window_ms, "login_failure_window_ms",
           "window of the failed logins counted per address")
      .add(opts.login_address_failures_max, "login_address_failures_max",
           "failed logins in the window that block an address")
      .add(opts.login_address_ban_ms, "login_address_ban_ms",
           "how long a blocked address is refused")
      .add(opts.login_suspect_failures, "login_suspect_failures",
           "failed logins in the window that put an address behind the others")
      .add(opts.login_lockout_failures, "login_lockout_failures",
           "failed logins since the last login that lock an account out")
      .add(opts.login_lockout_base_ms, "login_lockout_base_ms", "first lockout's length")
      .add(opts.login_lockout_max_ms, "login_lockout_max_ms", "longest lockout")
      .add(opts.login_known_address_days, "login_known_address_days",
           "addresses a lockout does not hold back: logged in from within this")
      .add(opts.history_limit_max, "history_limit_max", "ledger entries per page at most")
      .add(opts.vendors, "vendors", "configured vendor ids, each with [vendors.<id>]")
      .add(opts.stake_max_by_currency, "stake_max_by_currency", "CUR:max stake limits")
      .add(opts.payments, "payments", "payment provider ids, each with [payments.<id>]")
      .add(opts.payment_amount_max, "payment_amount_max", "largest payment, minor units")
      .add(opts.payment_intent_ttl_ms, "payment_intent_ttl_ms",
           "an unconfirmed payment expires after this")
      .add(opts.payment_timeout_ms, "payment_timeout_ms", "a provider's answer at most")
      .add(opts.payment_callback_base_url, "payment_callback_base_url",
           "the operator API's URL as providers reach it")
      .add(opts.withdrawal_auto_approve_max, "withdrawal_auto_approve_max",
           "CUR:max withdrawals approved without review")
      .add(opts.kyc_deposit_threshold, "kyc_deposit_threshold",
           "CUR:amount lifetime deposits above which KYC is needed")
      .add(opts.limit_increase_delay_h, "limit_increase_delay_h",
           "hours before a looser responsible-gaming limit takes effect")
      .add(opts.bonus_expiry_sweep_ms, "bonus_expiry_sweep_ms",
           "how often bonus grants past their expiry are expired")
      .add(opts.risk_enabled, "risk_enabled", "run the risk engine and its gate")
      .add(opts.risk_model, "risk_model", "the risk model file")
      .add(opts.risk_score_every, "risk_score_every", "bets between two scores")
      .add(opts.risk_min_bets, "risk_min_bets", "bets before a player is scored")
      .add(opts.risk_share_cap, "risk_share_cap",
           "accounts sharing an identifier beyond which it links nobody")
      .add(opts.risk_address_window_h, "risk_address_window_h",
           "hours within which two uses of an address link accounts")
      .add(opts.risk_stuffing_accounts, "risk_stuffing_accounts",
           "usernames failing from one address or device that open a case")
      .add(opts.risk_stuffing_window_ms, "risk_stuffing_window_ms",
           "the window of risk_stuffing_accounts")
      .add(opts.register_address_max, "register_address_max",
           "registrations from one address within register_window_ms")
      .add(opts.register_device_max, "register_device_max",
           "registrations from one device within register_window_ms")
      .add(opts.register_window_ms, "register_window_ms",
           "the window of the registration velocity limits");
  custom_options_.add(fraction_option(opts.risk_review_score, "risk_review_score",
                                      "a score that opens a case"));
  custom_options_.add(fraction_option(opts.risk_lock_score, "risk_lock_score",
                                      "a score that locks the account"));
  // Declared for --help and the command line; read_sections() takes the section from
  // the parsed content, where the config file's [events.kafka] lands too.
  opt_group{custom_options_, "events.kafka"}
      .add(opts.kafka.enabled, "enabled", "publish every event to Kafka")
      .add(opts.kafka.brokers, "brokers", "bootstrap brokers, host:port[,host:port]")
      .add(opts.kafka.topic_prefix, "topic_prefix", "topics <prefix>.wallet, .activity")
      .add(opts.kafka.in_flight_max, "in_flight_max",
           "events produced and not yet acknowledged at most")
      .add(opts.kafka.retry_ms, "retry_ms", "new producer after a failed delivery")
      .add(opts.kafka.settings, "settings", "librdkafka settings, \"name=value\"");
  opt_group{custom_options_, "cluster"}
      .add(opts.cluster.node, "node", "this node's name in cluster.nodes")
      .add(opts.cluster.nodes, "nodes", "every node, \"name=core|edge@host:port\"")
      .add(opts.cluster.epoch, "epoch", "the node set's epoch, raised at each change")
      .add(opts.cluster.app_id, "app_id", "the middleman's application identifier")
      .add(opts.cluster.bind_address, "bind_address", "where the middleman listens")
      .add(opts.cluster.heartbeat_ms, "heartbeat_ms", "middleman heartbeat period")
      .add(opts.cluster.connection_timeout_ms, "connection_timeout_ms",
           "a peer silent this long is down")
      .add(opts.cluster.reconnect_ms, "reconnect_ms", "a down peer is tried this often");
}

namespace {

// The [<group>.<id>] section of each id, its values as text.
std::map<std::string, std::map<std::string, std::string>>
id_sections(const caf::settings& content, const char* group,
            const std::vector<std::string>& ids) {
  std::map<std::string, std::map<std::string, std::string>> out;
  auto all = caf::get_if<caf::settings>(&content, group);
  for (const auto& id : ids) {
    auto& mine = out[id];
    if (!all) continue;
    auto section = caf::get_if<caf::settings>(&*all, id);
    if (!section) continue;
    for (const auto& [key, value] : *section) {
      if (auto text = caf::get_if<std::string>(&value))
        mine[key] = *text;
      else
        mine[key] = caf::to_string(value);
    }
  }
  return out;
}

} // namespace

void server_config::read_sections() {
  read_kafka_section();
  opts.vendor_settings = id_sections(content, "vendors", opts.vendors);
  opts.payment_settings = id_sections(content, "payments", opts.payments);
}

void server_config::read_kafka_section() {
  auto& k = opts.kafka;
  k = kafka_config{};
  auto events = caf::get_if<caf::settings>(&content, "events");
  if (!events) return;
  auto section = caf::get_if<caf::settings>(&*events, "kafka");
  if (!section) return;
  auto wrong = [&](const std::string& key, const char* want) {
    if (k.problem.empty()) k.problem = "events.kafka." + key + ": must be " + want;
  };
  for (const auto& [key, value] : *section) {
    if (key == "enabled") {
      if (auto b = caf::get_if<bool>(&value))
        k.enabled = *b;
      else
        wrong(key, "true or false");
    } else if (key == "brokers" || key == "topic_prefix") {
      if (auto text = caf::get_if<std::string>(&value))
        (key == "brokers" ? k.brokers : k.topic_prefix) = *text;
      else
        wrong(key, "a string");
    } else if (key == "in_flight_max" || key == "retry_ms") {
      if (auto n = caf::get_if<int64_t>(&value))
        (key == "retry_ms" ? k.retry_ms : k.in_flight_max) = *n;
      else
        wrong(key, "an integer");
    } else if (key == "settings") {
      if (auto list = caf::get_if<std::vector<std::string>>(&value))
        k.settings = *list;
      else
        wrong(key, "a list of \"name=value\" strings");
    } else if (k.problem.empty()) {
      k.problem = "events.kafka." + key + ": unknown key";
    }
  }
}

} // namespace agg
