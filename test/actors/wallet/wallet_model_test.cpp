// A randomized model test: many players, random interleavings of every wallet
// operation with exact and conflicting replays, replays across players, rollbacks of
// unknown, settled and already rolled back bets, bursts of pipelined requests, and
// wallets passivated between bursts. Every answer is checked against a simple model
// written independently of wallet_core; afterwards every balance equals the model,
// equals the sum of the player's ledger, and verify passes. It runs once with a
// filter so small that every id is looked up in the database and once with a real one.
// MODEL_SEED=n runs it with another seed.

#include "support/node_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

using namespace agg;
using namespace agg::test;

namespace {

struct model_tx {
  int64_t player;
  wallet_op op;
  int64_t amount; // as requested
  std::string round;
  std::string ref;
  int64_t balance_after;
  int64_t delta;
};

struct model_round {
  int64_t player;
  int bets = 0;
  int open = 0;
  int rolled = 0;
  bool credited = false;
  bool closed = false;
  bool rolled_back() const { return rolled > 0 && open == 0 && !credited; }
};

struct expected {
  wallet_errc error = wallet_errc::none;
  int64_t balance = 0;
  bool replayed = false;
};

class model {
public:
  std::map<int64_t, int64_t> balance;
  std::map<std::string, model_tx> txs;
  std::set<std::string> marks;
  std::map<std::string, model_round> rounds;

  expected apply(const wallet_request& r) {
    auto op = static_cast<wallet_op>(r.op);
    auto& bal = balance[r.player_id];
    if (op == wallet_op::balance) return {wallet_errc::none, bal, false};
    if (auto i = txs.find(r.tx_id); i != txs.end()) return replay(r, i->second);
    switch (op) {
      case wallet_op::deposit:
        return record(r, r.amount, {});
      case wallet_op::withdraw:
        if (bal < r.amount) return {wallet_errc::insufficient_funds};
        return record(r, -r.amount, {});
      case wallet_op::debit:
        return debit(r);
      case wallet_op::credit:
        return credit(r);
      default:
        return rollback(r);
    }
  }

private:
  expected replay(const wallet_request& r, const model_tx& t) {
    bool same = t.player == r.player_id && t.op == static_cast<wallet_op>(r.op) &&
                t.ref == r.ref_tx_id;
    if (t.op != wallet_op::rollback) same = same && t.amount == r.amount;
    if (t.op == wallet_op::debit) same = same && t.round == r.round_id;
    if (t.op == wallet_op::credit || t.op == wallet_op::rollback)
      same = same && (r.round_id.empty() || r.round_id == t.round);
    if (!same) return {wallet_errc::duplicate_transaction};
    // A bet rolled back since is not answered as taken, even to an exact retry.
    if (t.op == wallet_op::debit && marks.count(r.tx_id))
      return {wallet_errc::transaction_rolled_back};
    return {wallet_errc::none, t.balance_after, true};
  }

  expected record(const wallet_request& r, int64_t delta, std::string round) {
    auto& bal = balance[r.player_id];
    bal += delta;
    txs[r.tx_id] = model_tx{r.player_id, static_cast<wallet_op>(r.op),
                            r.amount,    std::move(round),
                            r.ref_tx_id, bal,
                            delta};
    return {wallet_errc::none, bal, false};
  }

  expected debit(const wallet_request& r) {
    if (marks.count(r.tx_id)) return {wallet_errc::transaction_rolled_back};
    model_round* round = nullptr;
    if (!r.round_id.empty()) {
      auto [i, fresh] = rounds.try_emplace(r.round_id, model_round{r.player_id});
      if (!fresh) {
        if (i->second.player != r.player_id) return {wallet_errc::round_mismatch};
        if (i->second.closed || i->second.rolled_back())
          return {wallet_errc::round_closed};
      }
      round = &i->second;
    }
    if (balance[r.player_id] < r.amount) {
      if (round && round->bets == 0 && round->rolled == 0 && !round->credited)
        rounds.erase(r.round_id);
      return {wallet_errc::insufficient_funds};
    }
    if (round) {
      ++round->bets;
      ++round->open;
      round->closed = r.close_round;
    }
    return record(r, -r.amount, r.round_id);
  }

