#pragma once

// Builders for wallet requests, so tests read as the rule they check.

#include "actors/core/messages.hpp"

namespace agg::test {

// "prefix" followed by n, e.g. id("d", 7) == "d7".
inline std::string id(std::string prefix, int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

inline wallet_request make_req(wallet_op op, int64_t player, std::string tx,
                               int64_t amount = 0, std::string round = {},
                               std::string ref = {}, std::string currency = "EUR",
                               std::string source = "studio") {
  wallet_request r;
  r.player_id = player;
  r.op = static_cast<uint8_t>(op);
  r.source = std::move(source);
  r.tx_id = std::move(tx);
  r.ref_tx_id = std::move(ref);
  r.round_id = std::move(round);
  r.currency = std::move(currency);
  r.amount = amount;
  return r;
}

inline wallet_request deposit(int64_t player, std::string tx, int64_t amount,
                              std::string currency = "EUR") {
  return make_req(wallet_op::deposit, player, std::move(tx), amount, {}, {},
                  std::move(currency), "operator");
}

inline wallet_request withdraw(int64_t player, std::string tx, int64_t amount,
                               std::string currency = "EUR") {
  return make_req(wallet_op::withdraw, player, std::move(tx), amount, {}, {},
                  std::move(currency), "operator");
}

inline wallet_request bet(int64_t player, std::string tx, int64_t amount,
                          std::string round = {}) {
  return make_req(wallet_op::debit, player, std::move(tx), amount, std::move(round));
}

inline wallet_request win(int64_t player, std::string tx, int64_t amount,
                          std::string round = {}, std::string ref = {}) {
  return make_req(wallet_op::credit, player, std::move(tx), amount, std::move(round),
                  std::move(ref));
}

inline wallet_request rollback(int64_t player, std::string tx, std::string ref,
                               std::string round = {}) {
  auto r = make_req(wallet_op::rollback, player, std::move(tx), 0, std::move(round),
                    std::move(ref));
  r.currency.clear();
  return r;
}

// A bonus grant of `amount` with the given terms (grant_id, wagering, weights...);
// the request's own fields are filled from them.
inline wallet_request grant(int64_t player, bonus_grant terms) {
  terms.player_id = player;
  if (terms.currency.empty()) terms.currency = "EUR";
  auto r = make_req(wallet_op::grant_bonus, player, terms.grant_id, terms.amount, {}, {},
                    terms.currency, "bonus");
  r.grant.push_back(std::move(terms));
  return r;
}

inline bonus_grant terms(std::string id, int64_t amount, int64_t wagering = 0) {
  bonus_grant g;
  g.grant_id = std::move(id);
  g.campaign_id = "camp";
  g.amount = amount;
  g.wagering_required = wagering;
  return g;
}

// Ends a grant: forfeit_bonus or expire_bonus.
inline wallet_request end_grant(int64_t player, const std::string& grant_id,
                                wallet_op op = wallet_op::forfeit_bonus) {
  auto r = make_req(op, player, grant_id + ":end", 0, {}, {}, "EUR", "bonus");
  r.grant_id = grant_id;
  return r;
}

inline wallet_request balance(int64_t player, std::string currency = "EUR") {
  auto r = make_req(wallet_op::balance, player, {}, 0, {}, {}, std::move(currency));
  r.source.clear();
  return r;
}

} // namespace agg::test
