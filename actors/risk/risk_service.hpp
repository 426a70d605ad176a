#pragma once

// The risk service (docs/risk.md): a detached actor with a database connection of its
// own that reads every committed event (the event log up to now at its start, then
// the event feed), keeps each player's features and the account links (engine.hpp),
// scores players at decision points with the model (model.hpp), opens cases above
// `review_score`, locks accounts above `lock_score` (reason "risk": the account
// service and the wallet are told, so that bets and withdrawals are refused and money
// in is still taken) and opens cases for the accounts linked to one it locked.
//
// Protocol:
//   (gate_atom, payment_view) -> gate_decision: the cashier's withdrawal gate. Answers
//       once the engine has taken the withdrawal's reservation (and so every event of
//       the player before it): refused ("score") at or above lock_score, held
//       ("case", "linked_to_locked", "score") with an open case, a group holding an
//       account the engine locked, or a score at or above review_score; else allowed
//   (risk_atom, "cases", before, status) -> string: JSON, cases of a status ("" any),
//       newest first, ids below `before` (0: the newest)
//   (risk_atom, "case", id, "") -> string: one case; risk_errc case_not_found
//   (risk_atom, "player", id, "") -> string: score, kind, reasons, features, cases
//   (risk_atom, "links", id, "") -> string: the linked group and each link's reason
//   (risk_atom, "resolve", id, body) -> string: body {"outcome", "note", "by"};
//       risk_errc case_not_found, case_resolved, invalid_outcome
//   (risk_atom, "reload", 0, path) -> string: loads the model file again (path ""
//       the configured one); risk_errc model_refused keeps the old model
//   (risk_atom, "rules", 0, "") -> string: the address rules
//   (risk_atom, "rule", 0, body) -> string: body {"cidr", "action", "note", "by"} sets
//       one (recorded as activity address_rule_set); risk_errc invalid_rule
//   (risk_atom, "unrule", 0, body) -> string: body {"cidr", "by"} removes one;
//       risk_errc invalid_rule, rule_not_found
// Failed logins for many usernames from one address or device open a case about it
// (credential_watch.hpp).

#include "actors/core/address_rules.hpp"
#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "actors/players/account_service.hpp"
#include "actors/risk/credential_watch.hpp"
#include "actors/risk/engine.hpp"
#include "actors/risk/model.hpp"
#include "actors/wallet/wallet_registry.hpp"
#include "persistence/sqlite.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace agg {

struct risk_options {
  std::string db_path;
  db::tuning tuning;
  std::string model_path;
  double review_score = 0.5;
  double lock_score = 0.9;
  risk::engine_options engine;
  std::function<account_actor()> accounts;
  std::function<registry_actor()> wallets;
  risk::stuffing_options stuffing;
  // The edge's address rules, set from the stored ones at start and on each change.
  std::shared_ptr<address_rules> rules; // may be null
  std::shared_ptr<metrics> stats;       // may be null
};

caf::atom_value risk_name();
caf::actor spawn_risk_service(caf::actor_system& sys, risk_options opts,
                              risk::risk_model model);

} // namespace agg
