#include "actors/id_filter.hpp"

#include <bit>
#include <functional>

namespace agg {

namespace {

// Two independent 64-bit hashes of the key; the k probes are h1 + i * h2.
std::pair<uint64_t, uint64_t> hash_pair(std::string_view key) {
  uint64_t h1 = std::hash<std::string_view>{}(key);
  // splitmix64 finalizer for a second, decorrelated hash
  uint64_t h2 = h1 + 0x9e3779b97f4a7c15ULL;
  h2 = (h2 ^ (h2 >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h2 = (h2 ^ (h2 >> 27)) * 0x94d049bb133111ebULL;
  h2 ^= h2 >> 31;
  return {h1, h2 | 1};
}

} // namespace

std::string id_key(id_kind kind, std::string_view source, std::string_view id) {
  std::string k;
  k.reserve(source.size() + id.size() + 2);
  k += static_cast<char>(kind);
  k += source;
  k += '\x1f';
  k += id;
  return k;
}

id_filter::id_filter(size_t bytes) {
  size_t bits = std::bit_floor(std::max<size_t>(bytes, 64)) * 8;
  mask_ = bits - 1;
  words_ = std::make_unique<std::atomic<uint64_t>[]>(bits / 64);
}

void id_filter::add(std::string_view key) {
  auto [h1, h2] = hash_pair(key);
  for (int i = 0; i < hashes; ++i) {
    auto bit = (h1 + static_cast<uint64_t>(i) * h2) & mask_;
    words_[bit / 64].fetch_or(uint64_t{1} << (bit % 64), std::memory_order_relaxed);
  }
}

bool id_filter::may_contain(std::string_view key) const {
  auto [h1, h2] = hash_pair(key);
  for (int i = 0; i < hashes; ++i) {
    auto bit = (h1 + static_cast<uint64_t>(i) * h2) & mask_;
    if ((words_[bit / 64].load(std::memory_order_relaxed) &
         (uint64_t{1} << (bit % 64))) == 0)
      return false;
  }
  return true;
}

} // namespace agg
