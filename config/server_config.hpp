#pragma once

// Every option of the server, with its unit last in its name and its default here.
// Read from config/aggregator.conf (CAF INI syntax, section [aggregator]) and
// overridden on the command line: --aggregator.commit_window_us=250

#include "config/node_set.hpp"

#include <caf/actor_system_config.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace agg {

// The Kafka publisher, section [events.kafka] (docs/events.md, "Kafka"): off unless
// enabled.
struct kafka_config {
  bool enabled = false;
  std::string brokers;               // bootstrap.servers, host:port[,host:port...]
  std::string topic_prefix = "agg";  // topics <prefix>.wallet and <prefix>.activity
  int64_t in_flight_max = 8'192;     // events produced and not yet acknowledged
  int64_t retry_ms = 1'000;          // a new producer after a failed delivery
  std::vector<std::string> settings; // librdkafka's own, "name=value", passed through
  std::string problem; // a key of the section read_sections() could not take
};

// The first problem of the section, or nothing (server_options::validate asks it).
std::optional<std::string> kafka_problem(const kafka_config& k);

// The options as plain values: what the rest of the server reads.
struct server_options {
  // Storage
  std::string data_dir = "./data";       // created if missing; must be writable
  std::string db_file = "aggregator.db"; // inside data_dir
  int64_t db_busy_timeout_ms = 5000;
  int64_t db_cache_kib = 65'536;              // page cache per connection
  int64_t db_mmap_bytes = 268'435'456;        // file size read through mmap
  int64_t checkpoint_interval_ms = 4000;      // WAL checkpoints off the commit path
  int64_t checkpoint_after_pages = 49'152;    // or sooner, once the WAL holds this many
  int64_t wal_checkpoint_pages_max = 131'072; // the writer checkpoints itself past this
  // Group commit
  int64_t commit_window_us = 100;  // how long the writer gathers a batch
  int64_t commit_batch_max = 1024; // writes per transaction at most
  // Wallets
  int64_t reader_count = 2; // read connections serving wallet loads and lookups
  int64_t wallet_idle_timeout_ms = 60'000; // passivate a wallet idle this long
  int64_t wallet_cache_entries_max = 4096; // recent transactions kept per wallet
  int64_t wallet_queue_len_max = 4096;     // operations waiting in one wallet at most
  // Bloom filter of stored ids: new ids skip the database lookup. About 10 bits per
  // id keep false lookups near 1%; 64 MiB covers some 50 million ids.
  int64_t id_filter_bytes = 64 << 20;
  int64_t storage_timeout_ms = 10'000; // a wallet's wait for a load or lookup
  int64_t request_timeout_ms = 15'000; // a caller's wait for a wallet reply
  // The event feed and the global chain
  int64_t chain_checkpoint_interval_ms = 60'000; // head recorded and logged; 0: never
  int64_t feed_buffer_events = 65'536;   // newest events kept in memory for subscribers
  int64_t feed_batch_max = 1'024;        // events per delivery to a subscriber
  int64_t feed_cursor_interval_ms = 250; // durable subscribers' cursors written so often
  // Supervision
  int64_t restart_intensity = 5; // restarts allowed within restart_period_ms
  int64_t restart_period_ms = 10'000;
  int64_t restart_backoff_ms = 50; // first restart delay, doubled up to 2 s
  // Shutdown
  int64_t shutdown_timeout_ms = 30'000; // wait for in-flight commits at most
  // Logging (common/log.hpp): the lowest level written, and the line format
  std::string log_level = "info";  // debug, info, warn, error
  std::string log_format = "text"; // text (logfmt key=value) or json (an object a line)
  // Player WebSocket gateway
  std::string ws_bind_address = "0.0.0.0";
  int64_t ws_port = 8080; // 0 picks a free port (printed in the ready line)
  int64_t ws_threads = 1; // io_context threads
  int64_t ws_frame_bytes_max = 16 * 1024; // larger frames close with 1009
  int64_t ws_handshake_timeout_ms = 5'000;
  int64_t ws_idle_timeout_ms = 60'000;  // pings keep a quiet connection alive
  int64_t ws_write_queue_len_max = 256; // frames waiting to be written at most
  int64_t ws_rate_per_s = 50;           // requests per connection, token bucket refill
  int64_t ws_burst = 100;               // token bucket size per connection
  int64_t ip_rate_per_s = 500;          // requests per client address
  int64_t ip_burst = 1'000;
  int64_t ws_flood_strikes_max = 50; // rate_limited answers before disconnecting
  int64_t ws_connections_per_address_max = 256; // more from one address: refused (429)
  int64_t ws_send_buffer_bytes = 0; // kernel send buffer per connection; 0: the system's
  // Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client
  std::vector<std::string> trusted_proxies;
  // The web client: player/ at /app/ on the WebSocket port, console/ at /console/ on
  // the operator port, common/ on both; empty: none
  std::string web_dir;
  // Operator HTTP API
  std::string http_bind_address = "127.0.0.1";
  int64_t http_port = 8081; // 0 picks a free port
  int64_t http_threads = 4;
  int64_t http_body_bytes_max = 64 * 1024;
  // "name:role:key" with role read_only, support or admin; the key is the secret
  std::vector<std::string> api_keys;
  // Vendor-facing HTTP listener: seamless-wallet studios call /vendors/<id>/wallet/...
  // It starts only when a configured studio has a wallet protocol.
  std::string vendor_http_bind_address = "0.0.0.0";
  int64_t vendor_http_port = 8082;            // 0 picks a free port
  int64_t vendor_http_threads = 2;            // io_context threads of the vendor listener
  int64_t vendor_http_connections_max = 1024; // more are answered 503 and closed
  // Accounts and sessions
  std::string token_key_file; // empty: <data_dir>/token.key, created if missing
  int64_t token_ttl_s = 3'600;
  int64_t password_ops_limit = 2;    // argon2id passes (libsodium INTERACTIVE)
  int64_t password_mem_kib = 65'536; // argon2id memory (libsodium INTERACTIVE)
  int64_t account_workers = 2;       // threads hashing and checking passwords
  int64_t account_db_workers = 2;    // threads serving sessions, status and audit
  // Logins: the queue in front of the password workers, served in turn per address
  int64_t login_queue_len_max = 64;        // waiting in all; beyond: rate_limited
  int64_t login_queue_per_address_max = 4; // waiting per client address
  int64_t login_queue_per_account_max = 4; // waiting per username
  // Failed logins per client address: a leaky bucket that drains in the window
  int64_t login_failure_window_ms = 600'000;
  int64_t login_address_failures_max = 20; // within the window: refused for a while
  int64_t login_address_ban_ms = 900'000;  // ... that long (address_blocked)
  int64_t login_suspect_failures = 1;      // within the window: hashed after the others
  // Failed logins per account since its last login: every login_lockout_failures
  // lock it out, first for login_lockout_base_ms, doubled each time up to the max;
  // addresses it logged in from within login_known_address_days are not held back
  int64_t login_lockout_failures = 5;
  int64_t login_lockout_base_ms = 60'000;
  int64_t login_lockout_max_ms = 3'600'000;
  int64_t login_known_address_days = 30;
  int64_t history_limit_max = 100; // ledger entries per history page at most
  // Vendors: the ids of the configured studios, each with a [vendors.<id>] section
  std::vector<std::string> vendors = {"builtin"};
  // "CUR:max" stake limits over every game, e.g. "EUR:100000"
  std::vector<std::string> stake_max_by_currency;
  // Filled from the [vendors.<id>] sections: key -> value, as text
  std::map<std::string, std::map<std::string, std::string>> vendor_settings;
  // Filled from the [events.kafka] section
  kafka_config kafka;
  // The [cluster] section (docs/cluster.md): empty, one core node as ever
  cluster_config cluster;
  // Payment providers (docs/cashier.md): the ids, each with a [payments.<id>] section
  // ("kind" picks the provider; default: the id)
  std::vector<std::string> payments;
  std::map<std::string, std::map<std::string, std::string>> payment_settings;
  int64_t payment_amount_max = 100'000'000'000; // minor units per payment
  int64_t payment_intent_ttl_ms = 900'000;      // an open payment expires then
  int64_t payment_timeout_ms = 10'000;          // a provider's answer at most
  // Where providers call back: the operator API's base URL as they reach it; empty:
  // http://127.0.0.1:<http_port>
  std::string payment_callback_base_url;
  // "CUR:max" withdrawals approved without review when every check passed; a currency
  // not named: every withdrawal in it is reviewed
  std::vector<std::string> withdrawal_auto_approve_max;
  // "CUR:amount" lifetime confirmed deposits above which deposits need KYC verified; a
  // currency not named: no threshold
  std::vector<std::string> kyc_deposit_threshold;
  // Responsible gaming: a looser limit (higher, or removed) takes effect after this
  int64_t limit_increase_delay_h = 24;
  // Bonuses: how often grants past their expiry are expired
  int64_t bonus_expiry_sweep_ms = 60'000;
  // Risk (docs/risk.md): the engine, its model file, the scores that open a case and
  // lock an account, how often a player is scored, and account linking
  bool risk_enabled = true;
  std::string risk_model = default_risk_model();
  double risk_review_score = 0.5;
  double risk_lock_score = 0.9;
  int64_t risk_score_every = 50;
  int64_t risk_min_bets = 5;
  int64_t risk_share_cap = 8;
  int64_t risk_address_window_h = 168;
  // Credential stuffing: failed logins for this many usernames from one address or
  // device within the window open a case
  int64_t risk_stuffing_accounts = 10;
  int64_t risk_stuffing_window_ms = 3'600'000;
  // Registration velocity: registrations from one address, or one device, within the
  // window beyond which more are refused for the window (allowed addresses excepted)
  int64_t register_address_max = 20;
  int64_t register_device_max = 8;
  int64_t register_window_ms = 3'600'000;

