#pragma once

// The built-in provably fair studio (adapter kind "builtin"): the slot "Five Sevens"
// (slot-5x3) and "Dice" (dice). Every player has a server seed (secret; its SHA-256 is
// shown before play), a client seed they may set, and a nonce that rises by one per
// round. Rotating the seeds reveals the old server seed, after which anyone can
// recompute every round played with it (see fair_random.hpp and
// docs/vendor-integration.md).
//
// Nonces are reserved in blocks of nonce_block: a restart continues after the last
// reserved block, so a nonce is never used twice, at the price of a jump.

#include "vendors/adapter.hpp"

#include <array>
#include <mutex>
#include <unordered_map>

namespace agg::vendors::builtin {

class studio : public adapter {
public:
  static constexpr int64_t nonce_block = 1000;

  explicit studio(const adapter_env& env);

  std::vector<game_info> games() const override;
  void check(const round_context& ctx) const override;
  round_outcome play(const round_context& ctx) override;
  // Without touching the seed repository: nothing when the player's seeds are not in
  // memory or a new block of nonces must be reserved first.
  std::optional<round_outcome> play_now(const round_context& ctx) override;
  bool provably_fair() const override { return true; }
  seed_state seeds(int64_t player) override;
  revealed_seed rotate_seed(int64_t player,
                            const std::optional<std::string>& client_seed) override;
  round_outcome verify(const std::string& game_id, const std::string& params_json,
                       int64_t stake, const std::string& server_seed_hex,
                       const std::string& client_seed, int64_t nonce) override;

private:
  struct player_seeds {
    std::string server_seed;      // raw bytes
    std::string server_seed_hash; // hex
    std::string client_seed;
    int64_t next_nonce = 0;
    int64_t reserved = 0;
  };
  struct shard {
    std::mutex mtx;
    std::unordered_map<int64_t, player_seeds> players;
  };

  shard& shard_of(int64_t player) {
    return shards_[static_cast<size_t>(player) % shards_.size()];
  }
  // With the shard's lock held.
  player_seeds& load(shard& s, int64_t player);
  void store(int64_t player, const player_seeds& p);
  static player_seeds fresh(std::optional<std::string> client_seed);
  round_outcome outcome(const std::string& game_id, const std::string& params_json,
                        int64_t stake, const std::string& server_seed,
                        const std::string& client_seed, int64_t nonce) const;

  std::string vendor_;
  seed_repository* repo_;
  int64_t slot_stake_max_;
  int64_t dice_stake_max_;
  size_t cached_players_max_;
  std::array<shard, 16> shards_;
};

} // namespace agg::vendors::builtin
