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

class id_filter {
public:
  // Rounds bytes down to a power of two, at least 64.
  explicit id_filter(size_t bytes);

  void add(std::string_view key);
  bool may_contain(std::string_view key) const;

  size_t bytes() const { return (mask_ + 1) / 8; }

private:
  static constexpr int hashes = 7; // about 1% false positives at 10 bits per id

  size_t mask_; // bit count - 1
  std::unique_ptr<std::atomic<uint64_t>[]> words_;
};

} // namespace agg
