#include "actors/wallet/wallet_core.hpp"

#include "common/currency.hpp"
#include "persistence/chain_hash.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>

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

__extension__ using wide = __int128;

// a * b / c without overflow, rounded toward zero (c > 0, the result fits).
int64_t mul_div(int64_t a, int64_t b, int64_t c) {
  return static_cast<int64_t>(static_cast<wide>(a) * b / c);
}

int64_t percent_of(int64_t a, int64_t pct) {
  return mul_div(a, pct, 100);
}

// A grant past its expiry is not spent, not wagered and not converted: its expiry
// is due.
bool live(const bonus_grant& g, int64_t now_us) {
  return g.expires_us == 0 || now_us < g.expires_us;
}

// A live grant whose free rounds (if any) are all played and settled: its money can
// be staked, it can be wagered and converted.
bool spendable(const bonus_grant& g, int64_t now_us) {
  return live(g, now_us) && !g.playing();
}

int64_t saturating_add(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

std::string end_tx(const std::string& grant_id) {
  return grant_id + ":end";
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
    case wallet_op::grant_bonus:
      return "grant_bonus";
    case wallet_op::forfeit_bonus:
      return "forfeit_bonus";
    case wallet_op::expire_bonus:
      return "expire_bonus";
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
  for (const auto& g : s.grants)
    if (g.status == static_cast<uint8_t>(grant_status::active))
      active_.push_back(g);
    else
      ended_[g.grant_id] = g.status;
}

int64_t wallet_core::bonus_balance(const std::string& currency) const {
  int64_t sum = 0;
  for (const auto& g : active_)
    if (g.currency == currency) sum += g.balance;
  return sum;
}

bonus_grant* wallet_core::active_grant(const std::string& grant_id) {
  for (auto& g : active_)
    if (g.grant_id == grant_id) return &g;
  return nullptr;
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
  if (req.player_id <= 0 || req.op > static_cast<uint8_t>(wallet_op::expire_bonus))
    return wallet_errc::invalid_request;
  auto op = static_cast<wallet_op>(req.op);
  if (op == wallet_op::grant_bonus) {
    if (req.source != bonus_source || req.grant.size() != 1)
      return wallet_errc::invalid_request;
    const auto& g = req.grant.front();
    if (!valid_grant_id(g.grant_id) || req.tx_id != g.grant_id ||
        g.player_id != req.player_id || !valid_currency(req.currency) ||
        g.currency != req.currency || !printable(g.campaign_id, id_len_max) ||
        g.wagering_required < 0 || g.max_stake < 0 || g.max_conversion < 0 ||
        g.default_weight < 0 || g.default_weight > 100 || !valid_weights(g.weights) ||
        g.expires_us < 0 || g.wagering_required > amount_minor_max * 100 ||
        g.free_rounds < 0 || g.free_rounds > free_rounds_max || g.free_open != 0 ||
        g.free_bet < 0 || g.free_bet > amount_minor_max || g.max_win < 0 ||
        g.max_win > amount_minor_max || g.won != 0 || g.wagering_x100 < 0 ||
        g.wagering_x100 > 100'000 || !printable(g.vendor, source_len_max) ||
        !printable(g.game_id, id_len_max) || (g.free_rounds > 0 && g.vendor.empty()))
      return wallet_errc::invalid_request;
    // A grant of free rounds alone starts with an empty pocket.
    if (req.amount < (g.free_rounds > 0 ? 0 : 1) || req.amount > amount_minor_max ||
        g.amount != req.amount)
      return wallet_errc::invalid_amount;
    return wallet_errc::none;
  }
  if (op == wallet_op::forfeit_bonus || op == wallet_op::expire_bonus)
    return req.source == bonus_source && valid_grant_id(req.grant_id) &&
                   req.tx_id == end_tx(req.grant_id)
               ? wallet_errc::none
               : wallet_errc::invalid_request;
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
  if (!req.grant_id.empty() && (op != wallet_op::debit || !valid_grant_id(req.grant_id)))
    return wallet_errc::invalid_request;
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
  for (const auto& e : found.entries) {
    std::vector<bonus_part> parts;
    if (!e.bonus.empty()) parse_parts(e.bonus, parts);
    txs_.put_if_absent(id_key(id_kind::tx, e.source, e.tx_id),
                       tx_fact{e.player_id, e.kind, e.currency, e.round_id, e.ref_tx_id,
                               e.amount, e.balance_after, e.seq, e.created_us, e.bonus,
                               parts_total(parts), e.amount + parts_total_all(parts)});
  }
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
    out.receipt.bonus_balance = bonus_balance(req.currency);
    out.receipt.created_us = now_us;
    return out;
  }
  if (op == wallet_op::grant_bonus) return apply_grant(req, now_us);
  if (op == wallet_op::forfeit_bonus || op == wallet_op::expire_bonus)
    return apply_end(req, now_us);
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
  if (op == wallet_op::debit && !req.grant_id.empty())
    // A free round took nothing: the same round of the same grant is the same bet.
    same = same && f.currency == req.currency && f.whole == 0 &&
           f.bonus == req.grant_id + ":0:free";
  else if (op != wallet_op::rollback)
    same = same && f.currency == req.currency &&
           f.whole == (out_going ? -req.amount : req.amount);
  if (op == wallet_op::debit) same = same && f.round_id == req.round_id;
  if (op == wallet_op::credit || op == wallet_op::rollback)
    same = same && f.ref_tx_id == req.ref_tx_id &&
           (req.round_id.empty() || f.round_id == req.round_id);
  if (!same) return refuse(wallet_errc::duplicate_transaction);
  apply_outcome out;
  out.receipt = wallet_receipt{f.player_id,     f.kind, f.currency,   f.amount,
                               f.balance_after, f.seq,  f.created_us, true};
  out.receipt.bonus_amount = f.bonus_total;
  out.receipt.bonus_balance = bonus_balance(f.currency); // now
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
  if (!req.grant_id.empty()) return apply_free_round(req, std::move(round), now_us);
  int64_t cash = balance(req.currency);
  int64_t bonus = 0;
  for (const auto& g : active_)
    if (g.currency == req.currency && spendable(g, now_us)) {
      bonus += g.balance;
      if (g.max_stake > 0 && req.amount > g.max_stake)
        return refuse(wallet_errc::bonus_stake_too_high);
    }
  if (cash + bonus < req.amount) return refuse(wallet_errc::insufficient_funds);
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
  // Cash first, then the grants' money, oldest first. The oldest grant is the one
  // being wagered: the stake, weighed by the game, counts toward it, and it is the
  // entry's first part (with 0 when the bet took none of its money).
  std::vector<bonus_part> parts;
  std::vector<bonus_grant> changed;
  int64_t from_cash = std::min(req.amount, cash);
  int64_t rest = req.amount - from_cash;
  // The round's game (a bet without a round has none: its rollback weighs it alike).
  const std::string game = round ? round->game_id : std::string{};
  for (auto& g : active_) {
    if (g.currency != req.currency || !spendable(g, now_us)) continue;
    bool wagering = parts.empty();
    int64_t take = std::min(rest, g.balance);
    if (!wagering && take == 0) continue;
    if (wagering) {
      auto counted = percent_of(req.amount, stake_weight(g, req.source, game));
      g.wagered = g.wagered > INT64_MAX - counted ? INT64_MAX : g.wagered + counted;
    }
    g.balance -= take;
    rest -= take;
    g.updated_us = now_us;
    parts.push_back({g.grant_id, -take, false});
    changed.push_back(g);
    if (rest == 0 && !wagering) break;
  }
  auto out = write_entry(req, entry_kind::bet, -from_cash, req.currency, req.round_id,
                         round, false, now_us, parts, std::move(changed));
  out.then = convert_if_due(req.currency, now_us);
  return out;
}

