// bench_ledger: the storage floor under bench_wallet. The same rows a bet and its win
// write (ledger entry, round, balance) go straight into ledger_appender on one
// thread, through the WAL VFS with synchronous=FULL, in commits of the size the group
// committer reaches under bench_wallet; no actors, no messages. What this thread
// sustains bounds what the whole server can acknowledge, since its writer does the
// same work on one connection.
//
//   bench_ledger --players 10000 --ops 200000 --writes-per-commit 120 [--data-dir DIR]
//                [--checkpoint-after-pages 16384] [--seed 1]
//
// Hashes are computed before the clock starts (the wallets compute them, not the
// writer); checkpoints run inline once the log holds checkpoint-after-pages, so their
// cost is counted. Prints one JSON line and a human summary.

#include "bench_args.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"
#include "persistence/chain_hash.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/schema.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include <unistd.h>

using namespace agg;

namespace {

using clock_type = std::chrono::steady_clock;

struct player_chain {
  int64_t seq = 0;
  hash256 hash{};
  int64_t balance = 0;
};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ledger_write make_write(player_chain& c, int64_t player, entry_kind kind, std::string tx,
                        std::string ref, std::string round, int64_t amount) {
  ledger_write w;
  auto& e = w.entry;
  e.player_id = player;
  e.seq = ++c.seq;
  e.kind = static_cast<uint8_t>(kind);
  e.source = "bench";
  e.tx_id = std::move(tx);
  e.ref_tx_id = std::move(ref);
  e.round_id = std::move(round);
  e.currency = "EUR";
  e.amount = amount;
  c.balance += amount;
  e.balance_after = c.balance;
  e.created_us = now_us();
  e.prev_hash = c.hash;
  e.hash = chain_hash(c.hash, e);
  c.hash = e.hash;
  return w;
}

void set_round(ledger_write& w, bool settled) {
  auto& r = w.round;
  const auto& e = w.entry;
  w.has_round = true;
  r.source = e.source;
  r.round_id = e.round_id;
  r.player_id = e.player_id;
  r.currency = e.currency;
  r.bet_count = 1;
  r.bet_total = 100;
  r.open_bet_count = 1;
  r.win_total = settled ? e.amount : 0;
  r.credited = settled;
  r.closed = settled;
  r.opened_us = e.created_us;
  r.updated_us = e.created_us;
  r.game_id = "slot";
}

// One commit: each player's writes in order, one batch per player as wallets send them.
using commit_batch = std::vector<std::vector<ledger_write>>;

commit_batch group_by_player(std::vector<ledger_write>& writes) {
  std::map<int64_t, size_t> slot;
  commit_batch out;
  for (auto& w : writes) {
    auto [i, fresh] = slot.try_emplace(w.entry.player_id, out.size());
    if (fresh) out.emplace_back();
    out[i->second].push_back(std::move(w));
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  agg::bench::args a{argc, argv};
  auto players = a.num("players", 10'000);
  auto ops = a.num("ops", 200'000);
  auto per_commit = a.num("writes-per-commit", 120);
  auto data_dir = a.str("data-dir", "");
  auto checkpoint_after = a.num("checkpoint-after-pages", 16384);
  auto seed = a.num("seed", 1);
  a.reject_unknown();
  if (players < 1 || ops < 2 || per_commit < 1 || checkpoint_after < 1) {
    std::cerr << "need players, ops >= 2, writes-per-commit and checkpoint-after-pages "
                 ">= 1"
              << std::endl;
    return 2;
  }
  bool own_dir = data_dir.empty();
  if (own_dir)
    data_dir = (std::filesystem::temp_directory_path() /
                ("bench-ledger-" + std::to_string(::getpid())))
                   .string();
  std::filesystem::remove_all(data_dir);
  std::filesystem::create_directories(data_dir);
  // Declared before the connection, so it runs after the connection closes.
  struct cleanup {
    std::string dir;
    ~cleanup() {
      if (!dir.empty()) std::filesystem::remove_all(dir);
    }
  } remove_dir{own_dir ? data_dir : std::string{}};

  db::tuning t;
  t.wal_autocheckpoint_pages = checkpoint_after;
  auto conn =
      db::connection::open(data_dir + "/ledger.db", db::open_mode::read_write_create, t);
  db::migrate(conn);
  ledger_appender appender{conn};

  // Fund every player (not timed).
  std::vector<player_chain> chains(static_cast<size_t>(players) + 1);
  for (int64_t first = 1; first <= players; first += per_commit) {
    std::vector<ledger_write> writes;
    for (int64_t p = first; p < std::min(players + 1, first + per_commit); ++p)
      writes.push_back(make_write(chains[static_cast<size_t>(p)], p, entry_kind::deposit,
                                  "fund-" + std::to_string(p), "", "", 1'000'000'000));
    auto batch = group_by_player(writes);
    std::vector<const std::vector<ledger_write>*> ptrs;
    for (auto& b : batch)
      ptrs.push_back(&b);
    appender.append(ptrs);
  }

  // The load: bets on random players, each followed later by its win, as 256
  // clients interleave them; hashed before the clock starts.
  std::mt19937_64 rng{static_cast<uint64_t>(seed)};
  std::uniform_int_distribution<int64_t> pick{1, players};
  constexpr int64_t clients = 256;
  std::vector<int64_t> open_bet(clients, 0);
  std::vector<commit_batch> commits;
  std::vector<ledger_write> pending;
  for (int64_t i = 0; i < ops; ++i) {
    auto c = i % clients;
    auto tx =
        std::string{"c"}.append(std::to_string(c)).append("-").append(std::to_string(i));
    if (open_bet[static_cast<size_t>(c)] == 0) {
      auto p = pick(rng);
      auto w = make_write(chains[static_cast<size_t>(p)], p, entry_kind::bet, tx, "",
                          std::string{"r-"}.append(tx), -100);
      set_round(w, false);
      open_bet[static_cast<size_t>(c)] = p;
      pending.push_back(std::move(w));
    } else {
      auto p = open_bet[static_cast<size_t>(c)];
      open_bet[static_cast<size_t>(c)] = 0;
      // The bet this win settles is the client's previous request.
      auto bet_tx = std::string{"c"}
                        .append(std::to_string(c))
                        .append("-")
                        .append(std::to_string(i - clients));
      auto w = make_write(chains[static_cast<size_t>(p)], p, entry_kind::win, tx, bet_tx,
                          std::string{"r-"}.append(bet_tx), i % 3 == 0 ? 250 : 0);
      set_round(w, true);
      pending.push_back(std::move(w));
    }
    if (static_cast<int64_t>(pending.size()) == per_commit || i + 1 == ops) {
      commits.push_back(group_by_player(pending));
      pending.clear();
    }
  }

  agg::bench::latency commit_lat;
  auto cpu_before = agg::bench::process_cpu_us();
  auto steal_before = agg::bench::steal_us();
  auto start = clock_type::now();
  int64_t failed = 0;
  for (auto& batch : commits) {
    std::vector<const std::vector<ledger_write>*> ptrs;
    for (auto& b : batch)
      ptrs.push_back(&b);
    auto t0 = clock_type::now();
    for (const auto& o : appender.append(ptrs))
      failed += o.failed_seq != 0 ? 1 : 0;
    commit_lat.add(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0)
            .count());
  }
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  auto cpu_us = agg::bench::process_cpu_us() - cpu_before;
  auto steal_after = agg::bench::steal_us();
  auto steal_ms = steal_before < 0 ? -1 : (steal_after - steal_before) / 1000;
  auto ops_per_s = static_cast<int64_t>(static_cast<double>(ops) / seconds);
  auto cpu_per_op = static_cast<double>(cpu_us) / static_cast<double>(ops);

  std::cout << "{\"bench\":\"ledger\",\"players\":" << players << ",\"ops\":" << ops
            << ",\"writes_per_commit\":" << per_commit << ",\"ops_per_s\":" << ops_per_s
            << ",\"cpu_us_per_op\":" << cpu_per_op
            << ",\"commit_p50_us\":" << commit_lat.percentile(50)
            << ",\"commit_p99_us\":" << commit_lat.percentile(99)
            << ",\"failed\":" << failed << ",\"steal_ms\":" << steal_ms << "}"
            << std::endl;
  std::cout << "ledger storage alone: " << ops << " writes in " << commits.size()
            << " commits of " << per_commit << " over " << players << " players in "
            << seconds << " s = " << ops_per_s << " writes/s on one thread, "
            << cpu_per_op << " us CPU each; commit p50 " << commit_lat.percentile(50)
            << " us, p99 " << commit_lat.percentile(99) << " us; " << failed
            << " failed; steal " << steal_ms << " ms" << std::endl;
  return failed == 0 ? 0 : 1;
}
