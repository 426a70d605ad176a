#include "vendors/builtin/fair_random.hpp"

#include "common/crypto.hpp"

#include <stdexcept>

namespace agg::vendors::builtin {

hmac_source::hmac_source(std::string server_seed, std::string client_seed, int64_t nonce)
    : key_(std::move(server_seed)),
      prefix_(client_seed + ":" + std::to_string(nonce) + ":") {}

void hmac_source::refill() {
  auto msg = prefix_ + std::to_string(cursor_++);
  block_ = hmac_sha256(key_, msg);
  used_ = 0;
}

uint32_t hmac_source::next_u32() {
  if (used_ + 4 > block_.size()) refill();
  uint32_t r = (uint32_t{block_[used_]} << 24) | (uint32_t{block_[used_ + 1]} << 16) |
               (uint32_t{block_[used_ + 2]} << 8) | uint32_t{block_[used_ + 3]};
  used_ += 4;
  return r;
}

namespace {

uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

simulation_source::simulation_source(uint64_t seed) {
  for (auto& s : s_)
    s = splitmix(seed);
}

uint32_t simulation_source::next_u32() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return static_cast<uint32_t>(result >> 32);
}

} // namespace agg::vendors::builtin
