// bench_cashier: the cashier's path end to end, over real connections on loopback:
// players ask over WebSocket, the sandbox payment provider answers and calls back
// (HMAC-signed, on the operator port), the wallet credits or reserves, settles, and
// the player is pushed the outcome.
//
//   bench_cashier [--clients 16] [--seconds 15] [--delay-ms 0] [--data-dir DIR]
//
// Each client is one KYC-verified player on its own connection, in a loop: a deposit
// of 1,000 (timed from the request to the push that it is confirmed), then a
// withdrawal of 500, approved without review (timed from the request to the push that
// it is paid). --delay-ms is the sandbox's delay before each callback. Prints one JSON
// line and a summary: payments per second, the latency of each flow, the process's
// CPU time per payment (server and clients: one process) and the hypervisor's steal
// during the run.

#include "bench_args.hpp"
#include "bench_server.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

#include <httplib.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

using namespace agg;
using agg::bench::latency;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

const std::string secret = "sandbox-secret-for-benchmarks-01";
const std::string admin_key = "admin-key-for-benchmarks-0123456";

// Waits for the push that payment `id` reached `status`; false on a timeout or a
// final status other than the one expected.
bool reached(test::ws_client& c, const std::string& id, const std::string& status) {
  auto deadline = steady_clock::now() + seconds{30};
  while (steady_clock::now() < deadline) {
    auto m =
        c.next_of("payment", duration_cast<milliseconds>(deadline - steady_clock::now()));
    if (!m) return false;
    if (m->contains("id") || (*m)["payment_id"] != id) continue;
    auto s = (*m)["status"].get<std::string>();
    if (s == status) return true;
    if (s == "declined" || s == "failed" || s == "rejected" || s == "expired" ||
        s == "cancelled")
      return false;
  }
  return false;
}

// Drops what the server pushed and nobody waits for (balances, the payment's later
// steps), so that the next request's reply is found at once.
void drain(test::ws_client& c) {
  while (c.next(milliseconds{0})) {
  }
}

struct client_result {
  latency deposits;
  latency withdrawals;
  int64_t failed = 0;
};

} // namespace