  // The model shipped with the sources (config/risk_model.json).
  static std::string default_risk_model();

  std::string db_path() const;
  std::string token_key_path() const;

  // One line naming the first invalid key and why, or nothing when all are valid.
  // Creates data_dir when it is missing.
  std::optional<std::string> validate() const;
};

// "CUR:amount" entries (validated by server_options::validate) as a map.
std::map<std::string, int64_t> currency_amounts(const std::vector<std::string>& entries);

// How idle CAF workers wait for work, set on every actor system the server (and its
// tests and benchmarks) runs; the config file and command line override it. CAF's
// default spins briefly, then sleeps 50 us at a time for 25 ms before it blocks: on two
// cores shared with the io threads and the ledger writer those sleeps were half of all
// context switches under load, each preempting a thread with work. Here a worker
// blocks right after spinning and is woken by the next job for it (and steals, if it
// is still idle, every 1 ms).
void apply_scheduler_defaults(caf::actor_system_config& cfg);

class server_config : public caf::actor_system_config {
public:
  server_config();

  // Copies the [vendors.<id>] and [payments.<id>] sections into opts.vendor_settings
  // and opts.payment_settings, and [events.kafka] into opts.kafka; call after parse().
  void read_sections();

  server_options opts;

private:
  void read_kafka_section();
};

} // namespace agg
