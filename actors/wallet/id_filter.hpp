#pragma once

// A Bloom filter over every id the ledger holds (transaction ids, rollback marks,
// round ids), shared by all wallets of a node. "Not contained" is certain, so a new
// id needs no database lookup before it is applied; "maybe contained" is checked in
// the database as before. Wallets add an id before it is written, so the filter only
// ever errs on the side of a lookup. Safe for concurrent use: bits are set with
// atomic or and never cleared.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace agg {

// What an id names; part of its key, so equal strings of different kinds differ.
enum class id_kind : char { tx = 't', mark = 'm', round = 'r' };

// The key of an id everywhere in memory: kind, source, a separator that validated ids
// never contain, then the id.
std::string id_key(id_kind kind, std::string_view source, std::string_view id);
// The same key written into `out` (whose storage is reused: no allocation once it
// has grown to the longest key).
void id_key_into(std::string& out, id_kind kind, std::string_view source,
                 std::string_view id);

// Blocked: the bits of one key all lie in one 64-byte block, so a lookup or an insert
// touches one cache line (a plain Bloom filter touches one per hash); it costs a little
// in false positives (about 1.2% instead of 1% at 10 bits per id).
class id_filter {
public:
  // Rounds bytes down to a power of two, at least 64.
  explicit id_filter(size_t bytes);

  void add(std::string_view key);
  bool may_contain(std::string_view key) const;

  size_t bytes() const { return (mask_ + 1) / 8; }

private:
  size_t mask_; // bit count - 1
  std::unique_ptr<std::atomic<uint64_t>[]> storage_;
  std::atomic<uint64_t>* words_; // storage_, from its first 64-byte boundary
};

} // namespace agg
