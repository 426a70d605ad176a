#include "persistence/wal_vfs.hpp"

#include "persistence/page_cache.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>

namespace agg::db {

namespace {

// Gathered bytes beyond this are written at once: a commit larger than this becomes
// a few large writes instead of one.
constexpr sqlite3_int64 gather_max_bytes = 8 << 20;

// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks larger sizes).
constexpr sqlite3_int64 write_max_bytes = 124 << 10;

sqlite3_vfs* base_vfs = nullptr;

// The file object SQLite allocates for us: our part first, the base VFS's file after
// it. Files other than WAL files are opened by the base VFS directly into the same
// memory and never see our methods.
struct wal_file {
  sqlite3_file base;
  sqlite3_file* real;
  char* buf;
  sqlite3_int64 buf_cap;
  sqlite3_int64 buf_len;
  sqlite3_int64 buf_start; // file offset of buf[0]
  bool commit_page_next;   // the last write was the header of a commit frame
};

// SQLite writes a WAL frame as its 24-byte header, then its page. Bytes 4 to 7 of the
// header (big-endian) hold the database size after the commit in a commit frame and
// zero in every other frame.
constexpr int frame_header_bytes = 24;

bool is_commit_header(const void* data, int n) {
  if (n != frame_header_bytes) return false;
  auto* p = static_cast<const unsigned char*>(data);
  return (p[4] | p[5] | p[6] | p[7]) != 0;
}

wal_file* as_wal(sqlite3_file* f) {
  return reinterpret_cast<wal_file*>(f);
}

int flush(wal_file* w) {
  int rc = SQLITE_OK;
  for (sqlite3_int64 at = 0; at < w->buf_len && rc == SQLITE_OK; at += write_max_bytes) {
    auto n = std::min(write_max_bytes, w->buf_len - at);
    rc = w->real->pMethods->xWrite(w->real, w->buf + at, static_cast<int>(n),
                                   w->buf_start + at);
  }
  w->buf_len = 0;
  return rc;
}

int x_close(sqlite3_file* f) {
  auto* w = as_wal(f);
  int rc = flush(w);
  int rc2 = w->real->pMethods != nullptr ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
  std::free(w->buf);
  w->buf = nullptr;
  return rc != SQLITE_OK ? rc : rc2;
}

int x_read(sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
  auto* w = as_wal(f);
  if (w->buf_len > 0 && off < w->buf_start + w->buf_len && off + n > w->buf_start)
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xRead(w->real, out, n, off);
}

int gather(wal_file* w, const void* data, int n, sqlite3_int64 off) {
  bool continues = w->buf_len > 0 && off == w->buf_start + w->buf_len;
  if (!continues && w->buf_len > 0)
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  if (w->buf_len + n > gather_max_bytes) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
    return w->real->pMethods->xWrite(w->real, data, n, off);
  }
  if (w->buf_len + n > w->buf_cap) {
    auto cap = w->buf_cap == 0 ? sqlite3_int64{1} << 20 : w->buf_cap;
    while (cap < w->buf_len + n)
      cap *= 2;
    auto* grown = static_cast<char*>(std::realloc(w->buf, static_cast<size_t>(cap)));
    if (grown == nullptr) {
      if (int rc = flush(w); rc != SQLITE_OK) return rc;
      return w->real->pMethods->xWrite(w->real, data, n, off);
    }
    w->buf = grown;
    w->buf_cap = cap;
  }
  if (w->buf_len == 0) w->buf_start = off;
  std::memcpy(w->buf + w->buf_len, data, static_cast<size_t>(n));
  w->buf_len += n;
  return SQLITE_OK;
}

// A commit frame's page is the last write of a commit: it goes out with everything
// gathered before it, whether or not the commit is synced, before SQLite publishes
// the commit to other connections.
int x_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 off) {
  auto* w = as_wal(f);
  bool ends_commit = w->commit_page_next;
  w->commit_page_next = is_commit_header(data, n);
  if (int rc = gather(w, data, n, off); rc != SQLITE_OK || !ends_commit) return rc;
  return flush(w);
}

