#include "persistence/page_cache.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>

namespace agg::db {

namespace {

// SQLite's PENDING_BYTE: the page holding it (the lock-byte page) is never a B-tree
// page, which is why balance_nonroot() borrows its number.
constexpr unsigned pending_byte = 0x40000000;

sqlite3_pcache_methods2 base{}; // the default cache, as SQLite configured it
std::atomic<int64_t> renumbered{0};

// One connection's cache: the default one inside, and what we know of its keys.
struct cache {
  sqlite3_pcache* inner = nullptr;
  unsigned lock_page = 0;
  // At least the largest key any page of `inner` holds now.
  unsigned max_key = 0;
  // While a swap holds a page at our stand-in for the lock-byte page's number.
  bool swapping = false;
  unsigned stand_in = 0;
};

cache* of(sqlite3_pcache* p) {
  return reinterpret_cast<cache*>(p);
}

// The key `inner` knows a page by, for a key SQLite names.
unsigned inner_key(const cache& c, unsigned key) {
  return c.swapping && key == c.lock_page ? c.stand_in : key;
}

sqlite3_pcache* create(int page_size, int extra, int purgeable) {
  auto* c = new (std::nothrow) cache;
  if (c == nullptr) return nullptr;
  c->inner = base.xCreate(page_size, extra, purgeable);
  if (c->inner == nullptr) {
    delete c;
    return nullptr;
  }
  c->lock_page = pending_byte / static_cast<unsigned>(page_size) + 1;
  return reinterpret_cast<sqlite3_pcache*>(c);
}

void cachesize(sqlite3_pcache* p, int n) {
  base.xCachesize(of(p)->inner, n);
}

int pagecount(sqlite3_pcache* p) {
  return base.xPagecount(of(p)->inner);
}

sqlite3_pcache_page* fetch(sqlite3_pcache* p, unsigned key, int create_flag) {
  auto& c = *of(p);
  auto k = inner_key(c, key);
  auto* page = base.xFetch(c.inner, k, create_flag);
  if (page != nullptr) c.max_key = std::max(c.max_key, k);
  return page;
}

void unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) {
  base.xUnpin(of(p)->inner, page, discard);
}

// balance_nonroot() swaps pages A and B as: A to the lock-byte page's number, B to A's,
// A to B's. The first step goes to a number just past every page instead.
void rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned old_key,
           unsigned new_key) {
  auto& c = *of(p);
  if (new_key == c.lock_page && !c.swapping && c.max_key + 1 < c.lock_page) {
    c.swapping = true;
    c.stand_in = c.max_key + 1;
    base.xRekey(c.inner, page, old_key, c.stand_in);
    c.max_key = c.stand_in;
    renumbered.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (old_key == c.lock_page && c.swapping) {
    c.swapping = false;
    base.xRekey(c.inner, page, c.stand_in, new_key);
  } else {
    base.xRekey(c.inner, page, old_key, new_key);
  }
  c.max_key = std::max(c.max_key, new_key);
}

// Drops every page whose key is `limit` or more.
void truncate(sqlite3_pcache* p, unsigned limit) {
  auto& c = *of(p);
  base.xTruncate(c.inner, limit);
  if (c.swapping && c.stand_in >= limit) c.swapping = false;
  c.max_key = limit == 0 ? 0 : std::min(c.max_key, limit - 1);
}

void destroy(sqlite3_pcache* p) {
  auto* c = of(p);
  base.xDestroy(c->inner);
  delete c;
}

void shrink(sqlite3_pcache* p) {
  base.xShrink(of(p)->inner);
}

bool install() {
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &base) != SQLITE_OK) return false;
  if (base.xCreate == nullptr) return false;
  static sqlite3_pcache_methods2 wrapped{};
  wrapped.iVersion = 1; // xShrink, no later members
  wrapped.pArg = base.pArg;
  wrapped.xInit = base.xInit;
  wrapped.xShutdown = base.xShutdown;
  wrapped.xCreate = create;
  wrapped.xCachesize = cachesize;
  wrapped.xPagecount = pagecount;
  wrapped.xFetch = fetch;
  wrapped.xUnpin = unpin;
  wrapped.xRekey = rekey;
  wrapped.xTruncate = truncate;
  wrapped.xDestroy = destroy;
  wrapped.xShrink = shrink;
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &wrapped) == SQLITE_OK;
}

} // namespace

bool install_page_cache() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = install(); });
  return installed;
}

int64_t page_cache_swaps_renumbered() {
  return renumbered.load(std::memory_order_relaxed);
}

} // namespace agg::db