apply_outcome wallet_core::apply_free_round(const wallet_request& req,
                                            std::optional<round_record> round,
                                            int64_t now_us) {
  auto* g = active_grant(req.grant_id);
  if (g == nullptr)
    return refuse(ended_.count(req.grant_id) ? wallet_errc::bonus_not_active
                                             : wallet_errc::bonus_not_found);
  if (!live(*g, now_us)) return refuse(wallet_errc::bonus_not_active);
  const std::string& game =
      round && !round->game_id.empty() ? round->game_id : req.game_id;
  if (g->currency != req.currency || g->vendor != req.source ||
      (!g->game_id.empty() && g->game_id != game) ||
      (g->free_bet > 0 && req.amount != g->free_bet))
    return refuse(wallet_errc::free_round_mismatch);
  if (g->free_rounds <= 0) return refuse(wallet_errc::no_free_rounds);
  if (round) {
    round->bet_count += 1;
    round->open_bet_count += 1;
    round->closed = req.close_round;
    round->updated_us = now_us;
    if (round->game_id.empty()) round->game_id = req.game_id;
  }
  g->free_rounds -= 1;
  // A round the bet itself closes is settled, with nothing won.
  if (!req.close_round) g->free_open += 1;
  g->updated_us = now_us;
  auto out = write_entry(req, entry_kind::bet, 0, req.currency, req.round_id, round,
                         false, now_us, {{g->grant_id, 0, false, true}}, {*g});
  out.then = convert_if_due(req.currency, now_us); // its last round, settled
  return out;
}

