#pragma once

// Bonus campaigns, the players' claims of their codes, the cashback periods paid, and
// the figures of what each campaign gave (docs/bonus.md). No CAF.

#include "persistence/campaign.hpp"
#include "persistence/ledger_types.hpp"
#include "persistence/sqlite.hpp"

#include <optional>
#include <vector>

namespace agg {

// One player's net cash loss in a currency over a period (cashback).
struct net_loss {
  int64_t player_id = 0;
  std::string currency;
  int64_t amount = 0; // positive: lost
};

class campaign_store {
public:
  explicit campaign_store(db::connection& conn);

  // False when the code is taken by another campaign (nothing written).
  bool insert(const campaign& c);
  // Replaces every field but the id and created_us; false when the code is taken.
  bool update(const campaign& c);
  std::optional<campaign> by_id(const std::string& campaign_id);
  std::optional<campaign> by_code(const std::string& code);
  // Every campaign, the newest first, at most `limit`.
  std::vector<campaign> list(int64_t limit);
  // Active campaigns of a kind, oldest first.
  std::vector<campaign> active_of_kind(campaign_kind kind);

  // Figures of one campaign (from its grants).
  campaign_figures figures(const std::string& campaign_id);

  // How many grants the player holds from the campaign, ended ones included.
  int64_t grants_of(const std::string& campaign_id, int64_t player_id);

  // A player's claim of a campaign's code; false when already claimed.
  bool claim(const std::string& campaign_id, int64_t player_id, int64_t now_us);
  bool claimed(const std::string& campaign_id, int64_t player_id);
  // The players who claimed the campaign's code.
  std::vector<int64_t> claimants(const std::string& campaign_id);

  // The deposits a player made before the ledger entry `seq` (in every currency).
  int64_t deposits_before(int64_t player_id, int64_t seq);

  // Net cash loss of each player who lost in [from_us, to_us), from the ledger's bets,
  // wins and rollbacks of vendors (bonus money and operator entries not counted).
  std::vector<net_loss> losses(int64_t from_us, int64_t to_us);
  // True when the cashback period was marked paid.
  bool period_paid(const std::string& campaign_id, int64_t period);
  void mark_period_paid(const std::string& campaign_id, int64_t period, int64_t now_us);

  // Free-rounds grants given to their studio (or needing nothing from it).
  void mark_awarded(const std::string& grant_id, int64_t now_us);
  bool awarded(const std::string& grant_id);
  // Active free-rounds grants made at or before `before_us` whose studio was not told.
  std::vector<bonus_grant> unawarded(int64_t before_us, int64_t limit);

private:
  db::connection& conn_;
};

} // namespace agg
