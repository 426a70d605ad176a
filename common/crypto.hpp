#pragma once

// The hashing every layer shares: SHA-256 and HMAC-SHA256 (OpenSSL 3, the algorithm
// fetched once and a context kept per thread), hex, constant-time comparison and
// random bytes. The ledger's hash chain, session tokens, the remote studio protocol's
// signatures and the provably fair byte stream all use these.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace agg {

using hash256 = std::array<uint8_t, 32>;

hash256 sha256(std::string_view data);
// SHA-256 over the concatenation of `parts`.
hash256 sha256(std::initializer_list<std::string_view> parts);

// HMAC-SHA256 of `data` under `key` (any length, empty too).
hash256 hmac_sha256(std::string_view key, std::string_view data);

std::string to_hex(const hash256& h);
std::string to_hex(std::string_view bytes);
// Returns false for anything that is not an even-length hex string.
bool from_hex(std::string_view hex, std::string& bytes);
std::string sha256_hex(std::string_view bytes);

// The bytes of a hash, as a string view into it.
inline std::string_view bytes_of(const hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// Equal contents, compared in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

// `n` bytes from the system's cryptographic generator; throws when it fails.
std::string random_bytes(size_t n);

} // namespace agg
