#include "actors/play/round_book.hpp"

#include "common/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace agg {

namespace {

using json = nlohmann::json;

// An adapter's outcome as JSON; text that is not JSON is kept as a string.
json outcome_json(const std::string& detail) {
  auto j = parse_json(detail).doc;
  return j.is_discarded() ? json(detail) : j;
}

} // namespace

round_book::round_book(std::string vendor, std::string prefix, limits l)
    : vendor_(std::move(vendor)), prefix_(std::move(prefix)), limits_(l) {
  assert(limits_.concurrency_max > 0 && limits_.settle_attempts_max > 0);
}

std::optional<std::string> round_book::open(play_request req,
                                            std::chrono::steady_clock::time_point now) {
  if (rounds_.size() >= limits_.concurrency_max) return std::nullopt;
  auto id = prefix_ + std::to_string(++counter_);
  round_entry r;
  r.req = std::move(req);
  r.round_id = id;
  r.started = now;
  rounds_.emplace(id, std::move(r));
  return id;
}

round_entry* round_book::find(const std::string& id) {
  auto i = rounds_.find(id);
  return i == rounds_.end() ? nullptr : &i->second;
}

const round_entry& round_book::at(const std::string& id) const {
  auto i = rounds_.find(id);
  if (i == rounds_.end()) throw std::logic_error("no round " + id + " in flight");
  return i->second;
}

wallet_request round_book::step(const std::string& round_id, int64_t player,
                                const std::string& currency, wallet_op op,
                                const char* suffix) const {
  wallet_request w;
  w.player_id = player;
  w.op = static_cast<uint8_t>(op);
  w.source = vendor_;
  w.tx_id = round_id + suffix;
  w.round_id = round_id;
  w.currency = currency;
  if (op != wallet_op::debit) w.ref_tx_id = bet_tx(round_id);
  return w;
}

wallet_request round_book::bet(const std::string& id) const {
  const auto& r = at(id);
  auto w = step(id, r.req.player_id, r.req.currency, wallet_op::debit, ":bet");
  w.amount = r.req.stake;
  w.game_id = r.req.game_id;
  w.grant_id = r.req.free_round; // a free round: the wallet takes nothing
  return w;
}

wallet_request round_book::win(const std::string& id) const {
  const auto& r = at(id);
  assert(r.paying);
  auto w = step(id, r.req.player_id, r.req.currency, wallet_op::credit, ":win");
  w.amount = r.outcome.win;
  w.close_round = true;
  w.round_detail = stored_detail(r.req.game_id, r.req.stake, r.outcome);
  return w;
}

wallet_request round_book::refund(const std::string& id) const {
  const auto& r = at(id);
  return step(id, r.req.player_id, r.req.currency, wallet_op::rollback, ":rollback");
}

void round_book::outcome_known(const std::string& id, outcome_reply o) {
  auto& r = rounds_.at(id);
  r.outcome = std::move(o);
  r.paying = true;
}

void round_book::outcome_unknown(const std::string& id) {
  rounds_.at(id).paying = false;
}

std::optional<std::chrono::milliseconds>
round_book::retry_after_failure(const std::string& id, bool retryable) {
  auto& r = rounds_.at(id);
  if (!retryable || ++r.attempts >= limits_.settle_attempts_max) return std::nullopt;
  auto delay = limits_.retry_base;
  for (int i = 0; i < r.attempts && delay < limits_.retry_max; ++i)
    delay *= 2;
  return std::min(delay, limits_.retry_max);
}

round_result round_book::result(const std::string& id, const wallet_receipt& win) const {
  const auto& r = at(id);
  return round_result{vendor_,
                      id,
                      r.req.game_id,
                      r.req.player_id,
                      r.req.currency,
                      r.req.stake,
                      r.outcome.win,
                      win.balance,
                      r.outcome.detail_json,
                      r.outcome.server_seed_hash,
                      r.outcome.client_seed,
                      r.outcome.nonce,
                      win.created_us,
                      r.req.origin};
}

bool round_book::begin_settling(const std::string& round_id) {
  return rounds_.count(round_id) == 0 && settling_.insert(round_id).second;
}

wallet_request round_book::stale_win(const round_record& r,
                                     const outcome_reply& o) const {
  auto w = step(r.round_id, r.player_id, r.currency, wallet_op::credit, ":win");
  w.amount = o.win;
  w.close_round = true;
  w.round_detail = stored_detail(r.game_id, r.bet_total, o);
  return w;
}

wallet_request round_book::stale_refund(const round_record& r) const {
  return step(r.round_id, r.player_id, r.currency, wallet_op::rollback, ":rollback");
}

std::string round_book::stored_detail(const std::string& game_id, int64_t stake,
                                      const outcome_reply& o) {
  json d{{"game", game_id},
         {"stake", stake},
         {"win", o.win},
         {"outcome", outcome_json(o.detail_json)}};
  if (o.provably_fair)
    d["fairness"] = {{"server_seed_hash", o.server_seed_hash},
                     {"client_seed", o.client_seed},
                     {"nonce", o.nonce}};
  return d.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace agg
