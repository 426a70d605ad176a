// bench_login: an honest player's login while wrong-password logins flood the server,
// over real WebSocket connections on loopback, with the server's shipped password
// settings (argon2id, 64 MiB, 2 passes, 2 hashing workers).
//
//   bench_login [--seconds 15] [--flood-connections 100] [--honest-every-ms 250]
//               [--data-dir DIR]
//
// Each flood connection sends one login a second with a wrong password for a username
// that does not exist (credential stuffing); the honest player logs in from an address
// of its own on a fresh connection every --honest-every-ms and is timed from sending
// its login to its logged_in. Five runs, back to back in one process: no flood; the
// flood from one address; from 50 addresses (127.0.1.1 to .50); and both floods again
// with address bans off (login_address_ban_ms 0: failures still counted), which shows
// what the per-address fair queue alone does. Prints one JSON line per run and a summary,
// with the process's CPU time and the hypervisor's steal during the run.

#include "bench_args.hpp"
#include "bench_server.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <iostream>
#include <thread>

using namespace agg;
using agg::bench::latency;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

const std::string password = "correct horse battery";

struct scenario {
  std::string name;
  int addresses = 0; // 0: no flood
  bool bans = true;
};

struct outcome {
  latency honest;
  int64_t honest_failed = 0;
  std::map<std::string, int64_t> flood_answers; // by reply type or error code
  int64_t cpu_us = 0;
  int64_t steal_us = -1;
  double seconds = 0;
};

std::string flood_address(int i, int addresses) {
  return "127.0.1." + std::to_string(1 + i % addresses);
}

outcome run(const scenario& s, const std::string& data_dir, int64_t seconds_run,
            int flood_connections, int64_t honest_every_ms) {
  test::temp_dir dir;
  server_options opts;
  opts.data_dir = data_dir.empty() ? dir.str() : data_dir + "/" + s.name;
  opts.ws_bind_address = "127.0.0.1";
  opts.ws_port = 0;
  opts.http_port = 0;
  if (!s.bans) opts.login_address_ban_ms = 0;
  if (auto problem = opts.validate()) throw std::runtime_error(*problem);
  bench::bench_server server{opts, false};
  auto port = server.ws_port;
  {
    test::ws_client c{port, "/v1", "127.0.0.3"};
    c.next();
    auto r = c.request({{"type", "register"},
                        {"username", "honest"},
                        {"password", password},
                        {"currency", "EUR"}},
                       seconds{30});
    if (r["type"] != "registered") throw std::runtime_error("register: " + r.dump());
  }
  outcome out;
  std::atomic<bool> stop{false};
  std::mutex mtx;
  std::vector<std::thread> flood;
  int connections = s.addresses == 0 ? 0 : flood_connections;
  for (int i = 0; i < connections; ++i)
    flood.emplace_back([&, i] {
      test::ws_client c{port, "/v1", flood_address(i, s.addresses)};
      c.next();
      auto next = steady_clock::now() + milliseconds{1000 * i / connections};
      for (int k = 0; !stop; ++k) {
        std::this_thread::sleep_until(next);
        next += seconds{1};
        auto r = c.request(
            {{"type", "login"},
             {"username", "stuffed-" + std::to_string(i) + "-" + std::to_string(k)},
             {"password", "not the password"}},
            seconds{30});
        auto what = r.value("code", r.value("type", std::string{"?"}));
        std::lock_guard<std::mutex> guard{mtx};
        ++out.flood_answers[what];
      }
    });
  // The flood's first seconds fill the queue and the bans; then the honest player.
  std::this_thread::sleep_for(seconds{connections == 0 ? 0 : 3});
  auto cpu0 = bench::process_cpu_us();
  auto steal0 = bench::steal_us();
  auto start = steady_clock::now();
  auto end = start + seconds{seconds_run};
  while (steady_clock::now() < end) {
    auto next = steady_clock::now() + milliseconds{honest_every_ms};
    test::ws_client c{port, "/v1", "127.0.0.3"};
    c.next();
    auto t0 = steady_clock::now();
    auto r = c.request(
        {{"type", "login"}, {"username", "honest"}, {"password", password}}, seconds{30});
    auto us = duration_cast<microseconds>(steady_clock::now() - t0).count();
    if (r["type"] == "logged_in")
      out.honest.add(us);
    else
      ++out.honest_failed;
    std::this_thread::sleep_until(next);
  }
  out.seconds = duration<double>(steady_clock::now() - start).count();
  out.cpu_us = bench::process_cpu_us() - cpu0;
  auto steal1 = bench::steal_us();
  out.steal_us = steal0 < 0 || steal1 < 0 ? -1 : steal1 - steal0;
  stop = true;
  for (auto& t : flood)
    t.join();
  return out;
}

} // namespace

int main(int argc, char** argv) {
  bench::args a{argc, argv};
  auto seconds_run = a.num("seconds", 15);
  auto flood_connections = static_cast<int>(a.num("flood-connections", 100));
  auto honest_every_ms = a.num("honest-every-ms", 250);
  auto data_dir = a.str("data-dir", "");
  a.reject_unknown();
  const std::vector<scenario> scenarios = {{"quiet", 0, true},
                                           {"flood_1_address", 1, true},
                                           {"flood_50_addresses", 50, true},
                                           {"flood_1_address_no_bans", 1, false},
                                           {"flood_50_addresses_no_bans", 50, false}};
  std::vector<std::pair<scenario, outcome>> results;
  for (const auto& s : scenarios) {
    auto o = run(s, data_dir, seconds_run, flood_connections, honest_every_ms);
    json answers = o.flood_answers;
    json line{{"bench", "login"},
              {"scenario", s.name},
              {"flood_connections", s.addresses == 0 ? 0 : flood_connections},
              {"flood_addresses", s.addresses},
              {"address_bans", s.bans},
              {"seconds", o.seconds},
              {"honest_logins", o.honest.samples_us.size()},
              {"honest_failed", o.honest_failed},
              {"honest_p50_ms", o.honest.percentile(50) / 1000.0},
              {"honest_p99_ms", o.honest.percentile(99) / 1000.0},
              {"honest_max_ms", o.honest.max() / 1000.0},
              {"flood_answers", answers},
              {"cpu_ms", o.cpu_us / 1000},
              {"steal_ms", o.steal_us < 0 ? json(nullptr) : json(o.steal_us / 1000)}};
    std::cout << line.dump() << std::endl;
    results.emplace_back(s, std::move(o));
  }
  std::cout << "\nhonest login during a wrong-password flood of " << flood_connections
            << " connections, one login a second each:\n";
  for (auto& [s, o] : results)
    std::cout << "  " << s.name << ": p50 " << o.honest.percentile(50) / 1000.0
              << " ms, p99 " << o.honest.percentile(99) / 1000.0 << " ms, "
              << o.honest.samples_us.size() << " logins, " << o.honest_failed
              << " failed; cpu " << o.cpu_us / 1000 << " ms, steal "
              << (o.steal_us < 0 ? std::string{"n/a"} : std::to_string(o.steal_us / 1000))
              << " ms\n";
  return 0;
}
