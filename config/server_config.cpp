#include "config/server_config.hpp"

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

std::string server_options::db_path() const {
  return (std::filesystem::path{data_dir} / db_file).string();
}

db::tuning server_options::db_tuning() const {
  db::tuning t;
  t.busy_timeout_ms = static_cast<int>(db_busy_timeout_ms);
  t.cache_kib = db_cache_kib;
  t.mmap_bytes = db_mmap_bytes;
  t.wal_autocheckpoint_pages = wal_checkpoint_pages_max;
  return t;
}

std::optional<std::string> server_options::validate() const {
  constexpr int64_t hour_ms = 3'600'000;
  const std::optional<std::string> checks[] = {
      in_range("db_busy_timeout_ms", db_busy_timeout_ms, 0, hour_ms),
      in_range("db_cache_kib", db_cache_kib, 64, 64 * 1024 * 1024),
      in_range("db_mmap_bytes", db_mmap_bytes, 0, int64_t{1} << 40),
      in_range("checkpoint_interval_ms", checkpoint_interval_ms, 10, hour_ms),
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
      in_range("restart_intensity", restart_intensity, 0, 1000),
      in_range("restart_period_ms", restart_period_ms, 1, hour_ms),
      in_range("restart_backoff_ms", restart_backoff_ms, 0, 60'000),
      in_range("shutdown_timeout_ms", shutdown_timeout_ms, 1, hour_ms),
  };
  for (const auto& c : checks)
    if (c) return c;
  if (db_file.empty() || db_file.find('/') != std::string::npos)
    return "aggregator.db_file: must be a plain file name, got '" + db_file + "'";
  return writable_dir(data_dir);
}

server_config::server_config() {
  opt_group{custom_options_, "aggregator"}
      .add(opts.data_dir, "data_dir", "directory of the SQLite database")
      .add(opts.db_file, "db_file", "database file name inside data_dir")
      .add(opts.db_busy_timeout_ms, "db_busy_timeout_ms", "SQLite busy timeout")
      .add(opts.db_cache_kib, "db_cache_kib", "SQLite page cache per connection")
      .add(opts.db_mmap_bytes, "db_mmap_bytes", "file size read through mmap")
      .add(opts.checkpoint_interval_ms, "checkpoint_interval_ms", "WAL checkpoint period")
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
      .add(opts.restart_intensity, "restart_intensity", "restarts allowed per period")
      .add(opts.restart_period_ms, "restart_period_ms", "restart intensity period")
      .add(opts.restart_backoff_ms, "restart_backoff_ms", "first restart delay")
      .add(opts.shutdown_timeout_ms, "shutdown_timeout_ms",
           "wait for in-flight commits at shutdown");
}

} // namespace agg
