#include "vendors/builtin/studio.hpp"

#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "vendors/builtin/dice_game.hpp"
#include "vendors/builtin/fair_random.hpp"
#include "vendors/builtin/slot_game.hpp"

#include <nlohmann/json.hpp>

namespace agg::vendors::builtin {

namespace {

using json = nlohmann::json;

constexpr const char* slot_id = "slot-5x3";
constexpr const char* dice_id = "dice";
constexpr size_t client_seed_len_max = 64;
constexpr int64_t dice_stake_min = 100;

int64_t setting(const adapter_env& env, const char* key, int64_t fallback) {
  auto i = env.settings.find(key);
  if (i == env.settings.end()) return fallback;
  try {
    return std::stoll(i->second);
  } catch (const std::exception&) {
    throw std::invalid_argument("vendors." + env.vendor_id + "." + key +
                                ": not a number");
  }
}

bool valid_client_seed(const std::string& s) {
  if (s.empty() || s.size() > client_seed_len_max) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

json parse_params(const std::string& params_json) {
  auto params = params_json.empty() ? json::object() : parse_json(params_json).doc;
  if (!params.is_object()) throw invalid_params("params must be a JSON object");
  return params;
}

// The dice player's chance (hundredths of a percent) and side.
std::pair<int64_t, bool> dice_choice(const json& params) {
  auto chance = params.find("chance");
  if (chance == params.end() || !chance->is_number_integer() ||
      chance->get<int64_t>() < dice_game::chance_min ||
      chance->get<int64_t>() > dice_game::chance_max)
    throw invalid_params("'chance' must be an integer from 100 (1%) to 9800 (98%)");
  bool over = false;
  if (auto o = params.find("over"); o != params.end()) {
    if (!o->is_boolean()) throw invalid_params("'over' must be true or false");
    over = o->get<bool>();
  }
  return {chance->get<int64_t>(), over};
}

json slot_detail(const slot_game::spin_result& r, int64_t line_bet) {
  auto grid = json::array();
  for (const auto& reel : r.grid) {
    auto col = json::array();
    for (int s : reel)
      col.push_back(slot_game::symbol_name(s));
    grid.push_back(std::move(col));
  }
  auto wins = json::array();
  for (const auto& w : r.wins)
    wins.push_back({{"line", w.line},
                    {"symbol", slot_game::symbol_name(w.symbol)},
                    {"count", w.count},
                    {"pay", w.pay * line_bet}});
  return json{{"game", slot_id},
              {"stops", r.stops},
              {"grid", std::move(grid)},
              {"line_bet", line_bet},
              {"wins", std::move(wins)}};
}

} // namespace

studio::studio(const adapter_env& env)
    : vendor_(env.vendor_id), repo_(env.seeds),
      slot_stake_max_(setting(env, "slot_stake_max", 100'000)),
      dice_stake_max_(setting(env, "dice_stake_max", 100'000)),
      cached_players_max_(
          static_cast<size_t>(setting(env, "cached_players_max", 100'000))) {
  if (slot_stake_max_ < slot_game::lines || dice_stake_max_ < dice_stake_min ||
      slot_stake_max_ > 1'000'000'000'000 || dice_stake_max_ > 1'000'000'000'000)
    throw std::invalid_argument("vendors." + vendor_ + ": stake limits out of range");
}

std::vector<game_info> studio::games() const {
  return {
      {slot_id,
       "Five Sevens",
       "slots",
       slot_game::rtp_ppm(),
       slot_game::lines,
       slot_stake_max_,
       slot_game::lines,
       {}},
      // From 100 minor units, rounding a payout down costs under 1% of the payout
      // per unit won; smaller stakes would make the advertised RTP untrue.
      {dice_id,
       "Dice",
       "dice",
       dice_game::rtp_ppm,
       dice_stake_min,
       dice_stake_max_,
       1,
       {}},
  };
}

studio::player_seeds studio::fresh(std::optional<std::string> client_seed) {
  player_seeds p;
  p.server_seed = random_bytes(32);
  p.server_seed_hash = sha256_hex(p.server_seed);
  p.client_seed = client_seed ? *client_seed : to_hex(random_bytes(8));
  return p;
}

studio::player_seeds& studio::load(shard& s, int64_t player) {
  if (auto i = s.players.find(player); i != s.players.end()) return i->second;
  if (s.players.size() * shards_.size() >= cached_players_max_)
    s.players.clear(); // every entry is stored up to its reserved nonce
  player_seeds p;
  std::optional<stored_seeds> stored =
      repo_ ? repo_->load(vendor_, player) : std::nullopt;
  if (stored && from_hex(stored->server_seed_hex, p.server_seed)) {
    p.server_seed_hash = sha256_hex(p.server_seed);
    p.client_seed = stored->client_seed;
    // Nonces below the reservation may have been used before a restart.
    p.next_nonce = std::max(stored->next_nonce, stored->nonce_reserved);
    p.reserved = p.next_nonce;
  } else {
    p = fresh(std::nullopt);
  }
  return s.players.emplace(player, std::move(p)).first->second;
}

void studio::store(int64_t player, const player_seeds& p) {
  if (repo_)
    repo_->save(vendor_, player,
                {to_hex(p.server_seed), p.client_seed, p.next_nonce, p.reserved});
}

round_outcome studio::play(const round_context& ctx) {
  std::string server_seed, client_seed, hash;
  int64_t nonce = 0;
  {
    auto& s = shard_of(ctx.player_id);
    std::lock_guard<std::mutex> guard{s.mtx};
    auto& p = load(s, ctx.player_id);
    nonce = p.next_nonce++;
    if (nonce >= p.reserved) {
      p.reserved = nonce + nonce_block;
      store(ctx.player_id, p); // durable before any outcome of this block is shown
    }
    server_seed = p.server_seed;
    client_seed = p.client_seed;
  }
  return outcome(ctx.game_id, ctx.params_json, ctx.stake, server_seed, client_seed,
                 nonce);
}

void studio::check(const round_context& ctx) const {
  auto params = parse_params(ctx.params_json);
  if (ctx.game_id == slot_id) {
    if (ctx.stake % slot_game::lines != 0)
      throw invalid_params("the stake must be a multiple of 10 (one unit per line)");
  } else if (ctx.game_id == dice_id) {
    dice_choice(params);
  } else {
    throw invalid_params("unknown game");
  }
}

round_outcome studio::outcome(const std::string& game_id, const std::string& params_json,
                              int64_t stake, const std::string& server_seed,
                              const std::string& client_seed, int64_t nonce) const {
  check({0, game_id, "", stake, params_json, ""});
  auto params = parse_params(params_json);
  hmac_source rng{server_seed, client_seed, nonce};
  round_outcome out;
  out.proof = fairness_proof{sha256_hex(server_seed), client_seed, nonce};
  if (game_id == slot_id) {
    auto line_bet = stake / slot_game::lines;
    auto r = slot_game{}.spin(rng);
    out.win = r.pay * line_bet;
    out.detail_json = slot_detail(r, line_bet).dump();
    return out;
  }
  if (game_id == dice_id) {
    auto [c, over] = dice_choice(params);
    auto r = dice_game::play(rng, stake, c, over);
    out.win = r.payout;
    out.detail_json = json{
        {"game", dice_id},
        {"roll", r.roll},
        {"chance", c},
        {"over", over},
        {"win", r.win}}.dump();
    return out;
  }
  throw invalid_params("unknown game");
}

std::optional<round_outcome> studio::play_now(const round_context& ctx) {
  std::string server_seed, client_seed;
  int64_t nonce = 0;
  {
    auto& s = shard_of(ctx.player_id);
    std::lock_guard<std::mutex> guard{s.mtx};
    auto i = s.players.find(ctx.player_id);
    if (i == s.players.end() || i->second.next_nonce >= i->second.reserved)
      return std::nullopt;
    auto& p = i->second;
    nonce = p.next_nonce++;
    server_seed = p.server_seed;
    client_seed = p.client_seed;
  }
  return outcome(ctx.game_id, ctx.params_json, ctx.stake, server_seed, client_seed,
                 nonce);
}

seed_state studio::seeds(int64_t player) {
  auto& s = shard_of(player);
  std::lock_guard<std::mutex> guard{s.mtx};
  auto& p = load(s, player);
  return {p.server_seed_hash, p.client_seed, p.next_nonce};
}

revealed_seed studio::rotate_seed(int64_t player,
                                  const std::optional<std::string>& client_seed) {
  if (client_seed && !valid_client_seed(*client_seed))
    throw invalid_params("a client seed is 1 to 64 printable characters without spaces");
  auto& s = shard_of(player);
  std::lock_guard<std::mutex> guard{s.mtx};
  auto& p = load(s, player);
  revealed_seed out;
  out.server_seed = to_hex(p.server_seed);
  out.server_seed_hash = p.server_seed_hash;
  out.client_seed = p.client_seed;
  out.last_nonce = p.next_nonce - 1;
  auto next = fresh(client_seed);
  if (repo_)
    repo_->rotate(
        vendor_, player, out,
        {to_hex(next.server_seed), next.client_seed, next.next_nonce, next.reserved});
  p = next;
  out.next = {p.server_seed_hash, p.client_seed, p.next_nonce};
  return out;
}

round_outcome studio::verify(const std::string& game_id, const std::string& params_json,
                             int64_t stake, const std::string& server_seed_hex,
                             const std::string& client_seed, int64_t nonce) {
  std::string seed;
  if (!from_hex(server_seed_hex, seed) || seed.size() != 32)
    throw invalid_params("the server seed is 64 hex characters");
  if (nonce < 0) throw invalid_params("the nonce is not negative");
  return outcome(game_id, params_json, stake, seed, client_seed, nonce);
}

namespace {

const bool registered = register_adapter(
    "builtin", [](const adapter_env& env) { return std::make_unique<studio>(env); });

} // namespace

} // namespace agg::vendors::builtin
