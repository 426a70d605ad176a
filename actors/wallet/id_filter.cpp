#include "actors/wallet/id_filter.hpp"

#include <bit>
#include <functional>

namespace agg {

namespace {

// Two independent 64-bit hashes of the key.
std::pair<uint64_t, uint64_t> hash_pair(std::string_view key) {
  uint64_t h1 = std::hash<std::string_view>{}(key);
  // splitmix64 finalizer for a second, decorrelated hash
  uint64_t h2 = h1 + 0x9e3779b97f4a7c15ULL;
  h2 = (h2 ^ (h2 >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h2 = (h2 ^ (h2 >> 27)) * 0x94d049bb133111ebULL;
  h2 ^= h2 >> 31;
  return {h1, h2 | 1};
}

constexpr int id_filter_hashes = 7; // about 1.2% false positives at 10 bits per id

// The key's block (h1 picks it) and its k bits inside (h2 + i * h3 over 512 bits).
template <class F>
void for_each_bit(std::string_view key, size_t mask, F f) {
  auto [h1, h2] = hash_pair(key);
  constexpr size_t block_bits = 512;
  size_t block = static_cast<size_t>(h1) & mask & ~(block_bits - 1);
  auto h3 = (h2 >> 32) | 1;
  for (int i = 0; i < id_filter_hashes; ++i) {
    auto bit = block + ((h2 + static_cast<uint64_t>(i) * h3) & (block_bits - 1));
    if (!f(bit / 64, uint64_t{1} << (bit % 64))) return;
  }
}

} // namespace

void id_key_into(std::string& out, id_kind kind, std::string_view source,
                 std::string_view id) {
  out.clear();
  out += static_cast<char>(kind);
  out += source;
  out += '\x1f';
  out += id;
}

std::string id_key(id_kind kind, std::string_view source, std::string_view id) {
  std::string k;
  k.reserve(source.size() + id.size() + 2);
  id_key_into(k, kind, source, id);
  return k;
}

id_filter::id_filter(size_t bytes) {
  size_t bits = std::bit_floor(std::max<size_t>(bytes, 64)) * 8;
  mask_ = bits - 1;
  // One spare cache line, so that the blocks can start on a cache line boundary.
  storage_ = std::make_unique<std::atomic<uint64_t>[]>(bits / 64 + 8);
  auto at = reinterpret_cast<std::uintptr_t>(storage_.get());
  words_ = storage_.get() + ((64 - at % 64) % 64) / sizeof(uint64_t);
}

void id_filter::add(std::string_view key) {
  for_each_bit(key, mask_, [this](size_t word, uint64_t bit) {
    words_[word].fetch_or(bit, std::memory_order_relaxed);
    return true;
  });
}

bool id_filter::may_contain(std::string_view key) const {
  bool all = true;
  for_each_bit(key, mask_, [this, &all](size_t word, uint64_t bit) {
    all = (words_[word].load(std::memory_order_relaxed) & bit) != 0;
    return all;
  });
  return all;
}

} // namespace agg