void wallet_core::pay_free_round(const std::string& grant_id, int64_t amount,
                                 bool first_win, std::vector<bonus_part>& parts,
                                 std::vector<bonus_grant>& changed, int64_t& to_cash,
                                 int64_t now_us) {
  auto* g = active_grant(grant_id);
  if (g == nullptr) {
    // Ended meanwhile: a converted grant's money is cash, so is this win's (its
    // wagering was done); a forfeited or expired one's is paid to no one.
    auto ended = ended_.find(grant_id);
    if (ended != ended_.end() &&
        ended->second == static_cast<uint8_t>(grant_status::converted))
      to_cash += amount;
    else if (amount > 0)
      parts.push_back({grant_id, amount, true});
    return;
  }
  auto room = g->max_win > 0 ? std::max<int64_t>(0, g->max_win - g->won) : amount;
  auto credit = std::min(amount, room);
  g->balance += credit;
  g->won += credit;
  g->wagering_required =
      saturating_add(g->wagering_required, mul_div(credit, g->wagering_x100, 100));
  if (first_win && g->free_open > 0) g->free_open -= 1;
  g->updated_us = now_us;
  parts.push_back({grant_id, credit, false});
  if (amount > credit) parts.push_back({grant_id, amount - credit, true}); // over the cap
  changed.push_back(*g);
}

void wallet_core::return_share(const std::string& grant_id, int64_t amount,
                               std::vector<bonus_part>& parts,
                               std::vector<bonus_grant>& changed, int64_t& to_cash,
                               int64_t now_us) {
  if (amount <= 0) return;
  if (auto* g = active_grant(grant_id)) {
    g->balance += amount;
    g->updated_us = now_us;
    parts.push_back({grant_id, amount, false});
    changed.push_back(*g);
    return;
  }
  auto ended = ended_.find(grant_id);
  if (ended != ended_.end() &&
      ended->second == static_cast<uint8_t>(grant_status::converted)) {
    to_cash += amount; // the grant became cash: so does its share
    return;
  }
  parts.push_back({grant_id, amount, true}); // forfeited or expired: paid to no one
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
  bool was_credited = false; // a win was paid in the round before this one
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
    was_credited = round->credited;
    round->credited = true;
    round->win_total += req.amount;
    round->closed = round->closed || req.close_round;
    round->updated_us = now_us;
    if (!req.round_detail.empty()) round->detail = req.round_detail;
  }
  // A win splits like its bet's stake: each grant's share goes back to it.
  std::vector<bonus_part> parts;
  std::vector<bonus_grant> changed;
  std::optional<std::vector<bonus_grant>> saved;
  int64_t to_cash = req.amount;
  if (!req.ref_tx_id.empty()) {
    const auto& bet = **known_tx(req.source, req.ref_tx_id);
    std::vector<bonus_part> bet_parts;
    int64_t stake = -(bet.amount + bet.bonus_total);
    if (!bet.bonus.empty() && parse_parts(bet.bonus, bet_parts) &&
        bet_parts.size() == 1 && bet_parts.front().free) {
      // A free round's win is bonus money of its grant, under the grant's terms.
      saved = active_;
      to_cash = 0;
      pay_free_round(bet_parts.front().grant_id, req.amount, !was_credited, parts,
                     changed, to_cash, now_us);
    } else if (!bet.bonus.empty() && stake > 0 && parse_parts(bet.bonus, bet_parts)) {
      saved = active_; // given back if the win is refused
      for (const auto& p : bet_parts) {
        if (p.lapsed || p.amount >= 0) continue;
        auto share = mul_div(req.amount, -p.amount, stake);
        to_cash -= share;
        return_share(p.grant_id, share, parts, changed, to_cash, now_us);
      }
    }
  }
  if (balance(req.currency) > amount_minor_max - to_cash ||
      bonus_balance(req.currency) > amount_minor_max) {
    if (saved) active_ = std::move(*saved);
    return refuse(wallet_errc::balance_overflow);
  }
  auto out = write_entry(req, entry_kind::win, to_cash, req.currency, round_id, round,
                         false, now_us, parts, std::move(changed));
  out.then = convert_if_due(req.currency, now_us); // a grant whose free rounds ended
  return out;
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
  // The bet's parts go back to their grants, and its stake no longer counts toward
  // the wagering of the grant it counted for (its first part).
  std::vector<bonus_part> parts;
  std::vector<bonus_grant> changed;
  std::optional<std::vector<bonus_grant>> saved;
  if (*ref && !already && !(*ref)->bonus.empty()) {
    const auto& bet = **ref;
    std::vector<bonus_part> bet_parts;
    if (parse_parts(bet.bonus, bet_parts) && !bet_parts.empty()) {
      saved = active_; // given back if the rollback is refused
      if (auto* g = active_grant(bet_parts.front().grant_id);
          g != nullptr && bet_parts.front().free) {
        g->free_rounds += 1; // the round is given back
        if (g->free_open > 0) g->free_open -= 1;
        g->updated_us = now_us;
      } else if (g != nullptr) {
        auto game = known_r != nullptr ? known_r->game_id : std::string{};
        auto counted = percent_of(-(bet.amount + bet.bonus_total),
                                  stake_weight(*g, req.source, game));
        g->wagered = std::max<int64_t>(0, g->wagered - counted);
        g->updated_us = now_us;
      }
      for (const auto& p : bet_parts)
        if (!p.lapsed)
          return_share(p.grant_id, -p.amount, parts, changed, refund, now_us);
      if (auto* g = active_grant(bet_parts.front().grant_id)) {
        bool listed = false;
        for (const auto& c : changed)
          listed = listed || c.grant_id == g->grant_id;
        if (!listed) changed.push_back(*g);
      }
    }
  }
  if (balance(currency) > amount_minor_max - refund) {
    if (saved) active_ = std::move(*saved);
    return refuse(wallet_errc::balance_overflow);
  }
  return write_entry(req, entry_kind::rollback, refund, currency, round_id, round,
                     !already, now_us, parts, std::move(changed));
}