  expected credit(const wallet_request& r) {
    std::string round_id = r.round_id;
    if (!r.ref_tx_id.empty()) {
      if (marks.count(r.ref_tx_id)) return {wallet_errc::transaction_rolled_back};
      auto i = txs.find(r.ref_tx_id);
      if (i == txs.end() || i->second.player != r.player_id ||
          i->second.op != wallet_op::debit)
        return {wallet_errc::transaction_not_found};
      if (round_id.empty())
        round_id = i->second.round;
      else if (round_id != i->second.round)
        return {wallet_errc::round_mismatch};
    }
    if (!round_id.empty()) {
      auto i = rounds.find(round_id);
      if (i != rounds.end()) {
        if (i->second.player != r.player_id) return {wallet_errc::round_mismatch};
        if (i->second.rolled_back()) return {wallet_errc::transaction_rolled_back};
      }
      auto& rd = rounds.try_emplace(round_id, model_round{r.player_id}).first->second;
      rd.credited = true;
      rd.closed = rd.closed || r.close_round;
    }
    return record(r, r.amount, round_id);
  }

  expected rollback(const wallet_request& r) {
    auto i = txs.find(r.ref_tx_id);
    std::string round_id = r.round_id;
    int64_t refund = 0;
    if (i != txs.end()) {
      if (i->second.player != r.player_id) return {wallet_errc::transaction_not_found};
      if (i->second.op != wallet_op::debit) return {wallet_errc::not_rollbackable};
      round_id = i->second.round;
      refund = i->second.amount;
    }
    bool already = marks.count(r.ref_tx_id) != 0;
    if (!round_id.empty() && !already) {
      auto [j, fresh] = rounds.try_emplace(round_id, model_round{r.player_id});
      if (!fresh && j->second.player != r.player_id) return {wallet_errc::round_mismatch};
      if (!fresh && i != txs.end() && j->second.credited)
        return {wallet_errc::round_settled};
      if (i != txs.end()) --j->second.open;
      ++j->second.rolled;
    }
    if (!already) marks.insert(r.ref_tx_id);
    auto req = r;
    req.amount = 0; // a rollback's request carries no amount
    return record(req, already ? 0 : refund, round_id);
  }
};

// Draws random requests that exercise every rule.
class generator {
public:
  generator(uint64_t seed, int players) : rng_(seed), players_(players) {}

  wallet_request next(const model& m) {
    int64_t p = pick(1, players_);
    int roll = static_cast<int>(pick(0, 99));
    auto fresh = id("t", counter_++);
    if (roll < 10) return deposit(p, fresh, pick(1, 5000));
    if (roll < 15) return withdraw(p, fresh, pick(1, 3000));
    if (roll < 40) {
      std::string round = open_rounds_.empty() || pick(0, 2) == 0
                              ? id("r", counter_++)
                              : open_rounds_[static_cast<size_t>(pick(
                                    0, static_cast<int64_t>(open_rounds_.size()) - 1))];
      auto b = bet(round_owner(round, p), fresh, pick(0, 800), round);
      b.close_round = pick(0, 9) == 0;
      bets_.push_back(b);
      if (std::find(open_rounds_.begin(), open_rounds_.end(), round) ==
          open_rounds_.end())
        open_rounds_.push_back(round);
      owners_[round] = b.player_id;
      return b;
    }
    if (roll < 60 && !bets_.empty()) {
      auto& b = some_bet();
      auto w = win(b.player_id, fresh, pick(0, 1500), pick(0, 1) ? b.round_id : "",
                   pick(0, 4) ? b.tx_id : "");
      w.close_round = pick(0, 1) == 0;
      return w;
    }
    if (roll < 72) {
      if (!bets_.empty() && pick(0, 3) != 0) {
        auto& b = some_bet();
        return rollback(b.player_id, fresh, b.tx_id);
      }
      auto ghost = id("ghost", counter_++);
      return rollback(p, fresh, ghost, id("r", counter_++));
    }
    if (roll < 85 && !sent_.empty())
      return sent_[static_cast<size_t>(pick(0, static_cast<int64_t>(sent_.size()) - 1))];
    if (roll < 92 && !sent_.empty()) {
      auto r =
          sent_[static_cast<size_t>(pick(0, static_cast<int64_t>(sent_.size()) - 1))];
      if (r.op == static_cast<uint8_t>(wallet_op::rollback))
        r.ref_tx_id += "x";
      else
        r.amount += 1;
      return r; // a conflicting replay
    }
    if (!committed_.empty()) {
      auto r = committed_[static_cast<size_t>(
          pick(0, static_cast<int64_t>(committed_.size()) - 1))];
      r.player_id = r.player_id % players_ + 1; // the same id from another player
      return r;
    }
    (void)m;
    return balance(p);
  }

