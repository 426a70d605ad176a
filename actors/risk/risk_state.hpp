#pragma once

// The risk service's state, shared by its files (risk_service.cpp: the feed, the gate
// and the protocol; cases.cpp: scores, cases and locks).

#include "actors/events/feed_subscription.hpp"
#include "actors/risk/risk_service.hpp"
#include "persistence/event_log.hpp"
#include "persistence/grant_store.hpp"
#include "persistence/risk_store.hpp"

#include <caf/all.hpp>

#include <deque>
#include <map>
#include <unordered_map>

namespace agg {

// What the service knows of a player beyond the features.
struct risk_profile {
  risk::risk_score last;     // the last score
  int64_t open_case = 0;     // its open case, 0 when none
  bool locked = false;       // locked by the engine (until a case of it is cleared)
  double cleared_score = -1; // the highest score an operator cleared
  int64_t cleared_group = 0; // the group size then
  std::deque<std::string> withdrawals; // the newest withdrawal payment ids taken
};

struct pending_gate {
  int64_t player = 0;
  std::string payment_id;
  int64_t asked_us = 0;
  caf::typed_response_promise<gate_decision> rp;
};

struct risk_state {
  risk_options opts;
  risk::risk_model model;
  std::unique_ptr<risk::engine> engine;
  db::connection conn;
  std::unique_ptr<event_log> log;
  std::unique_ptr<risk_store> store;
  std::unique_ptr<feed_subscription> feed;
  std::unordered_map<int64_t, risk_profile> profiles;
  int64_t done = 0;        // every event up to this gseq is taken
  bool catching_up = true; // reading the log before taking the feed's batches
  std::deque<event_batch> queued;
  std::vector<pending_gate> gates;
  std::unique_ptr<risk::credential_watch> stuffing;
  std::unique_ptr<grant_store> grants;
  // Grants' stake weights as bets name them (read once a grant).
  std::unordered_map<std::string, std::optional<bonus_grant>> grant_terms;
  static inline const char* name = "risk";
};

using risk_ptr = caf::stateful_actor<risk_state>*;

// Scores the player and acts: a case above review, a lock above lock (cases.cpp).
void evaluate(risk_ptr self, int64_t player, int64_t now_us);
// An operator's resolution of a case; the JSON of the case.
caf::expected<std::string> resolve_case(risk_ptr self, int64_t case_id,
                                        const std::string& body);
// Restores open cases, locks and clearances from the store.
void load_cases(risk_ptr self);
// A failed login from an address or a device: a case once it is credential stuffing.
void failed_login(risk_ptr self, const activity_record& a);
// The address rules: read, set, removed (the rule's JSON answers).
caf::expected<std::string> address_rule_op(risk_ptr self, const std::string& op,
                                           const std::string& body);
// Sets the edge's rules from the stored ones.
void publish_rules(risk_ptr self);
// Sets the account's lock through the account service and the wallet.
void set_lock(risk_ptr self, int64_t player, bool locked, const std::string& by);

} // namespace agg
