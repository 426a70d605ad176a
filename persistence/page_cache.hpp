#pragma once

// SQLite's default page cache (pcache1), wrapped to take one cost out of every commit.
//
// When a B-tree node splits, SQLite 3.40 swaps the page numbers of two new pages
// through a temporary number: the lock-byte page, PENDING_BYTE / page size + 1 (page
// 262,145 with 4 KiB pages). The default cache remembers the largest number it ever
// held until the cache is truncated, and every commit truncates it at the database's
// size; with that remembered number far beyond the last page, the truncation walks the
// whole hash table (every cached page) instead of the few slots past the end. A
// connection with a large cache that splits nodes in most commits, as the ledger
// writer does, pays that walk on nearly every commit.
//
// The wrapper gives the swap another temporary number: one past the largest page
// number the cache has held since its last truncation, unused by construction. The
// default cache then remembers a number next to the end, and the commit's truncation
// stays short. Everything else goes to the default cache unchanged. A database of
// 1 GiB or more holds real pages past the lock-byte page; there the swap is left as it
// is, as the default cache's remembered number is near the end anyway.

#include <cstdint>

namespace agg::db {

// Installs the wrapper as SQLite's page cache, once; it must run before SQLite is
// initialized (before the first connection opens). False when SQLite was initialized
// already: the default cache then serves, unwrapped.
bool install_page_cache();

// How many node swaps the wrapper renumbered since the process started (for tests).
int64_t page_cache_swaps_renumbered();

} // namespace agg::db