apply_outcome wallet_core::apply_grant(const wallet_request& req, int64_t now_us) {
  auto* own = known_tx(req.source, req.tx_id);
  if (own == nullptr) return refuse(wallet_errc::unavailable);
  const auto& g = req.grant.front();
  if (*own) {
    const auto& f = **own;
    if (f.player_id != player_id_ ||
        f.kind != static_cast<uint8_t>(entry_kind::bonus_grant) ||
        f.bonus_total != req.amount || f.currency != req.currency)
      return refuse(wallet_errc::duplicate_transaction);
    return replay_or_duplicate(req, f);
  }
  if (bonus_balance(req.currency) > amount_minor_max - req.amount)
    return refuse(wallet_errc::balance_overflow);
  bonus_grant fresh = g;
  fresh.status = static_cast<uint8_t>(grant_status::active);
  fresh.balance = req.amount;
  fresh.wagered = 0;
  fresh.converted = 0;
  fresh.forfeited = 0;
  fresh.created_us = now_us;
  fresh.updated_us = now_us;
  active_.push_back(fresh);
  auto out = write_entry(req, entry_kind::bonus_grant, 0, req.currency, {}, std::nullopt,
                         false, now_us, {{fresh.grant_id, req.amount, false}}, {fresh});
  out.then = convert_if_due(req.currency, now_us);
  return out;
}

apply_outcome wallet_core::apply_end(const wallet_request& req, int64_t now_us) {
  auto* own = known_tx(req.source, req.tx_id);
  if (own == nullptr) return refuse(wallet_errc::unavailable);
  auto kind = static_cast<wallet_op>(req.op) == wallet_op::forfeit_bonus
                  ? entry_kind::bonus_forfeit
                  : entry_kind::bonus_expiry;
  if (*own) { // the grant has ended: the same end again is a replay
    const auto& f = **own;
    if (f.player_id != player_id_) return refuse(wallet_errc::bonus_not_found);
    if (f.kind != static_cast<uint8_t>(kind))
      return refuse(wallet_errc::bonus_not_active);
    apply_outcome out;
    out.receipt = wallet_receipt{f.player_id,     req.op, f.currency,   f.amount,
                                 f.balance_after, f.seq,  f.created_us, true};
    out.receipt.bonus_amount = f.bonus_total;
    out.receipt.bonus_balance = bonus_balance(f.currency);
    return out;
  }
  auto* g = active_grant(req.grant_id);
  if (g == nullptr)
    return refuse(ended_.count(req.grant_id) ? wallet_errc::bonus_not_active
                                             : wallet_errc::bonus_not_found);
  auto left = g->balance;
  g->status =
      static_cast<uint8_t>(kind == entry_kind::bonus_forfeit ? grant_status::forfeited
                                                             : grant_status::expired);
  g->forfeited = left;
  g->balance = 0;
  g->updated_us = now_us;
  auto ended = *g;
  ended_[ended.grant_id] = ended.status;
  std::erase_if(active_,
                [&](const bonus_grant& x) { return x.grant_id == ended.grant_id; });
  return write_entry(req, kind, 0, ended.currency, {}, std::nullopt, false, now_us,
                     {{ended.grant_id, -left, false}}, {ended});
}

