// bench_risk_gate: the withdrawal gate's decision time (docs/risk.md) while the risk
// engine reads a busy event feed, on a real SQLite file.
//
//   bench_risk_gate [--players 2000] [--bettors 64] [--askers 8] [--seconds 10]
//
// `bettors` clients bet and win on `players` players through the wallets, as fast as
// their answers come. Each of `askers` clients has players of its own that have bet
// (so that they are scored) and, in a loop, reserves a withdrawal (a withdrawal entry
// keyed by a fresh payment id) and asks the risk gate at once, as the cashier does: the
// decision waits until the engine has taken that reservation from the feed, then
// scores the player. Prints one JSON line (the gate's p50, p99 and max, the bets
// beside it, CPU per wallet operation, steal) and a human summary.

#include "actors/node.hpp"
#include "bench_args.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"
#include "support/wallet_requests.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace agg;

namespace {

constexpr auto timeout = std::chrono::seconds{15};

bool call(caf::scoped_actor& self, const registry_actor& wallets, wallet_request r) {
  bool ok = false;
  self->request(wallets, timeout, wallet_atom_v, std::move(r))
      .receive([&](const wallet_receipt&) { ok = true; }, [](const caf::error&) {});
  return ok;
}

} // namespace

int main(int argc, char** argv) {
  bench::args a{argc, argv};
  auto players = a.num("players", 2'000);
  auto bettors = a.num("bettors", 64);
  auto askers = a.num("askers", 8);
  auto seconds = a.num("seconds", 10);
  a.reject_unknown();
  if (players < bettors || bettors < 1 || askers < 1 || seconds < 1) {
    std::cerr << "need players >= bettors >= 1, askers >= 1, seconds >= 1" << std::endl;
    return 2;
  }
  auto dir = (std::filesystem::temp_directory_path() /
              ("bench-risk-gate-" + std::to_string(::getpid())))
                 .string();
  std::filesystem::create_directories(dir);
  server_options opts;
  opts.data_dir = dir;
  opts.risk_lock_score = 1.0; // scored and cased, never locked: the load stays the same
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  apply_scheduler_defaults(cfg);
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  cfg.add_message_types<caf::id_block::agg>();
  caf::actor_system sys{cfg};
  bench::latency gate;
  std::atomic<int64_t> bets{0};
  std::atomic<int64_t> ops{0};
  std::atomic<int64_t> errors{0};
  int64_t refused = 0, held = 0;
  double elapsed = 0;
  int64_t cpu_us = 0, steal = 0;
  {
    node n{sys, opts};
    auto wallets = n.wallets();
    auto risk = n.risk();
    {
      caf::scoped_actor self{sys};
      for (int64_t p = 1; p <= players + askers; ++p)
        if (!call(self, wallets, test::deposit(p, "d" + std::to_string(p), 100'000'000)))
          ++errors;
    }
    std::atomic<bool> stop{false};
    std::mutex mtx;
    std::vector<std::thread> threads;
    auto cpu0 = bench::process_cpu_us();
    auto steal0 = bench::steal_us();
    auto t0 = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < bettors; ++b)
      threads.emplace_back([&, b] {
        caf::scoped_actor self{sys};
        for (int64_t i = 0; !stop; ++i) {
          auto player = 1 + (b + i * bettors) % players;
          auto round = "r" + std::to_string(b) + "_" + std::to_string(i);
          auto bet = test::bet(player, round + ":bet", 100, round);
          bet.game_id = "slot-5x3";
          if (!call(self, wallets, std::move(bet))) ++errors;
          if (!call(self, wallets,
                    test::win(player, round + ":win", i % 3 == 0 ? 200 : 0, round,
                              round + ":bet")))
            ++errors;
          bets.fetch_add(1, std::memory_order_relaxed);
          ops.fetch_add(2, std::memory_order_relaxed);
        }
      });
    for (int64_t k = 0; k < askers; ++k)
      threads.emplace_back([&, k] {
        caf::scoped_actor self{sys};
        auto player = players + 1 + k;
        for (int i = 0; i < 30; ++i) { // played enough to be scored
          auto round = "a" + std::to_string(k) + "_" + std::to_string(i);
          call(self, wallets, test::bet(player, round + ":bet", 100, round));
        }
        bench::latency mine;
        int64_t mine_refused = 0, mine_held = 0;
        for (int64_t i = 0; !stop; ++i) {
          auto payment = "pay_bench_" + std::to_string(k) + "_" + std::to_string(i);
          if (!call(self, wallets, test::withdraw(player, payment, 100))) {
            ++errors;
            continue;
          }
          payment_view v;
          v.payment_id = payment;
          v.player_id = player;
          v.kind = "payout";
          v.currency = "EUR";
          v.amount = 100;
          auto asked = std::chrono::steady_clock::now();
          self->request(risk, timeout, gate_atom_v, v)
              .receive(
                  [&](const gate_decision& d) {
                    mine.add(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - asked)
                                 .count());
                    mine_refused += d.allow ? 0 : 1;
                    mine_held += d.allow && d.hold ? 1 : 0;
                  },
                  [&](const caf::error&) { ++errors; });
          ops.fetch_add(1, std::memory_order_relaxed);
        }
        std::lock_guard lock{mtx};
        for (auto s : mine.samples_us)
          gate.add(s);
        refused += mine_refused;
        held += mine_held;
      });
    std::this_thread::sleep_for(std::chrono::seconds{seconds});
    stop = true;
    for (auto& t : threads)
      t.join();
    elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cpu_us = bench::process_cpu_us() - cpu0;
    auto s1 = bench::steal_us();
    steal = steal0 >= 0 && s1 >= 0 ? s1 - steal0 : -1;
    n.shutdown(std::chrono::seconds{10});
  }
  std::filesystem::remove_all(dir);
  auto decisions = static_cast<int64_t>(gate.samples_us.size());
  auto cpu_per_op = ops > 0 ? cpu_us / ops : 0;
  std::cout << "{\"bench\":\"risk_gate\",\"players\":" << players
            << ",\"bettors\":" << bettors << ",\"askers\":" << askers
            << ",\"decisions\":" << decisions << ",\"refused\":" << refused
            << ",\"held\":" << held << ",\"gate_p50_us\":" << gate.percentile(50)
            << ",\"gate_p99_us\":" << gate.percentile(99)
            << ",\"gate_max_us\":" << gate.max()
            << ",\"bets_per_s\":" << static_cast<int64_t>(bets / elapsed)
            << ",\"cpu_us_per_op\":" << cpu_per_op
            << ",\"steal_ms\":" << (steal >= 0 ? steal / 1000 : -1)
            << ",\"errors\":" << errors << "}" << std::endl;
  std::cout << "risk gate: " << decisions << " decisions in " << elapsed << " s beside "
            << static_cast<int64_t>(bets / elapsed) << " bets/s; decision p50 "
            << gate.percentile(50) << " us, p99 " << gate.percentile(99) << " us, max "
            << gate.max() << " us; " << cpu_per_op
            << " us CPU per wallet operation (steal " << (steal >= 0 ? steal / 1000 : -1)
            << " ms); " << errors << " errors" << std::endl;
  return errors == 0 ? 0 : 1;
}
