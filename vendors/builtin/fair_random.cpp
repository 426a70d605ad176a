#include "vendors/builtin/fair_random.hpp"

#include "persistence/chain_hash.hpp"

#include <openssl/rand.h>

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

std::string to_hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

bool from_hex(const std::string& hex, std::string& bytes) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bytes.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string sha256_hex(const std::string& bytes) {
  return agg::to_hex(agg::sha256(bytes));
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

} // namespace agg::vendors::builtin
