#include "persistence/chain_hash.hpp"

#include <openssl/evp.h>

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
