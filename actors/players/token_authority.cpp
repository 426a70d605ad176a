#include "actors/players/token_authority.hpp"

#include "common/crypto.hpp"

#include <openssl/evp.h>

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace agg {

namespace {

constexpr std::string_view prefix = "v1.";
constexpr size_t token_len_max = 512;

std::string b64url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(in.data()),
                           static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (auto& c : out)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

bool b64url_decode(std::string_view in, std::string& out) {
  std::string s{in};
  for (auto& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return false;
  }
  size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return false;
  s.append(pad, '=');
  out.assign(3 * s.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

bool to_int(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

} // namespace

const char* to_string(token_check c) {
  switch (c) {
    case token_check::ok:
      return "ok";
    case token_check::malformed:
      return "token_invalid";
    case token_check::bad_signature:
      return "token_invalid";
    case token_check::expired:
      return "token_expired";
    case token_check::revoked:
      return "token_revoked";
  }
  return "token_invalid";
}

token_authority::token_authority(std::string key, int64_t ttl_us)
    : key_(std::move(key)), ttl_us_(ttl_us) {
  if (key_.size() < 32)
    throw std::invalid_argument("token signing key must have at least 32 bytes");
}

std::string token_authority::mac(std::string_view data) const {
  return std::string{bytes_of(hmac_sha256(key_, data))};
}

std::string token_authority::issue(const token_claims& c) const {
  auto payload = std::to_string(c.player_id) + "|" + c.session_id + "|" +
                 std::to_string(c.issued_us) + "|" + std::to_string(c.expires_us);
  std::string signed_part{prefix};
  signed_part += b64url(payload);
  return signed_part + "." + b64url(mac(signed_part));
}

std::optional<int64_t> token_authority::peek_player(std::string_view token) {
  if (token.size() > token_len_max || token.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  auto dot = token.rfind('.');
  if (dot == std::string_view::npos || dot <= prefix.size()) return std::nullopt;
  std::string payload;
  if (!b64url_decode(token.substr(prefix.size(), dot - prefix.size()), payload))
    return std::nullopt;
  int64_t player = 0;
  if (!to_int(std::string_view{payload}.substr(0, payload.find('|')), player))
    return std::nullopt;
  return player;
}

token_check token_authority::verify(std::string_view token, int64_t now_us,
                                    token_claims& out) const {
  if (token.size() > token_len_max || token.substr(0, prefix.size()) != prefix)
    return token_check::malformed;
  auto dot = token.rfind('.');
  if (dot <= prefix.size()) return token_check::malformed;
  std::string given;
  if (!b64url_decode(token.substr(dot + 1), given)) return token_check::malformed;
  auto expected = mac(token.substr(0, dot));
  if (!same_secret(given, expected)) return token_check::bad_signature;
  std::string payload;
  if (!b64url_decode(token.substr(prefix.size(), dot - prefix.size()), payload))
    return token_check::malformed;
  std::vector<std::string_view> parts;
  std::string_view rest{payload};
  for (size_t p; (p = rest.find('|')) != std::string_view::npos;
       rest.remove_prefix(p + 1))
    parts.push_back(rest.substr(0, p));
  parts.push_back(rest);
  token_claims c;
  if (parts.size() != 4 || !to_int(parts[0], c.player_id) ||
      !to_int(parts[2], c.issued_us) || !to_int(parts[3], c.expires_us))
    return token_check::malformed;
  c.session_id = parts[1];
  auto state = still_valid(c, now_us);
  if (state == token_check::ok) out = std::move(c);
  return state;
}

token_check token_authority::still_valid(const token_claims& c, int64_t now_us) const {
  if (now_us >= c.expires_us) return token_check::expired;
  std::shared_lock<std::shared_mutex> guard{mtx_};
  if (revoked_sessions_.count(c.session_id) != 0) return token_check::revoked;
  if (auto i = player_cutoffs_.find(c.player_id);
      i != player_cutoffs_.end() && c.issued_us < i->second)
    return token_check::revoked;
  return token_check::ok;
}

void token_authority::revoke_session(const std::string& session_id, int64_t expires_us) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  revoked_sessions_[session_id] = expires_us;
  // Expired entries are void anyway; drop them now and then to bound the list.
  if (revoked_sessions_.size() % 1024 == 0) {
    int64_t oldest_useful = expires_us - ttl_us_;
    std::erase_if(revoked_sessions_, [&](auto& kv) { return kv.second < oldest_useful; });
  }
}

void token_authority::revoke_player(int64_t player_id, int64_t before_us) {
  std::unique_lock<std::shared_mutex> guard{mtx_};
  auto& cutoff = player_cutoffs_[player_id];
  cutoff = std::max(cutoff, before_us);
}

std::string token_authority::new_session_id() {
  return to_hex(random_bytes(16));
}

std::string load_or_create_token_key(const std::string& path) {
  std::ifstream in{path};
  if (in) {
    std::string text;
    in >> text;
    std::string key;
    if (!from_hex(text, key)) throw std::runtime_error(path + ": not a hex key");
    if (key.size() < 32)
      throw std::runtime_error(path + ": the key must be at least 64 hex characters");
    return key;
  }
  auto key = random_bytes(32);
  auto old_mask = umask(077);
  std::ofstream out{path};
  umask(old_mask);
  out << to_hex(key) << "\n";
  if (!out) throw std::runtime_error(path + ": cannot write a new token key");
  return key;
}

} // namespace agg