int main(int argc, char** argv) {
  bench::args a{argc, argv};
  auto clients = static_cast<int>(a.num("clients", 16));
  auto seconds_run = a.num("seconds", 15);
  auto delay_ms = a.num("delay-ms", 0);
  auto data_dir = a.str("data-dir", "");
  a.reject_unknown();

  test::temp_dir dir;
  server_options opts;
  opts.data_dir = data_dir.empty() ? dir.str() : data_dir;
  opts.ws_bind_address = "127.0.0.1";
  opts.ws_port = 0;
  opts.http_port = 0;
  opts.password_mem_kib = 8; // setting up the players is not what is measured
  opts.password_ops_limit = 1;
  opts.payments = {"sandbox"};
  opts.payment_settings["sandbox"] = {{"secret", secret},
                                      {"delay_ms", std::to_string(delay_ms)}};
  opts.withdrawal_auto_approve_max = {"EUR:1000000"};
  opts.api_keys = {"bench:admin:" + admin_key};
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    return 2;
  }
  bench::bench_server server{opts, true};
  auto port = server.ws_port;
  auto http_port = server.http_port;

  // The players: registered, verified, on their own connections.
  std::vector<std::unique_ptr<test::ws_client>> conns;
  httplib::Client op{"127.0.0.1", http_port};
  op.set_default_headers({{"Authorization", "Bearer " + admin_key}});
  for (int i = 0; i < clients; ++i) {
    auto c = std::make_unique<test::ws_client>(port);
    c->next();
    auto r = c->request({{"type", "register"},
                         {"username", "cashier-" + std::to_string(i)},
                         {"password", "correct horse battery"},
                         {"currency", "EUR"}},
                        seconds{30});
    if (r["type"] != "registered") {
      std::cerr << "register: " << r.dump() << std::endl;
      return 1;
    }
    auto kyc =
        op.Put("/v1/players/" + std::to_string(r["player_id"].get<int64_t>()) + "/kyc",
               R"({"status":"verified","level":1})", "application/json");
    if (!kyc || kyc->status != 200) {
      std::cerr << "kyc: " << (kyc ? kyc->body : "no answer") << std::endl;
      return 1;
    }
    conns.push_back(std::move(c));
  }

  std::vector<client_result> results(static_cast<size_t>(clients));
  std::atomic<bool> stop{false};
  auto cpu0 = bench::process_cpu_us();
  auto steal0 = bench::steal_us();
  auto start = steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      auto& c = *conns[static_cast<size_t>(i)];
      auto& out = results[static_cast<size_t>(i)];
      auto instrument = "card-bench-" + std::to_string(i);
      auto flow = [&](const char* type, int64_t amount, const char* final_status,
                      latency& into) {
        drain(c);
        auto t0 = steady_clock::now();
        auto r = c.request({{"type", type},
                            {"amount", amount},
                            {"provider", "sandbox"},
                            {"instrument", instrument}},
                           seconds{30});
        if (r["type"] != "payment" || !reached(c, r["payment_id"], final_status)) {
          ++out.failed;
          return;
        }
        into.add(duration_cast<microseconds>(steady_clock::now() - t0).count());
      };
      while (!stop) {
        flow("deposit", 1'000, "confirmed", out.deposits);
        if (stop) break;
        flow("withdraw", 500, "paid", out.withdrawals);
      }
    });
  std::this_thread::sleep_for(seconds{seconds_run});
  stop = true;
  for (auto& t : threads)
    t.join();
  auto elapsed = duration<double>(steady_clock::now() - start).count();
  auto cpu_us = bench::process_cpu_us() - cpu0;
  auto steal1 = bench::steal_us();
  auto steal = steal0 < 0 || steal1 < 0 ? -1 : steal1 - steal0;

  client_result all;
  for (auto& r : results) {
    all.deposits.merge(r.deposits);
    all.withdrawals.merge(r.withdrawals);
    all.failed += r.failed;
  }
  auto deposits = static_cast<int64_t>(all.deposits.samples_us.size());
  auto withdrawals = static_cast<int64_t>(all.withdrawals.samples_us.size());
  auto payments = deposits + withdrawals;
  auto ms = [](int64_t us) { return static_cast<double>(us) / 1000.0; };
  json line{{"bench", "cashier"},
            {"clients", clients},
            {"sandbox_delay_ms", delay_ms},
            {"seconds", elapsed},
            {"deposits", deposits},
            {"withdrawals", withdrawals},
            {"failed", all.failed},
            {"payments_per_s", static_cast<double>(payments) / elapsed},
            {"deposit_p50_ms", ms(all.deposits.percentile(50))},
            {"deposit_p99_ms", ms(all.deposits.percentile(99))},
            {"withdrawal_p50_ms", ms(all.withdrawals.percentile(50))},
            {"withdrawal_p99_ms", ms(all.withdrawals.percentile(99))},
            {"cpu_us_per_payment", payments > 0 ? cpu_us / payments : 0},
            {"steal_ms", steal < 0 ? json(nullptr) : json(steal / 1000)}};
  std::cout << line.dump() << std::endl;
  std::cout << "\ncashier path, " << clients << " verified players, sandbox delay "
            << delay_ms << " ms, " << elapsed << " s:\n"
            << "  " << payments / elapsed << " payments/s (" << deposits
            << " deposits confirmed, " << withdrawals << " withdrawals paid, "
            << all.failed << " failed)\n"
            << "  deposit, request to confirmed push: p50 "
            << ms(all.deposits.percentile(50)) << " ms, p99 "
            << ms(all.deposits.percentile(99)) << " ms\n"
            << "  withdrawal, request to paid push: p50 "
            << ms(all.withdrawals.percentile(50)) << " ms, p99 "
            << ms(all.withdrawals.percentile(99)) << " ms\n"
            << "  cpu " << (payments > 0 ? cpu_us / payments : 0)
            << " us per payment (server and clients), steal "
            << (steal < 0 ? std::string{"n/a"} : std::to_string(steal / 1000)) << " ms\n";

  conns.clear();
  return all.failed == 0 || payments > 0 ? 0 : 1;
}
