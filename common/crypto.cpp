#include "common/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace agg {

// OpenSSL 3 looks an algorithm up (a fetch, with locks) whenever it is named by
// EVP_sha256(), and EVP_Digest allocates a context per call: here the algorithm is
// fetched once, and each thread keeps one context for all its hashes.
hash256 sha256(std::initializer_list<std::string_view> parts) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{
      EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  hash256 out{};
  unsigned int len = 0;
  bool ok =
      md != nullptr && ctx != nullptr && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1;
  for (auto part : parts)
    ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  if (!ok || len != out.size()) throw std::runtime_error("SHA-256 failed");
  return out;
}

hash256 sha256(std::string_view data) {
  return sha256({data});
}

// As for SHA-256 above: HMAC() names its digest through EVP_sha256() and so looks both
// algorithms up at each call (2.3 us a MAC here, 1.1 us this way).
hash256 hmac_sha256(std::string_view key, std::string_view data) {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx{
      mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr, &EVP_MAC_CTX_free};
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  // A null key would keep the context's previous one: an empty key is given as a
  // pointer to no bytes instead.
  static const unsigned char no_key = 0;
  const auto* k =
      key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
  hash256 out{};
  size_t len = 0;
  bool ok = ctx != nullptr && EVP_MAC_init(ctx.get(), k, key.size(), params) == 1 &&
            EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1 &&
            EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1;
  if (!ok || len != out.size()) throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::string to_hex(const hash256& h) {
  return to_hex(bytes_of(h));
}

bool from_hex(std::string_view hex, std::string& bytes) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bytes.clear();
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string sha256_hex(std::string_view bytes) {
  return to_hex(sha256(bytes));
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

} // namespace agg