  // Two players touching one id (transaction, reference or round) within a burst race
  // each other: which one comes first is not defined, so the model could not tell the
  // answers. Such a request becomes a balance read.
  wallet_request admit(wallet_request r) {
    for (const auto* id : {&r.tx_id, &r.ref_tx_id, &r.round_id}) {
      if (id->empty()) continue;
      auto [i, fresh] = touched_.try_emplace(*id, r.player_id);
      if (!fresh && i->second != r.player_id) return balance(r.player_id);
    }
    if (r.op != static_cast<uint8_t>(wallet_op::balance)) sent_.push_back(r);
    return r;
  }

  // Requests of finished bursts may be replayed by other players.
  void burst_done() {
    committed_ = sent_;
    touched_.clear();
  }

private:
  int64_t pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>{lo, hi}(rng_);
  }
  int64_t round_owner(const std::string& round, int64_t fallback) {
    auto i = owners_.find(round);
    return i == owners_.end() ? fallback : i->second;
  }
  const wallet_request& some_bet() {
    return bets_[static_cast<size_t>(pick(0, static_cast<int64_t>(bets_.size()) - 1))];
  }

  std::mt19937_64 rng_;
  int64_t players_;
  int64_t counter_ = 0;
  std::vector<wallet_request> bets_, sent_, committed_;
  std::vector<std::string> open_rounds_;
  std::map<std::string, int64_t> owners_;
  std::map<std::string, int64_t> touched_;
};

void run_model(int64_t filter_bytes, uint64_t seed) {
  constexpr int players = 24;
  constexpr int bursts = 150;
  node_fixture f{[&](server_options& o) {
    o.wallet_cache_entries_max = 16;
    o.wallet_idle_timeout_ms = 20;
    o.id_filter_bytes = filter_bytes;
    o.risk_enabled = false; // machine-paced play: the risk engine would lock it
  }};
  model m;
  generator gen{seed, players};
  std::mt19937_64 rng{seed};
  int checked = 0;
  for (int b = 0; b < bursts; ++b) {
    auto n = std::uniform_int_distribution<int>{1, 40}(rng);
    std::vector<wallet_request> reqs;
    std::vector<expected> want;
    for (int i = 0; i < n; ++i) {
      auto r = gen.admit(gen.next(m));
      reqs.push_back(r);
      want.push_back(m.apply(r));
    }
    auto got = f.call_all(reqs);
    for (size_t i = 0; i < reqs.size(); ++i) {
      INFO("burst " << b << " request " << i << ": "
                    << to_string(static_cast<wallet_op>(reqs[i].op)) << " player "
                    << reqs[i].player_id << " tx " << reqs[i].tx_id << " ref "
                    << reqs[i].ref_tx_id << " round " << reqs[i].round_id << " amount "
                    << reqs[i].amount);
      REQUIRE(to_string(got[i].error) == std::string{to_string(want[i].error)});
      if (want[i].error == wallet_errc::none) {
        REQUIRE(got[i].receipt.balance == want[i].balance);
        REQUIRE(got[i].receipt.replayed == want[i].replayed);
      }
      ++checked;
    }
    gen.burst_done();
  }
  for (int p = 1; p <= players; ++p)
    CHECK(f.balance_of(p) == m.balance[p]);
  auto conn = f.stop_and_open();
  for (int p = 1; p <= players; ++p) {
    auto sum = conn.prepare("SELECT coalesce(sum(amount), 0), count(*) FROM ledger "
                            "WHERE player_id = ?");
    sum.bind(1, int64_t{p});
    REQUIRE(sum.step());
    CHECK(sum.int64(0) == m.balance[p]);
  }
  auto entries = conn.prepare("SELECT count(*) FROM ledger");
  REQUIRE(entries.step());
  CHECK(entries.int64(0) == static_cast<int64_t>(m.txs.size()));
  auto report = verify_ledger(conn);
  INFO(report.error);
  CHECK(report.ok);
  CHECK(checked > 2000);
}

} // namespace

TEST_CASE("randomized model: every id looked up in the database", "[wallet][model]") {
  run_model(64, getenv("MODEL_SEED") ? std::stoull(getenv("MODEL_SEED")) : 11);
}

TEST_CASE("randomized model: new ids ruled out by the filter", "[wallet][model]") {
  run_model(1 << 20, getenv("MODEL_SEED") ? std::stoull(getenv("MODEL_SEED")) + 1 : 23);
}
