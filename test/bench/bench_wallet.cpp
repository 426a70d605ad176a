// bench_wallet: durable wallet operations per second against a real SQLite file with
// synchronous=FULL, through the whole actor path (registry, wallet, reader lookups,
// group-committing writer).
//
//   bench_wallet --players 10000 --ops 200000 --clients 256 --mode group|per_op
//                [--data-dir DIR] [--commit-window-us 100] [--batch-max 1024] [--seed 1]
//
// Each client keeps one request in flight. The mix per client: a bet, then mostly its
// win (some rollbacks instead), and now and then an exact replay of an earlier
// request. per_op commits every operation alone: the naive baseline. Prints one JSON
// line and a human summary.

#include "actors/core/wallet_errc.hpp"
#include "actors/node.hpp"
#include "bench_args.hpp"
#include "latency.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <random>

using namespace agg;
using agg::bench::latency;

namespace {

using clock_type = std::chrono::steady_clock;

struct client_config {
  int64_t players = 0;
  int64_t ops = 0;
  uint64_t seed = 0;
  int64_t id = 0;
};

struct client_result {
  latency lat;
  int64_t errors = 0;
  int64_t replays = 0;
};

struct client_state {
  client_config cfg;
  registry_actor wallets;
  std::mt19937_64 rng;
  int64_t done = 0;
  int64_t tx_counter = 0;
  // The open bet, if any, waiting for its win or rollback.
  bool have_bet = false;
  wallet_request last_bet;
  wallet_request last_any;
  bool have_any = false;
  client_result result;
  caf::actor report_to;
  static inline const char* name = "bench_client";
};

wallet_request next_request(client_state& st) {
  std::uniform_int_distribution<int> pct{0, 99};
  auto tx = "c" + std::to_string(st.cfg.id) + "-" + std::to_string(st.tx_counter++);
  int roll = pct(st.rng);
  wallet_request r;
  if (st.have_any && roll < 3) return st.last_any; // an exact replay
  if (st.have_bet) {
    st.have_bet = false;
    r.player_id = st.last_bet.player_id;
    r.source = "bench";
    r.tx_id = tx;
    r.ref_tx_id = st.last_bet.tx_id;
    r.round_id = st.last_bet.round_id;
    r.currency = "EUR";
    if (roll < 10) {
      r.op = static_cast<uint8_t>(wallet_op::rollback);
      r.currency.clear();
    } else {
      r.op = static_cast<uint8_t>(wallet_op::credit);
      r.amount = (roll % 3 == 0) ? 250 : 0;
      r.close_round = true;
    }
    return r;
  }
  std::uniform_int_distribution<int64_t> player{1, st.cfg.players};
  r.player_id = player(st.rng);
  r.op = static_cast<uint8_t>(wallet_op::debit);
  r.source = "bench";
  r.tx_id = tx;
  r.round_id = "r-" + tx;
  r.currency = "EUR";
  r.amount = 100;
  st.have_bet = true;
  st.last_bet = r;
  return r;
}

void issue(caf::stateful_actor<client_state>* self) {
  auto& st = self->state;
  if (st.done == st.cfg.ops) {
    self->send(st.report_to, std::move(st.result.lat.samples_us), st.result.errors,
               st.result.replays);
    self->quit();
    return;
  }
  auto req = next_request(st);
  st.last_any = req;
  st.have_any = true;
  auto start = clock_type::now();
  self->request(st.wallets, std::chrono::seconds{60}, wallet_atom_v, std::move(req))
      .then(
          [self, start](wallet_receipt& r) {
            auto& st = self->state;
            st.result.lat.add(std::chrono::duration_cast<std::chrono::microseconds>(
                                  clock_type::now() - start)
                                  .count());
            st.result.replays += r.replayed ? 1 : 0;
            ++st.done;
            issue(self);
          },
          [self](caf::error&) {
            auto& st = self->state;
            ++st.result.errors;
            st.have_bet = false;
            ++st.done;
            issue(self);
          });
}

caf::behavior bench_client(caf::stateful_actor<client_state>* self, client_config cfg,
                           registry_actor wallets, caf::actor report_to) {
  self->state.cfg = cfg;
  self->state.wallets = wallets;
  self->state.rng.seed(cfg.seed);
  self->state.report_to = report_to;
  issue(self);
  return {[](caf::unit_t) {}};
}

void fund_players(caf::scoped_actor& self, const registry_actor& wallets,
                  int64_t players) {
  constexpr int64_t window = 512;
  for (int64_t first = 1; first <= players; first += window) {
    int64_t last = std::min(players, first + window - 1);
    for (int64_t p = first; p <= last; ++p) {
      wallet_request r;
      r.player_id = p;
      r.op = static_cast<uint8_t>(wallet_op::deposit);
      r.source = "operator";
      r.tx_id = "fund-" + std::to_string(p);
      r.currency = "EUR";
      r.amount = 1'000'000'000;
      self->send(wallets, wallet_atom_v, r);
    }
    for (int64_t p = first; p <= last; ++p)
      self->receive([](wallet_receipt&) {},
                    [](caf::error& e) {
                      std::cerr << "funding failed: " << to_string(wallet_error_of(e))
                                << std::endl;
                      std::exit(1);
                    });
  }
}

} // namespace

