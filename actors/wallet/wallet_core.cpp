#include "actors/wallet/wallet_core.hpp"

#include "common/currency.hpp"
#include "persistence/chain_hash.hpp"

#include <cassert>

namespace agg {

namespace {

constexpr size_t source_len_max = 64;
constexpr size_t id_len_max = 128;
// ISO 4217 "no currency": the currency of a rollback that names none, whose bet is
// unknown and whose player holds no balance yet (it moves nothing).
constexpr const char* no_currency = "XXX";

bool printable(const std::string& s, size_t len_max) {
  if (s.size() > len_max) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

} // namespace

bool wallet_core::valid_currency(const std::string& c) {
  return valid_currency_code(c);
}

namespace {

apply_outcome refuse(wallet_errc e) {
  apply_outcome out;
  out.error = e;
  return out;
}

} // namespace

const char* to_string(wallet_op op) {
  switch (op) {
    case wallet_op::balance:
      return "balance";
    case wallet_op::deposit:
      return "deposit";
    case wallet_op::withdraw:
      return "withdraw";
    case wallet_op::debit:
      return "debit";
    case wallet_op::credit:
      return "credit";
    case wallet_op::rollback:
      return "rollback";
  }
  return "unknown";
}

wallet_core::wallet_core(const wallet_snapshot& s, size_t cache_entries_max,
                         id_filter* ids)
    : player_id_(s.player_id), account_status_(s.account_status),
      cache_max_(cache_entries_max), ids_(ids), last_seq_(s.last_seq),
      last_hash_(s.last_hash), limits_(s.limits), totals_(s.totals) {
  for (const auto& b : s.balances)
    balances_[b.currency] = b.balance;
}

void wallet_core::set_limits(const play_limits& limits, const play_totals& totals) {
  limits_ = limits;
  totals_ = totals;
}

wallet_errc wallet_core::over_limit(const std::string& currency, int64_t stake,
                                    int64_t now_us) {
  if (currency != limits_.currency || !limits_.any()) return wallet_errc::none;
  totals_.roll(now_us);
  for (int p = 0; p < limit_period_count; ++p) {
    auto wager = limits_.wager[p].at(now_us);
    if (wager >= 0 && totals_.wagered[p] + stake > wager)
      return wallet_errc::wager_limit_reached;
    auto loss = limits_.loss[p].at(now_us);
    if (loss >= 0 && totals_.lost[p] + stake > loss)
      return wallet_errc::loss_limit_reached;
  }
  return wallet_errc::none;
}

int64_t wallet_core::balance(const std::string& currency) const {
  auto i = balances_.find(currency);
  return i == balances_.end() ? 0 : i->second;
}

wallet_errc wallet_core::validate(const wallet_request& req) {
  if (req.player_id <= 0 || req.op > static_cast<uint8_t>(wallet_op::rollback))
    return wallet_errc::invalid_request;
  auto op = static_cast<wallet_op>(req.op);
  if (op == wallet_op::balance)
    return valid_currency(req.currency) ? wallet_errc::none
                                        : wallet_errc::invalid_request;
  if (req.source.empty() || !printable(req.source, source_len_max) || req.tx_id.empty() ||
      !printable(req.tx_id, id_len_max) || !printable(req.ref_tx_id, id_len_max) ||
      !printable(req.round_id, id_len_max))
    return wallet_errc::invalid_request;
  if (op == wallet_op::rollback) {
    if (req.ref_tx_id.empty() || (!req.currency.empty() && !valid_currency(req.currency)))
      return wallet_errc::invalid_request;
    return wallet_errc::none;
  }
  if (!valid_currency(req.currency)) return wallet_errc::invalid_request;
  bool transfer = op == wallet_op::deposit || op == wallet_op::withdraw;
  if (req.amount < (transfer ? 1 : 0) || req.amount > amount_minor_max)
    return wallet_errc::invalid_amount;
  return wallet_errc::none;
}

// -- knowledge ---------------------------------------------------------------

const std::optional<wallet_core::tx_fact>*
wallet_core::known_tx(const std::string& source, const std::string& id) const {
  id_key_into(key_buf_, id_kind::tx, source, id);
  return txs_.find(key_buf_);
}

const std::optional<wallet_core::mark_fact>*
wallet_core::known_mark(const std::string& source, const std::string& id) const {
  id_key_into(key_buf_, id_kind::mark, source, id);
  return marks_.find(key_buf_);
}

const std::optional<wallet_core::round_fact>*
wallet_core::known_round(const std::string& source, const std::string& id) const {
  id_key_into(key_buf_, id_kind::round, source, id);
  return rounds_.find(key_buf_);
}

void wallet_core::missing(const wallet_request& req, lookup_request& out) const {
  if (validate(req) != wallet_errc::none) return;
  auto op = static_cast<wallet_op>(req.op);
  if (op == wallet_op::balance) return;
  const auto& src = req.source;
  auto need_tx = [&](const std::string& id) {
    if (known_tx(src, id) == nullptr) out.entries.push_back({src, id});
  };
  auto need_mark = [&](const std::string& id) {
    if (known_mark(src, id) == nullptr) out.marks.push_back({src, id});
  };
  auto need_round = [&](const std::string& id) {
    if (!id.empty() && known_round(src, id) == nullptr) out.rounds.push_back({src, id});
  };
  need_tx(req.tx_id);
  if (op == wallet_op::debit) {
    need_mark(req.tx_id);
    need_round(req.round_id);
  } else if (op == wallet_op::credit || op == wallet_op::rollback) {
    std::string round = req.round_id;
    if (!req.ref_tx_id.empty()) {
      need_tx(req.ref_tx_id);
      need_mark(req.ref_tx_id);
      if (auto* ref = known_tx(src, req.ref_tx_id);
          ref != nullptr && *ref && round.empty())
        round = (*ref)->round_id;
    }
    need_round(round);
  }
}

void wallet_core::rule_out(lookup_request& miss) {
  if (ids_ == nullptr) return;
  auto sweep = [&](std::vector<tx_key>& keys, id_kind kind, auto& cache, auto& absent) {
    std::erase_if(keys, [&](const tx_key& k) {
      auto key = id_key(kind, k.source, k.id);
      if (ids_->may_contain(key)) return false;
      cache.put_if_absent(key, std::nullopt);
      absent.push_back(std::move(key));
      return true;
    });
  };
  sweep(miss.entries, id_kind::tx, txs_, absent_txs_);
  sweep(miss.marks, id_kind::mark, marks_, absent_marks_);
  sweep(miss.rounds, id_kind::round, rounds_, absent_rounds_);
}

void wallet_core::forget_absent() {
  auto drop = [](auto& cache, std::vector<std::string>& keys) {
    for (const auto& k : keys)
      if (auto* v = cache.find(k); v != nullptr && !v->has_value()) cache.erase(k);
    keys.clear();
  };
  drop(txs_, absent_txs_);
  drop(marks_, absent_marks_);
  drop(rounds_, absent_rounds_);
}

void wallet_core::learn(const lookup_request& asked, const lookup_result& found) {
  for (const auto& e : found.entries)
    txs_.put_if_absent(id_key(id_kind::tx, e.source, e.tx_id),
                       tx_fact{e.player_id, e.kind, e.currency, e.round_id, e.ref_tx_id,
                               e.amount, e.balance_after, e.seq, e.created_us});
  for (const auto& m : found.marks)
    marks_.put_if_absent(id_key(id_kind::mark, m.source, m.tx_id),
                         mark_fact{m.player_id, 0});
  for (const auto& r : found.rounds)
    rounds_.put_if_absent(id_key(id_kind::round, r.source, r.round_id), round_fact{r, 0});
  auto absent = [](auto& cache, const std::vector<tx_key>& keys, id_kind kind,
                   std::vector<std::string>& out) {
    for (const auto& k : keys) {
      auto key = id_key(kind, k.source, k.id);
      if (cache.find(key) == nullptr) {
        cache.put(key, std::nullopt);
        out.push_back(std::move(key));
      }
    }
  };
  absent(txs_, asked.entries, id_kind::tx, absent_txs_);
  absent(marks_, asked.marks, id_kind::mark, absent_marks_);
  absent(rounds_, asked.rounds, id_kind::round, absent_rounds_);
}

void wallet_core::evict(int64_t committed_seq) {
  txs_.evict(cache_max_, [&](const auto& v) { return v && v->seq > committed_seq; });
  marks_.evict(cache_max_, [&](const auto& v) { return v && v->seq > committed_seq; });
  rounds_.evict(cache_max_, [&](const auto& v) { return v && v->seq > committed_seq; });
}

// -- apply -------------------------------------------------------------------

apply_outcome wallet_core::apply(const wallet_request& req, int64_t now_us) {
  if (auto err = validate(req); err != wallet_errc::none) return refuse(err);
  auto op = static_cast<wallet_op>(req.op);
  if (op == wallet_op::balance) {
    apply_outcome out;
    out.receipt.player_id = player_id_;
    out.receipt.op = req.op;
    out.receipt.currency = req.currency;
    out.receipt.balance = balance(req.currency);
    out.receipt.created_us = now_us;
    return out;
  }
  auto* own = known_tx(req.source, req.tx_id);
  if (own == nullptr) // apply() before learn(): a caller bug, answered as retryable
    return refuse(wallet_errc::unavailable);
  if (*own) {
    auto out = replay_or_duplicate(req, **own);
    // A bet rolled back since is not answered as taken, even to an exact retry.
    if (op == wallet_op::debit && out.error == wallet_errc::none)
      if (auto* mark = known_mark(req.source, req.tx_id); mark != nullptr && *mark)
        return refuse(wallet_errc::transaction_rolled_back);
    return out;
  }
  switch (op) {
    case wallet_op::debit:
      return apply_debit(req, now_us);
    case wallet_op::credit:
      return apply_credit(req, now_us);
    case wallet_op::rollback:
      return apply_rollback(req, now_us);
    default:
      return apply_transfer(req, now_us);
  }
}

apply_outcome wallet_core::replay_or_duplicate(const wallet_request& req,
                                               const tx_fact& f) const {
  bool same = f.player_id == req.player_id && f.kind == req.op;
  auto op = static_cast<wallet_op>(req.op);
  bool out_going = op == wallet_op::debit || op == wallet_op::withdraw;
  if (op != wallet_op::rollback)
    same = same && f.currency == req.currency &&
           f.amount == (out_going ? -req.amount : req.amount);
  if (op == wallet_op::debit) same = same && f.round_id == req.round_id;
  if (op == wallet_op::credit || op == wallet_op::rollback)
    same = same && f.ref_tx_id == req.ref_tx_id &&
           (req.round_id.empty() || f.round_id == req.round_id);
  if (!same) return refuse(wallet_errc::duplicate_transaction);
  apply_outcome out;
  out.receipt = wallet_receipt{f.player_id,     f.kind, f.currency,   f.amount,
                               f.balance_after, f.seq,  f.created_us, true};
  return out;
}

apply_outcome wallet_core::apply_transfer(const wallet_request& req, int64_t now_us) {
  bool out_going = static_cast<wallet_op>(req.op) == wallet_op::withdraw;
  int64_t bal = balance(req.currency);
  if (out_going && !active()) return refuse(wallet_errc::account_blocked);
  if (out_going && bal < req.amount) return refuse(wallet_errc::insufficient_funds);
  if (!out_going && bal > amount_minor_max - req.amount)
    return refuse(wallet_errc::balance_overflow);
  auto kind = out_going ? entry_kind::withdrawal : entry_kind::deposit;
  return write_entry(req, kind, out_going ? -req.amount : req.amount, req.currency, {},
                     std::nullopt, false, now_us);
}

round_record wallet_core::fresh_round(const std::string& source,
                                      const std::string& round_id,
                                      const std::string& currency) const {
  round_record r;
  r.source = source;
  r.round_id = round_id;
  r.player_id = player_id_;
  r.currency = currency;
  return r;
}

apply_outcome wallet_core::apply_debit(const wallet_request& req, int64_t now_us) {
  auto* mark = known_mark(req.source, req.tx_id);
  if (mark == nullptr) return refuse(wallet_errc::unavailable);
  if (*mark) return refuse(wallet_errc::transaction_rolled_back);
  if (!active()) return refuse(wallet_errc::account_blocked);
  std::optional<round_record> round;
  if (!req.round_id.empty()) {
    auto* known = known_round(req.source, req.round_id);
    if (known == nullptr) return refuse(wallet_errc::unavailable);
    if (*known) {
      const auto& r = (*known)->round;
      if (r.player_id != player_id_ || r.currency != req.currency)
        return refuse(wallet_errc::round_mismatch);
      if (r.closed || r.rolled_back()) return refuse(wallet_errc::round_closed);
      round = r;
    } else {
      round = fresh_round(req.source, req.round_id, req.currency);
      round->opened_us = now_us;
    }
  }
  if (balance(req.currency) < req.amount) return refuse(wallet_errc::insufficient_funds);
  if (auto limit = over_limit(req.currency, req.amount, now_us);
      limit != wallet_errc::none)
    return refuse(limit);
  if (round) {
    round->bet_count += 1;
    round->open_bet_count += 1;
    round->bet_total += req.amount;
    round->closed = req.close_round;
    round->updated_us = now_us;
    if (round->game_id.empty()) round->game_id = req.game_id;
  }
  return write_entry(req, entry_kind::bet, -req.amount, req.currency, req.round_id, round,
                     false, now_us);
}

apply_outcome wallet_core::apply_credit(const wallet_request& req, int64_t now_us) {
  std::string round_id = req.round_id;
  if (!req.ref_tx_id.empty()) {
    auto* ref = known_tx(req.source, req.ref_tx_id);
    auto* mark = known_mark(req.source, req.ref_tx_id);
    if (ref == nullptr || mark == nullptr) return refuse(wallet_errc::unavailable);
    if (*mark) return refuse(wallet_errc::transaction_rolled_back);
    if (!*ref || (*ref)->player_id != player_id_ ||
        (*ref)->kind != static_cast<uint8_t>(entry_kind::bet))
      return refuse(wallet_errc::transaction_not_found);
    if (round_id.empty())
      round_id = (*ref)->round_id;
    else if ((*ref)->round_id != round_id)
      return refuse(wallet_errc::round_mismatch);
  }
  std::optional<round_record> round;
  if (!round_id.empty()) {
    auto* known = known_round(req.source, round_id);
    if (known == nullptr) return refuse(wallet_errc::unavailable);
    if (*known) {
      const auto& r = (*known)->round;
      if (r.player_id != player_id_ || r.currency != req.currency)
        return refuse(wallet_errc::round_mismatch);
      if (r.rolled_back()) return refuse(wallet_errc::transaction_rolled_back);
      round = r;
    } else {
      round = fresh_round(req.source, round_id, req.currency);
      round->opened_us = now_us;
    }
    round->credited = true;
    round->win_total += req.amount;
    round->closed = round->closed || req.close_round;
    round->updated_us = now_us;
    if (!req.round_detail.empty()) round->detail = req.round_detail;
  }
  if (balance(req.currency) > amount_minor_max - req.amount)
    return refuse(wallet_errc::balance_overflow);
  return write_entry(req, entry_kind::win, req.amount, req.currency, round_id, round,
                     false, now_us);
}

apply_outcome wallet_core::apply_rollback(const wallet_request& req, int64_t now_us) {
  auto* ref = known_tx(req.source, req.ref_tx_id);
  auto* mark = known_mark(req.source, req.ref_tx_id);
  if (ref == nullptr || mark == nullptr) return refuse(wallet_errc::unavailable);
  std::string round_id = req.round_id;
  std::string currency = req.currency;
  int64_t refund = 0;
  if (*ref) {
    const auto& bet = **ref;
    if (bet.player_id != player_id_) return refuse(wallet_errc::transaction_not_found);
    if (bet.kind != static_cast<uint8_t>(entry_kind::bet))
      return refuse(wallet_errc::not_rollbackable);
    if (!round_id.empty() && round_id != bet.round_id)
      return refuse(wallet_errc::round_mismatch);
    round_id = bet.round_id;
    currency = bet.currency;
    refund = -bet.amount;
  }
  bool already = mark->has_value(); // rolled back before, or a tombstone
  const round_record* known_r = nullptr;
  if (!round_id.empty()) {
    auto* known = known_round(req.source, round_id);
    if (known == nullptr) return refuse(wallet_errc::unavailable);
    if (*known) known_r = &(*known)->round;
  }
  // A rollback may name no currency: take its bet's, else its round's, else the
  // player's (first) currency; it moves nothing in the last cases.
  if (currency.empty() && known_r != nullptr) currency = known_r->currency;
  if (currency.empty() && !balances_.empty()) currency = balances_.begin()->first;
  if (currency.empty()) currency = no_currency;
  std::optional<round_record> round;
  if (!round_id.empty() && !already) {
    if (known_r != nullptr) {
      round = *known_r;
      if (round->player_id != player_id_) return refuse(wallet_errc::round_mismatch);
      if (*ref && round->credited) return refuse(wallet_errc::round_settled);
    } else {
      round = fresh_round(req.source, round_id, currency);
      round->opened_us = now_us;
    }
    if (*ref) round->open_bet_count -= 1;
    round->rolled_back_count += 1;
    round->refund_total += refund;
    round->updated_us = now_us;
  }
  if (already) refund = 0;
  if (balance(currency) > amount_minor_max - refund)
    return refuse(wallet_errc::balance_overflow);
  return write_entry(req, entry_kind::rollback, refund, currency, round_id, round,
                     !already, now_us);
}

apply_outcome wallet_core::write_entry(const wallet_request& req, entry_kind kind,
                                       int64_t amount, const std::string& currency,
                                       const std::string& round_id,
                                       const std::optional<round_record>& round,
                                       bool mark_rollback, int64_t now_us) {
  ledger_write w;
  auto& e = w.entry;
  e.player_id = player_id_;
  e.seq = last_seq_ + 1;
  e.kind = static_cast<uint8_t>(kind);
  e.source = req.source;
  e.tx_id = req.tx_id;
  e.ref_tx_id = req.ref_tx_id;
  e.round_id = round_id;
  e.currency = currency;
  e.amount = amount;
  e.balance_after = balance(currency) + amount;
  assert(e.balance_after >= 0);
  e.created_us = now_us;
  e.prev_hash = last_hash_;
  e.hash = chain_hash(e.prev_hash, e);
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  balances_[currency] = e.balance_after;
  if (currency == limits_.currency && limits_.any()) {
    totals_.roll(now_us);
    totals_.add(kind == entry_kind::bet ? -amount : 0,
                kind == entry_kind::win ? amount : 0,
                kind == entry_kind::rollback ? amount : 0);
  }
  // Remember every id before it can reach storage (see id_filter).
  auto remember = [&](auto& cache, id_kind kind, const std::string& id, auto fact) {
    auto key = id_key(kind, e.source, id);
    if (ids_ != nullptr) ids_->add(key);
    cache.put(key, std::move(fact));
  };
  remember(txs_, id_kind::tx, e.tx_id,
           tx_fact{player_id_, e.kind, e.currency, e.round_id, e.ref_tx_id, e.amount,
                   e.balance_after, e.seq, e.created_us});
  if (mark_rollback) {
    w.mark_rollback = true;
    remember(marks_, id_kind::mark, e.ref_tx_id, mark_fact{player_id_, e.seq});
  }
  if (round) {
    w.has_round = true;
    w.round = *round;
    remember(rounds_, id_kind::round, round->round_id, round_fact{*round, e.seq});
  }
  apply_outcome out;
  out.receipt = wallet_receipt{player_id_,      req.op, e.currency,   e.amount,
                               e.balance_after, e.seq,  e.created_us, false};
  out.write = std::move(w);
  return out;
}

} // namespace agg
