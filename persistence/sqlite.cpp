#include "persistence/sqlite.hpp"

#include "persistence/wal_vfs.hpp"

#include <sqlite3.h>

#include <utility>

namespace agg::db {

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
  std::string msg{context};
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw error(rc, msg);
}

} // namespace

// -- statement ---------------------------------------------------------------

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

statement::~statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

statement::statement(statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {
}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

statement& statement::bind(int index, int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK)
    fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind_blob(int index, std::span<const uint8_t> value) {
  int rc = sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

statement& statement::bind_real(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK)
    fail(db_, rc, "bind");
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset, so that the statement can be bound and run again after the error (a busy
  // database, a full disk); the error message survives the reset.
  sqlite3_reset(stmt_);
  fail(db_, rc, "step");
}

void statement::run() {
  while (step()) {
  }
  reset();
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string statement::text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<uint8_t> statement::blob(int column) const {
  auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  auto n = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
  if (p == nullptr) return {};
  return std::vector<uint8_t>(p, p + n);
}

bool statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// -- connection --------------------------------------------------------------

connection connection::open(const std::string& path, open_mode mode, const tuning& t) {
  connection c;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == open_mode::read_only ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &c.db_, flags, wal_vfs_name());
  if (rc != SQLITE_OK) {
    std::string msg = "open " + path;
    if (c.db_ != nullptr) {
      msg += ": ";
      msg += sqlite3_errmsg(c.db_);
    }
    throw error(rc, msg);
  }
  c.path_ = path;
  sqlite3_extended_result_codes(c.db_, 1);
  sqlite3_busy_timeout(c.db_, t.busy_timeout_ms);
  if (mode == open_mode::read_write_create) {
    c.exec("PRAGMA journal_mode=WAL");
    c.exec("PRAGMA synchronous=FULL");
    // Nothing reaches the log before its commit: the WAL VFS relies on it (see
    // wal_vfs.hpp). A transaction larger than the cache grows the cache instead.
    c.exec("PRAGMA cache_spill=OFF");
    sqlite3_wal_autocheckpoint(c.db_, static_cast<int>(t.wal_autocheckpoint_pages));
  }
  c.pragma("cache_size", -t.cache_kib);
  c.pragma("mmap_size", t.mmap_bytes);
  c.exec("PRAGMA foreign_keys=ON");
  return c;
}

connection::~connection() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

connection::connection(connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void connection::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = std::string{"exec: "} + (err != nullptr ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    throw error(rc, msg);
  }
}

void connection::pragma(const char* name, int64_t value) {
  // PRAGMA takes no bound parameters; the value is an integer we format ourselves.
  auto sql = std::string{"PRAGMA "} + name + "=" + std::to_string(value);
  exec(sql.c_str());
}

statement connection::prepare(std::string_view sql) {
  return statement(db_, sql);
}

int64_t connection::changes() const {
  return sqlite3_changes64(db_);
}

int64_t connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

wal_state connection::checkpoint_passive() {
  int log = 0;
  int copied = 0;
  int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    throw error(rc, std::string{"checkpoint: "} + sqlite3_errmsg(db_));
  return {log, copied};
}

// -- transaction -------------------------------------------------------------

transaction::transaction(connection& conn) : conn_(conn) {
  conn_.exec("BEGIN IMMEDIATE");
}

transaction::~transaction() {
  if (!done_) {
    try {
      conn_.exec("ROLLBACK");
    } catch (const error&) {
      // The transaction may already have been rolled back by SQLite itself.
    }
  }
}

void transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

} // namespace agg::db
