#pragma once

// The random numbers of the built-in studio. A game draws uniform integers from a
// random_source; in play the source is provably fair:
//
//   bytes(cursor) = HMAC-SHA256(key = server_seed, message =
//   "<client_seed>:<nonce>:<cursor>")
//
// with the server seed as its 32 raw bytes and cursor = 0, 1, 2, ... Each 32-byte block
// gives eight 32-bit numbers (big-endian, in order); the next block is used when one is
// exhausted. uniform(n) draws numbers r until r >= 2^32 mod n and returns r mod n, so
// every result is exactly equally likely (no modulo bias).

#include <array>
#include <cstdint>
#include <string>

namespace agg::vendors::builtin {

class random_source {
public:
  virtual ~random_source() = default;
  virtual uint32_t next_u32() = 0;

  // Uniform in [0, n), n > 0, without modulo bias.
  uint32_t uniform(uint32_t n) {
    uint32_t threshold = static_cast<uint32_t>(-n) % n; // 2^32 mod n
    for (;;) {
      auto r = next_u32();
      if (r >= threshold) return r % n;
    }
  }
};

class hmac_source : public random_source {
public:
  // `server_seed` is raw bytes.
  hmac_source(std::string server_seed, std::string client_seed, int64_t nonce);
  uint32_t next_u32() override;

private:
  void refill();

  std::string key_;
  std::string prefix_; // "<client_seed>:<nonce>:"
  int64_t cursor_ = 0;
  std::array<uint8_t, 32> block_{};
  size_t used_ = 32;
};

// A fast generator for simulations (xoshiro256**); never used in play.
class simulation_source : public random_source {
public:
  explicit simulation_source(uint64_t seed);
  uint32_t next_u32() override;

private:
  uint64_t s_[4];
};

} // namespace agg::vendors::builtin