// The other methods that touch the file write what is gathered first, then do what
// the base VFS does; Method is the sqlite3_io_methods member to call.
template <auto Method, class... Args>
int flushed(sqlite3_file* f, Args... args) {
  auto* w = as_wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return (w->real->pMethods->*Method)(w->real, args...);
}

// Methods that do not touch the file's bytes: the base VFS's, as they are.
template <auto Method, class... Args>
int forwarded(sqlite3_file* f, Args... args) {
  auto* w = as_wal(f);
  return (w->real->pMethods->*Method)(w->real, args...);
}

const sqlite3_io_methods wal_methods = {
    1, // no shared memory, no memory mapping: SQLite uses neither on a WAL file
    x_close,
    x_read,
    x_write,
    flushed<&sqlite3_io_methods::xTruncate, sqlite3_int64>,
    flushed<&sqlite3_io_methods::xSync, int>,
    flushed<&sqlite3_io_methods::xFileSize, sqlite3_int64*>,
    flushed<&sqlite3_io_methods::xLock, int>,
    flushed<&sqlite3_io_methods::xUnlock, int>,
    forwarded<&sqlite3_io_methods::xCheckReservedLock, int*>,
    flushed<&sqlite3_io_methods::xFileControl, int, void*>,
    forwarded<&sqlite3_io_methods::xSectorSize>,
    forwarded<&sqlite3_io_methods::xDeviceCharacteristics>,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags,
           int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
  auto* w = as_wal(f);
  std::memset(w, 0, sizeof(wal_file));
  w->real =
      reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(wal_file));
  int rc = base_vfs->xOpen(base_vfs, name, w->real, flags, out_flags);
  // Our methods only once the real file is open: SQLite then closes it through us.
  if (rc == SQLITE_OK)
    w->base.pMethods = &wal_methods;
  else if (w->real->pMethods != nullptr)
    w->real->pMethods->xClose(w->real);
  return rc;
}

// The rest of the VFS is the base VFS's.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return base_vfs->xAccess(base_vfs, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
  return base_vfs->xDlOpen(base_vfs, name);
}
void x_dl_error(sqlite3_vfs*, int n, char* out) {
  base_vfs->xDlError(base_vfs, n, out);
}
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return base_vfs->xDlSym(base_vfs, h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) {
  base_vfs->xDlClose(base_vfs, h);
}
int x_randomness(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xRandomness(base_vfs, n, out);
}
int x_sleep(sqlite3_vfs*, int us) {
  return base_vfs->xSleep(base_vfs, us);
}
int x_current_time(sqlite3_vfs*, double* out) {
  return base_vfs->xCurrentTime(base_vfs, out);
}
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xGetLastError(base_vfs, n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

sqlite3_vfs wal_vfs{};

void register_vfs() {
  // Looking up the default VFS initializes SQLite: the page cache goes in first.
  install_page_cache();
  base_vfs = sqlite3_vfs_find(nullptr);
  if (base_vfs == nullptr || base_vfs->iVersion < 2)
    throw std::runtime_error("SQLite has no usable default VFS");
  wal_vfs.iVersion = 2;
  wal_vfs.szOsFile = static_cast<int>(sizeof(wal_file)) + base_vfs->szOsFile;
  wal_vfs.mxPathname = base_vfs->mxPathname;
  wal_vfs.zName = "agg-wal";
  wal_vfs.xOpen = x_open;
  wal_vfs.xDelete = x_delete;
  wal_vfs.xAccess = x_access;
  wal_vfs.xFullPathname = x_full_pathname;
  wal_vfs.xDlOpen = x_dl_open;
  wal_vfs.xDlError = x_dl_error;
  wal_vfs.xDlSym = x_dl_sym;
  wal_vfs.xDlClose = x_dl_close;
  wal_vfs.xRandomness = x_randomness;
  wal_vfs.xSleep = x_sleep;
  wal_vfs.xCurrentTime = x_current_time;
  wal_vfs.xGetLastError = x_get_last_error;
  wal_vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (sqlite3_vfs_register(&wal_vfs, 0) != SQLITE_OK)
    throw std::runtime_error("cannot register the SQLite VFS agg-wal");
}

} // namespace

const char* wal_vfs_name() {
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return wal_vfs.zName;
}

} // namespace agg::db