std::optional<ledger_write> wallet_core::convert_if_due(const std::string& currency,
                                                        int64_t now_us) {
  // Only the oldest spendable grant is wagered; a later one is due only when it asks
  // for no wagering (cashback paid as cash, free rounds that won nothing).
  auto it = std::find_if(active_.begin(), active_.end(), [&](const bonus_grant& g) {
    return g.currency == currency && spendable(g, now_us) &&
           g.wagered >= g.wagering_required;
  });
  if (it == active_.end()) return std::nullopt;
  auto left = it->balance;
  auto cash = it->max_conversion > 0 ? std::min(left, it->max_conversion) : left;
  if (balance(currency) > amount_minor_max - cash) return std::nullopt;
  it->status = static_cast<uint8_t>(grant_status::converted);
  it->converted = cash;
  it->forfeited = left - cash;
  it->balance = 0;
  it->updated_us = now_us;
  auto done = *it;
  ended_[done.grant_id] = done.status;
  active_.erase(it);
  wallet_request req;
  req.player_id = player_id_;
  req.source = bonus_source;
  req.tx_id = end_tx(done.grant_id);
  auto out =
      write_entry(req, entry_kind::bonus_conversion, cash, currency, {}, std::nullopt,
                  false, now_us, {{done.grant_id, -left, false}}, {done});
  return std::move(out.write);
}

apply_outcome wallet_core::write_entry(const wallet_request& req, entry_kind kind,
                                       int64_t amount, const std::string& currency,
                                       const std::string& round_id,
                                       const std::optional<round_record>& round,
                                       bool mark_rollback, int64_t now_us,
                                       const std::vector<bonus_part>& parts,
                                       std::vector<bonus_grant> changed) {
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
  e.bonus = format_parts(parts);
  e.game = round && !round->game_id.empty() ? round->game_id : req.game_id;
  e.prev_hash = last_hash_;
  e.hash = chain_hash(e.prev_hash, e);
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  balances_[currency] = e.balance_after;
  auto bonus_moved = parts_total(parts);
  if (currency == limits_.currency && limits_.any()) {
    // Stakes, wins and refunds count whole, bonus money included.
    auto whole = amount + bonus_moved;
    totals_.roll(now_us);
    totals_.add(kind == entry_kind::bet ? -whole : 0, kind == entry_kind::win ? whole : 0,
                kind == entry_kind::rollback ? whole : 0);
  }
  // Remember every id before it can reach storage (see id_filter).
  auto remember = [&](auto& cache, id_kind kind, const std::string& id, auto fact) {
    auto key = id_key(kind, e.source, id);
    if (ids_ != nullptr) ids_->add(key);
    cache.put(key, std::move(fact));
  };
  remember(txs_, id_kind::tx, e.tx_id,
           tx_fact{player_id_, e.kind, e.currency, e.round_id, e.ref_tx_id, e.amount,
                   e.balance_after, e.seq, e.created_us, e.bonus, bonus_moved,
                   e.amount + parts_total_all(parts)});
  if (mark_rollback) {
    w.mark_rollback = true;
    remember(marks_, id_kind::mark, e.ref_tx_id, mark_fact{player_id_, e.seq});
  }
  if (round) {
    w.has_round = true;
    w.round = *round;
    remember(rounds_, id_kind::round, round->round_id, round_fact{*round, e.seq});
  }
  w.grants = std::move(changed);
  apply_outcome out;
  out.receipt = wallet_receipt{player_id_,      req.op, e.currency,   e.amount,
                               e.balance_after, e.seq,  e.created_us, false};
  out.receipt.bonus_amount = bonus_moved;
  out.receipt.bonus_balance = bonus_balance(currency);
  out.write = std::move(w);
  return out;
}

} // namespace agg
