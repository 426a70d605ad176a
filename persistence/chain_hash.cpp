#include "persistence/chain_hash.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <initializer_list>
#include <memory>
#include <stdexcept>

namespace agg {

namespace {

void put_u64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

} // namespace

const char* to_string(entry_kind k) {
  switch (k) {
    case entry_kind::deposit:
      return "deposit";
    case entry_kind::withdrawal:
      return "withdrawal";
    case entry_kind::bet:
      return "bet";
    case entry_kind::win:
      return "win";
    case entry_kind::rollback:
      return "rollback";
  }
  return "unknown";
}

bool entry_kind_from_int(int64_t code, entry_kind& out) {
  if (code < 1 || code > 5) return false;
  out = static_cast<entry_kind>(code);
  return true;
}

std::string canonical_encoding(const ledger_entry& e) {
  std::string out;
  out.reserve(160);
  out.append("agg.ledger.v1");
  put_u64(out, static_cast<uint64_t>(e.player_id));
  put_u64(out, static_cast<uint64_t>(e.seq));
  put_u64(out, e.kind);
  put_str(out, e.source);
  put_str(out, e.tx_id);
  put_str(out, e.ref_tx_id);
  put_str(out, e.round_id);
  put_str(out, e.currency);
  put_u64(out, static_cast<uint64_t>(e.amount));
  put_u64(out, static_cast<uint64_t>(e.balance_after));
  put_u64(out, static_cast<uint64_t>(e.created_us));
  return out;
}

namespace {

// SHA-256 over the concatenation of `parts`. OpenSSL 3 looks the algorithm up (a
// fetch, with locks) whenever it is named by EVP_sha256(), and EVP_Digest allocates a
// context per call: here the algorithm is fetched once, and each thread keeps one
// context for all its hashes.
hash256 sha256_of(std::initializer_list<std::string_view> parts) {
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

} // namespace

hash256 chain_hash(const hash256& prev, const ledger_entry& e) {
  auto body = canonical_encoding(e);
  return sha256_of(
      {std::string_view{reinterpret_cast<const char*>(prev.data()), prev.size()}, body});
}

hash256 sha256(std::string_view data) {
  return sha256_of({data});
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

std::string to_hex(const hash256& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : h) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

} // namespace agg