int main(int argc, char** argv) {
  agg::bench::args a{argc, argv};
  auto players = a.num("players", 10'000);
  auto ops = a.num("ops", 200'000);
  auto clients = a.num("clients", 256);
  auto mode = a.str("mode", "group");
  auto data_dir = a.str("data-dir", "");
  auto window_us = a.num("commit-window-us", server_options{}.commit_window_us);
  auto batch_max = a.num("batch-max", 1024);
  auto seed = a.num("seed", 1);
  auto scheduler_threads = a.num("scheduler-threads", 2);
  a.reject_unknown();
  if (mode != "group" && mode != "per_op") {
    std::cerr << "--mode: group or per_op" << std::endl;
    return 2;
  }
  if (players < 1 || ops < clients || clients < 1) {
    std::cerr << "need players >= 1, clients >= 1, ops >= clients" << std::endl;
    return 2;
  }
  bool own_dir = data_dir.empty();
  if (own_dir)
    data_dir = (std::filesystem::temp_directory_path() /
                ("bench-wallet-" + std::to_string(::getpid())))
                   .string();
  std::filesystem::remove_all(data_dir);

  server_options opts;
  opts.data_dir = data_dir;
  opts.commit_window_us = mode == "group" ? window_us : 0;
  opts.commit_batch_max = mode == "group" ? batch_max : 1;
  opts.wallet_queue_len_max = 1 << 16;
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    return 2;
  }
  std::atomic<int64_t> commits{0};
  std::atomic<int64_t> writes{0};
  node_hooks hooks;
  hooks.before_commit = [&](size_t n) {
    ++commits;
    writes += static_cast<int64_t>(n);
    return false;
  };

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", scheduler_threads);
  apply_scheduler_defaults(cfg);
  if (auto policy = std::getenv("AGG_SCHEDULER_POLICY"))
    cfg.set("scheduler.policy", caf::atom_from_string(policy));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  int64_t measured_commits = 0, measured_writes = 0;
  latency lat;
  int64_t errors = 0, replays = 0;
  double seconds = 0;
  {
    node n{sys, opts, hooks};
    caf::scoped_actor self{sys};
    fund_players(self, n.wallets(), players);
    auto commits_before = commits.load();
    auto writes_before = writes.load();
    auto start = clock_type::now();
    int64_t per_client = ops / clients;
    for (int64_t c = 0; c < clients; ++c)
      sys.spawn(
          bench_client,
          client_config{players, per_client, static_cast<uint64_t>(seed * 7919 + c), c},
          n.wallets(), caf::actor{self});
    for (int64_t c = 0; c < clients; ++c)
      self->receive([&](std::vector<int64_t>& samples, int64_t errs, int64_t reps) {
        lat.samples_us.insert(lat.samples_us.end(), samples.begin(), samples.end());
        errors += errs;
        replays += reps;
      });
    seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    measured_commits = commits.load() - commits_before;
    measured_writes = writes.load() - writes_before;
    n.shutdown(std::chrono::seconds{60});
  }
  auto done = static_cast<int64_t>(lat.samples_us.size()) + errors;
  auto ops_per_s = static_cast<double>(done) / seconds;
  std::cout << "{\"bench\":\"wallet\",\"mode\":\"" << mode << "\",\"players\":" << players
            << ",\"ops\":" << done << ",\"clients\":" << clients
            << ",\"ops_per_s\":" << static_cast<int64_t>(ops_per_s)
            << ",\"p50_us\":" << lat.percentile(50)
            << ",\"p99_us\":" << lat.percentile(99) << ",\"max_us\":" << lat.max()
            << ",\"errors\":" << errors << ",\"replays\":" << replays
            << ",\"commits\":" << measured_commits << ",\"writes_per_commit\":"
            << (measured_commits > 0 ? measured_writes / measured_commits : 0) << "}"
            << std::endl;
  std::cout << "wallet " << mode << ": " << done << " durable ops from " << clients
            << " clients over " << players << " players in " << seconds
            << " s = " << static_cast<int64_t>(ops_per_s) << " ops/s; latency p50 "
            << lat.percentile(50) << " us, p99 " << lat.percentile(99) << " us, max "
            << lat.max() << " us; " << measured_commits << " commits ("
            << (measured_commits > 0 ? measured_writes / measured_commits : 0)
            << " writes each); " << errors << " errors" << std::endl;
  if (own_dir) std::filesystem::remove_all(data_dir);
  return errors == 0 ? 0 : 1;
}
