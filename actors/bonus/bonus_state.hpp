#pragma once

// The bonus service's state and the steps its parts share (bonus_service.cpp: grants
// and their ends; campaigns.cpp: campaigns and claims; campaign_triggers.cpp: grants
// that deposits, registrations and cashback periods set off).

#include "actors/bonus/bonus_service.hpp"
#include "actors/bonus/campaign_rules.hpp"
#include "actors/events/feed_subscription.hpp"
#include "persistence/account_store.hpp"
#include "persistence/campaign_store.hpp"
#include "persistence/grant_store.hpp"

#include <deque>
#include <memory>
#include <set>

namespace agg {

struct bonus_state {
  bonus_options opts;
  db::connection conn;
  std::unique_ptr<grant_store> grants;
  std::unique_ptr<account_store> accounts;
  std::unique_ptr<campaign_store> campaigns;
  std::unique_ptr<feed_subscription> feed;
  bool sweeping = false;
  std::set<std::string> paying;   // cashback campaigns with a period being paid
  bool triggering = false;        // a batch's grants are being given
  std::deque<event_batch> queued; // batches that came meanwhile, in order
  static inline const char* name = "bonus";
};

using bonus_ptr = caf::stateful_actor<bonus_state>*;

// Gives a grant through the player's wallet (durable first), then, for free rounds at
// a studio that runs its games, asks the studio to give them; a studio that refuses
// leaves the grant forfeited and the error is the answer.
caf::result<bonus_grant> give(bonus_ptr self, bonus_grant terms);
// Like give, for callers that go on with the outcome.
void give_then(bonus_ptr self, bonus_grant terms,
               std::function<void(caf::expected<bonus_grant>)> done);

// The facts eligibility needs; none when the player has no account.
std::optional<player_facts> facts_of(bonus_ptr self, int64_t player);

// Campaigns (campaigns.cpp).
caf::result<campaign> save_campaign(bonus_ptr self, campaign c);
caf::result<campaign> set_campaign_status(bonus_ptr self, const std::string& id,
                                          uint8_t status);
caf::result<campaign_list> list_campaigns(bonus_ptr self, const std::string& id);
caf::result<claim_result> claim(bonus_ptr self, int64_t player, const std::string& code);
// The campaigns a player may have without a code, running now.
std::vector<campaign> open_to(bonus_ptr self, const player_facts& p);

// Triggers (campaign_triggers.cpp): the feed's events, and cashback periods due.
void on_events(bonus_ptr self, event_batch& b);
// Gives what the oldest queued batch sets off, unless a batch is being given.
void trigger_next(bonus_ptr self);
// A failed batch's wait is over: tries it again.
void retry_trigger(bonus_ptr self);
void pay_cashback(bonus_ptr self);

} // namespace agg
