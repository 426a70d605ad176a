#include "vendors/remote/rgs_protocol.hpp"

#include "common/clock.hpp"
#include "common/crypto.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agg::vendors::rgs {

using json = nlohmann::json;

namespace {

// An integer field: a number with a fraction or out of range is refused, not cut.
int64_t integer(const json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number_integer())
    throw std::invalid_argument(std::string{key} + ": not an integer");
  return v.get<int64_t>();
}

} // namespace

std::string hmac_hex(const std::string& secret, const std::string& message) {
  return to_hex(hmac_sha256(secret, message));
}

std::string request_signature(const std::string& secret, int64_t timestamp_ms,
                              const std::string& path, const std::string& body) {
  return hmac_hex(secret, std::to_string(timestamp_ms) + "\n" + path + "\n" + body);
}

std::string response_signature(const std::string& secret, int64_t timestamp_ms,
                               const std::string& request_sig, const std::string& body) {
  return hmac_hex(secret,
                  std::to_string(timestamp_ms) + "\n" + request_sig + "\n" + body);
}

bool same_signature(const std::string& a, const std::string& b) {
  return same_secret(a, b);
}

std::string read_secret(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw std::runtime_error("cannot read the RGS secret file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto s = buf.str();
  auto first = s.find_first_not_of(" \t\r\n");
  auto last = s.find_last_not_of(" \t\r\n");
  s = first == std::string::npos ? std::string{} : s.substr(first, last - first + 1);
  if (s.size() < 16)
    throw std::runtime_error("the RGS secret in " + path + " is shorter than 16 bytes");
  return s;
}

std::optional<int64_t> parse_timestamp(const std::string& text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

replay_guard::verdict replay_guard::admit(int64_t ts, const std::string& sig,
                                          int64_t now) {
  auto window = window_.count();
  if (ts < now - window || ts > now + window) return verdict::stale;
  std::lock_guard<std::mutex> guard{mtx_};
  if (now - last_purge_ > window) {
    for (auto i = seen_.begin(); i != seen_.end();)
      i = i->second < now - window ? seen_.erase(i) : std::next(i);
    last_purge_ = now;
  }
  if (!seen_.emplace(sig, ts).second) return verdict::replayed;
  return verdict::fresh;
}

json to_json(const game_info& g) {
  return json{{"game_id", g.game_id},       {"name", g.name},
              {"category", g.category},     {"rtp_ppm", g.rtp_ppm},
              {"stake_min", g.stake_min},   {"stake_max", g.stake_max},
              {"stake_step", g.stake_step}, {"currencies", g.currencies}};
}

game_info game_from_json(const json& j) {
  game_info g;
  g.game_id = j.at("game_id").get<std::string>();
  g.name = j.at("name").get<std::string>();
  g.category = j.at("category").get<std::string>();
  g.rtp_ppm = integer(j, "rtp_ppm");
  g.stake_min = integer(j, "stake_min");
  g.stake_max = integer(j, "stake_max");
  g.stake_step = integer(j, "stake_step");
  g.currencies = j.value("currencies", std::vector<std::string>{});
  return g;
}

json to_json(const round_outcome& o) {
  json j{{"win", o.win}, {"detail", o.detail_json}};
  if (o.proof)
    j["proof"] = {{"server_seed_hash", o.proof->server_seed_hash},
                  {"client_seed", o.proof->client_seed},
                  {"nonce", o.proof->nonce}};
  return j;
}

round_outcome outcome_from_json(const json& j) {
  round_outcome o;
  o.win = integer(j, "win");
  if (o.win < 0) throw std::invalid_argument("negative win");
  o.detail_json = j.at("detail").get<std::string>();
  if (auto p = j.find("proof"); p != j.end() && p->is_object())
    o.proof =
        fairness_proof{p->at("server_seed_hash").get<std::string>(),
                       p->at("client_seed").get<std::string>(), integer(*p, "nonce")};
  return o;
}

json to_json(const round_context& c) {
  return json{{"round_id", c.round_id}, {"player_id", c.player_id},
              {"game_id", c.game_id},   {"currency", c.currency},
              {"stake", c.stake},       {"params", c.params_json}};
}

round_context context_from_json(const json& j) {
  round_context c;
  c.round_id = j.at("round_id").get<std::string>();
  c.player_id = integer(j, "player_id");
  c.game_id = j.at("game_id").get<std::string>();
  c.currency = j.at("currency").get<std::string>();
  c.stake = integer(j, "stake");
  c.params_json = j.value("params", std::string{});
  if (c.round_id.empty() || c.stake <= 0 || c.player_id <= 0)
    throw std::invalid_argument("round_id, player_id and stake are required");
  return c;
}

json error_json(const std::string& code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}};
}

} // namespace agg::vendors::rgs
