#pragma once

// RAII wrappers over the SQLite C API. Every statement that carries data is prepared
// and bound; exec() is only for pragmas, DDL and transaction control.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace agg::db {

class error : public std::runtime_error {
public:
  error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

private:
  int code_;
};

class statement {
public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  statement& bind(int index, int64_t value);
  statement& bind(int index, std::string_view value);
  statement& bind_blob(int index, std::span<const uint8_t> value);
  statement& bind_null(int index);
  statement& bind_real(int index, double value);

  // Returns true while a row is available, false when done. Throws db::error.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Resets for re-execution and clears the bindings.
  void reset();

  // Columns are 0-based, as in SQLite.
  int64_t int64(int column) const;
  std::string text(int column) const;
  std::vector<uint8_t> blob(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

enum class open_mode { read_write_create, read_only };

// The write-ahead log after a checkpoint: its frames, and how many of them are copied
// into the database file.
struct wal_state {
  int64_t log_frames = 0;
  int64_t copied_frames = 0;
};

// Per-connection settings, each with its unit last.
struct tuning {
  int busy_timeout_ms = 5000;
  int64_t cache_kib = 16 * 1024;  // page cache of this connection
  int64_t mmap_bytes = 256 << 20; // reads through mmap up to this size of the file
  // Pages in the WAL after which a commit checkpoints by itself. The server keeps
  // this high on its writer and checkpoints from a separate connection instead.
  int64_t wal_autocheckpoint_pages = 1000;
};

class connection {
public:
  // Opens the database through the WAL VFS; read-write connections run in WAL mode
  // with synchronous=FULL and never spill a transaction's pages to the log before it
  // commits (cache_spill=OFF).
  static connection open(const std::string& path, open_mode mode, const tuning& t = {});

  connection() = default;
  ~connection();
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void exec(const char* sql);
  void pragma(const char* name, int64_t value);
  statement prepare(std::string_view sql);
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  // A PASSIVE checkpoint: copies what it can without waiting for the writer or the
  // readers. Once every frame is copied, the next write starts the log over.
  wal_state checkpoint_passive();
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless committed.
class transaction {
public:
  explicit transaction(connection& conn);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit();

private:
  connection& conn_;
  bool done_ = false;
};

} // namespace agg::db
