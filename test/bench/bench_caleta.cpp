// bench_caleta: Caleta's wallet calls against our vendor-facing listener, over
// loopback HTTP with keep-alive, through the whole path (signature check, decode,
// vendor connection, wallet actor, group commit to SQLite with synchronous=FULL).
//
//   bench_caleta [--players 2000] [--clients 48] [--pairs 40000]
//                [--verify on|off|both] [--data-dir DIR] [--http-threads 2]
//                [--commit-window-us 100] [--rate PAIRS_PER_S] [--scheduler-threads 2]
//
// Each client connection plays its share of bet/win pairs (a bet, then its win closing
// the round) as fast as its replies come. With --rate, pairs start on a fixed schedule
// instead (pair k at k/rate seconds, dealt to the clients in turn), and a pair's latency
// counts from its scheduled start, so a server that falls behind is seen to: this is
// "so many pairs per second at what p99", where the closed loop measures the most the
// server does with --clients calls in flight. The default, 48 calls in flight, is the
// concurrency the target implies: at 5,000 pairs/s, 48 clients leave a pair 9.6 ms on
// average (Little's law), about what a p99 of 20 ms allows. Every body is signed with
// Caleta's test key, as Caleta does, before the clock starts: RSA signing is Caleta's
// cost (some 0.3 ms a signature here), and on a 2-core machine it would otherwise eat the
// server's CPU.
// --verify both runs the same load twice in one process, with signature verification
// and without, to show its cost. Prints one JSON line per run and a human summary.
// Both include the CPU time the hypervisor took from the machine during the run
// (steal_ms, from /proc/stat): on a shared virtual machine the same build measures
// far less while its CPUs are taken, and this tells such a run apart.

#include "actors/node.hpp"
#include "bench_args.hpp"
#include "cpu_time.hpp"
#include "gateway/vendor_api.hpp"
#include "latency.hpp"
#include "support/caleta_support.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/system/error_code.hpp>
#include <caf/all.hpp>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>
#include <thread>

using namespace agg;
using agg::bench::latency;
using json = nlohmann::json;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using clock_type = std::chrono::steady_clock;

constexpr const char* game = "cg_bench";

struct run_result {
  std::string verify;
  int64_t pairs = 0;
  int64_t errors = 0;
  double seconds = 0;
  latency pair_lat;
  latency call_lat;
  std::map<std::string, int64_t> statuses;
  int64_t commits = 0;       // ledger transactions during the load
  int64_t commit_writes = 0; // entries they wrote
  int64_t commit_us = 0;     // time spent in them, BEGIN to COMMIT returned
  int64_t cpu_us = 0;        // CPU time of the whole process (server and load)
  int64_t load_cpu_us = 0;   // of it, the load generator's thread
  int64_t steal_us = -1;     // taken by the hypervisor from the machine's CPUs, if known
};

struct session {
  int64_t player = 0;
  std::string token;
};

struct signed_call {
  std::string body;
  std::string signature;
};

// A call as it goes on the wire: request line, headers and body, built before the clock
// starts, so that the load generator spends its CPU on sockets only.
std::string wire_request(const char* op, const signed_call& call) {
  std::string out = std::string{"POST /vendors/caleta/wallet/"} + op +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "X-Auth-Signature: " +
                    call.signature +
                    "\r\nContent-Length: " + std::to_string(call.body.size()) +
                    "\r\n\r\n";
  out += call.body;
  return out;
}

// A bet and its win, each as the bytes of its HTTP request.
struct signed_pair {
  std::string bet;
  std::string win;
};

// Every client's pairs, signed on every core.
std::vector<std::vector<signed_pair>> sign_pairs(const std::vector<session>& sessions,
                                                 int64_t clients, int64_t pairs,
                                                 const std::string& private_pem) {
  std::vector<std::vector<signed_pair>> out(static_cast<size_t>(clients));
  auto key = vendors::caleta::rsa_key::private_from_pem(private_pem);
  auto players = static_cast<int64_t>(sessions.size());
  auto per_client = pairs / clients;
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t c; (c = next++) < clients;) {
      auto& list = out[static_cast<size_t>(c)];
      for (int64_t k = 0; k < per_client; ++k) {
        // Clients take players in turn, so no two clients share one at a time.
        const auto& s = sessions[static_cast<size_t>((c + k * clients) % players)];
        auto tx = "c" + std::to_string(c) + "-" + std::to_string(k);
        json bet{{"token", s.token},
                 {"transaction_uuid", "b" + tx},
                 {"supplier_user", std::to_string(s.player)},
                 {"round_closed", false},
                 {"round", "r" + tx},
                 {"request_uuid", "q" + tx},
                 {"is_free", false},
                 {"game_code", game},
                 {"currency", "EUR"},
                 {"amount", 100'000}};
        auto win = bet;
        win["transaction_uuid"] = "w" + tx;
        win["reference_transaction_uuid"] = "b" + tx;
        win["request_uuid"] = "p" + tx;
        win["round_closed"] = true;
        win["amount"] = 50'000;
        auto b = bet.dump();
        auto w = win.dump();
        list.push_back({wire_request("bet", {b, key.sign(b)}),
                        wire_request("win", {w, key.sign(w)})});
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i)
    threads.emplace_back(work);
  for (auto& t : threads)
    t.join();
  return out;
}

// What a response says, read from the bytes received so far: `complete` once its
// header and its whole body (Content-Length) are in. The server always sends a length.
struct response_view {
  bool complete = false;
  bool malformed = false;
  int status = 0;
  bool keep_alive = true;
  size_t size = 0; // header and body
  std::string_view body;
};

// Beast's case-insensitive comparison, for the header names and values we read.
bool same_name(std::string_view a, std::string_view b) {
  return boost::beast::iequals({a.data(), a.size()}, {b.data(), b.size()});
}

response_view parse_response(std::string_view in) {
  response_view r;
  auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    r.malformed = in.size() > 16384;
    return r;
  }
  auto head = in.substr(0, end + 2);
  auto line_end = head.find("\r\n");
  auto status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1.") {
    r.malformed = true;
    return r;
  }
  r.status = std::atoi(std::string{status_line.substr(9, 3)}.c_str());
  r.keep_alive = status_line[7] == '1';
  std::optional<size_t> length;
  for (size_t pos = line_end + 2; pos < head.size();) {
    auto eol = head.find("\r\n", pos);
    auto field = head.substr(pos, eol - pos);
    pos = eol + 2;
    auto colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    auto name = field.substr(0, colon);
    auto value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    if (same_name(name, "content-length"))
      length =
          static_cast<size_t>(std::strtoull(std::string{value}.c_str(), nullptr, 10));
    else if (same_name(name, "connection"))
      r.keep_alive = same_name(value, "keep-alive");
  }
  if (!length) {
    r.malformed = true;
    return r;
  }
  r.size = end + 4 + *length;
  if (in.size() < r.size) return r;
  r.complete = true;
  r.body = in.substr(end + 4, *length);
  return r;
}

// The "status" of a Caleta answer (our encoder writes it as "status":"..."), or
// http_<code> when there is none.
std::string answer_status(const response_view& r) {
  static constexpr std::string_view key = "\"status\":\"";
  auto at = r.body.find(key);
  if (at != std::string_view::npos) {
    auto from = at + key.size();
    auto to = r.body.find('"', from);
    if (to != std::string_view::npos) return std::string{r.body.substr(from, to - from)};
  }
  return "http_" + std::to_string(r.status);
}

// One client connection: plays its pairs one call at a time, kept alive. Requests are
// written as prepared; responses are read with a minimal parser (status line,
// Content-Length, Connection), as a studio's tuned client would.
class caller : public std::enable_shared_from_this<caller> {
public:
  // `rate` 0: as fast as answers come; else this client's pair j is due at
  // start + (j * clients + index) / rate.
  caller(net::io_context& io, uint16_t port, const std::vector<signed_pair>& work,
         run_result& out, double rate, clock_type::time_point start, size_t index,
         size_t clients)
      : socket_(io), port_(port), work_(work), out_(out), rate_(rate), start_(start),
        index_in_(index), clients_(clients), timer_(io) {}

  void begin() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    in_.clear();
    socket_.async_connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port_},
                          [self = shared_from_this()](boost::system::error_code ec) {
                            if (ec) return self->give_up();
                            self->socket_.set_option(tcp::no_delay{true});
                            self->next();
                          });
  }

private:
  void next() {
    if (index_ >= work_.size()) return;
    const auto& pair = work_[index_];
    if (in_win_) return send(pair.win);
    if (rate_ <= 0) {
      pair_start_ = clock_type::now();
      return send(pair.bet);
    }
    auto due =
        start_ +
        std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(
            static_cast<double>(index_ * clients_ + index_in_) / rate_));
    pair_start_ = due; // a late start counts in the pair's latency
    if (due <= clock_type::now()) return send(pair.bet);
    timer_.expires_at(due);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->give_up();
      self->send(self->work_[self->index_].bet);
    });
  }

  void send(const std::string& wire) {
    call_start_ = clock_type::now();
    net::async_write(
        socket_, net::buffer(wire),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec) return self->give_up();
          self->read();
        });
  }

  void read() {
    auto had = in_.size();
    in_.resize(had + 4096);
    socket_.async_read_some(
        net::buffer(in_.data() + had, 4096),
        [self = shared_from_this(), had](boost::system::error_code ec, std::size_t n) {
          self->in_.resize(had + n);
          if (ec) return self->give_up();
          auto r = parse_response(self->in_);
          if (r.malformed) return self->give_up();
          if (!r.complete) return self->read();
          self->answered(r);
        });
  }

  void answered(const response_view& r) {
    auto now = clock_type::now();
    out_.call_lat.add(
        std::chrono::duration_cast<std::chrono::microseconds>(now - call_start_).count());
    auto status = answer_status(r);
    out_.statuses[status] += 1;
    bool keep_alive = r.keep_alive;
    in_.erase(0, r.size);
    bool ok = status == "RS_OK";
    if (ok && !in_win_) {
      in_win_ = true;
      return proceed(keep_alive);
    }
    if (ok) {
      out_.pairs += 1;
      out_.pair_lat.add(
          std::chrono::duration_cast<std::chrono::microseconds>(now - pair_start_)
              .count());
    } else {
      out_.errors += 1;
    }
    in_win_ = false;
    ++index_;
    proceed(keep_alive);
  }

  // The server hands a kept-alive connection back after a number of requests.
  void proceed(bool keep_alive) {
    if (!keep_alive) return begin();
    next();
  }

  // A broken connection: its remaining pairs count as failed.
  void give_up() {
    out_.statuses["connection_error"] += 1;
    out_.errors += static_cast<int64_t>(work_.size() - index_);
    index_ = work_.size();
  }

  tcp::socket socket_;
  uint16_t port_;
  const std::vector<signed_pair>& work_;
  run_result& out_;
  double rate_;
  clock_type::time_point start_;
  size_t index_in_; // this client's number
  size_t clients_;
  net::steady_timer timer_;
  size_t index_ = 0;
  bool in_win_ = false;
  clock_type::time_point pair_start_;
  clock_type::time_point call_start_;
  std::string in_; // bytes received and not yet consumed
};

run_result run(bool verify, int64_t players, int64_t clients, int64_t pairs,
               int64_t http_threads, int64_t scheduler_threads, int64_t window_us,
               double rate, const std::string& data_dir) {
  test::temp_dir keys;
  auto caleta_keys = test::rsa_pair::generate(keys.file("caleta"));
  auto our_keys = test::rsa_pair::generate(keys.file("operator"));
  test::fake_caleta_games_api games_api{our_keys.public_pem};

  server_options opts;
  opts.data_dir = data_dir;
  opts.vendors = {"caleta"};
  opts.id_filter_bytes = 16 << 20;
  opts.wallet_queue_len_max = 1 << 16;
  opts.commit_window_us = window_us;
  opts.vendor_settings["caleta"] = {{"kind", "caleta"},
                                    {"api_url", games_api.url()},
                                    {"operator_id", "bench"},
                                    {"private_key_file", our_keys.private_file},
                                    {"public_key_file", caleta_keys.public_file},
                                    {"verify_signatures", verify ? "true" : "false"},
                                    {"games", std::string{game} + ":Bench:slots"},
                                    {"concurrency_max", "100000"}};
  if (auto problem = opts.validate()) throw std::runtime_error(*problem);

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", scheduler_threads);
  apply_scheduler_defaults(cfg);
  if (auto policy = std::getenv("AGG_SCHEDULER_POLICY"))
    cfg.set("scheduler.policy", caf::atom_from_string(policy));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  cfg.add_message_types<caf::id_block::agg>();
  caf::actor_system sys{cfg};
  run_result out;
  out.verify = verify ? "on" : "off";
  {
    node n{sys, opts};
    gateway::vendor_api_options vo;
    vo.bind_address = "127.0.0.1";
    vo.port = 0;
    vo.threads = static_cast<int>(http_threads);
    gateway::vendor_api studios{vo, sys, n};
    auto port = studios.start();

    // Fund every player and launch the game for each: a token per player.
    std::vector<session> sessions;
    {
      caf::scoped_actor self{sys};
      for (int64_t p = 1; p <= players; ++p) {
        wallet_request d;
        d.player_id = p;
        d.op = static_cast<uint8_t>(wallet_op::deposit);
        d.source = "operator";
        d.tx_id = "fund-" + std::to_string(p);
        d.currency = "EUR";
        d.amount = 1'000'000'000;
        self->request(n.wallets(), std::chrono::seconds{30}, wallet_atom_v, d)
            .receive([](wallet_receipt&) {},
                     [&](caf::error& e) {
                       throw std::runtime_error("funding failed: " + sys.render(e));
                     });
        launch_request l{p, "caleta", game, "EUR", "en", "MT", ""};
        self->request(n.vendors(), std::chrono::seconds{30}, launch_atom_v, l)
            .receive(
                [&](launch_reply& r) {
                  sessions.push_back({p, r.token});
                },
                [&](caf::error& e) {
                  throw std::runtime_error("launch failed: " + sys.render(e));
                });
      }
    }

    auto work = sign_pairs(sessions, clients, pairs, caleta_keys.private_pem);
    std::cerr << "bench_caleta: " << players << " players launched, " << pairs
              << " pairs signed; load starts" << std::endl;
    std::vector<run_result> per_client(static_cast<size_t>(clients));
    // One load thread drives every client's connection (Asio, asynchronous): the
    // load generator takes as little of the machine's two cores as it can.
    net::io_context io;
    std::vector<std::shared_ptr<caller>> callers;
    const auto& m = *n.stats();
    auto commits_before = m.commits.load();
    auto writes_before = m.commit_writes.load();
    auto commit_us_before = m.commit_latency.sum_us();
    auto cpu_before = agg::bench::process_cpu_us();
    auto steal_before = agg::bench::steal_us();
    auto load_cpu_before = agg::bench::thread_cpu_us();
    auto start = clock_type::now();
    for (int64_t c = 0; c < clients; ++c) {
      callers.push_back(std::make_shared<caller>(
          io, port, work[static_cast<size_t>(c)], per_client[static_cast<size_t>(c)],
          rate, start, static_cast<size_t>(c), static_cast<size_t>(clients)));
      callers.back()->begin();
    }
    io.run();
    out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    out.cpu_us = agg::bench::process_cpu_us() - cpu_before;
    if (auto steal = agg::bench::steal_us(); steal >= 0 && steal_before >= 0)
      out.steal_us = steal - steal_before;
    out.load_cpu_us = agg::bench::thread_cpu_us() - load_cpu_before;
    out.commits = m.commits.load() - commits_before;
    out.commit_writes = m.commit_writes.load() - writes_before;
    out.commit_us = m.commit_latency.sum_us() - commit_us_before;
    for (auto& r : per_client) {
      out.pairs += r.pairs;
      out.errors += r.errors;
      out.pair_lat.merge(r.pair_lat);
      out.call_lat.merge(r.call_lat);
      for (auto& [k, v] : r.statuses)
        out.statuses[k] += v;
    }
    studios.stop();
    n.shutdown(std::chrono::seconds{60});
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  bench::args a{argc, argv};
  auto players = a.num("players", 2000);
  auto clients = a.num("clients", 48);
  auto pairs = a.num("pairs", 40'000);
  // The listener's io threads (vendor_http_threads); they serve any number of
  // connections.
  auto http_threads = a.num("http-threads", 2);
  // CAF's worker threads; 2, as config/aggregator.conf ships (see the README for 1).
  auto scheduler_threads = a.num("scheduler-threads", 2);
  auto window_us = a.num("commit-window-us", server_options{}.commit_window_us);
  auto verify = a.str("verify", "both");
  auto data_dir = a.str("data-dir", "");
  auto rate = static_cast<double>(a.num("rate", 0)); // 0: closed loop
  a.reject_unknown();
  if (players < clients || clients < 1 || pairs < clients || rate < 0 ||
      scheduler_threads < 1 || (verify != "on" && verify != "off" && verify != "both")) {
    std::cerr
        << "usage: bench_caleta [--players N>=clients] [--clients N] "
           "[--pairs N] [--verify on|off|both] [--data-dir DIR] [--rate PAIRS_PER_S] "
           "[--http-threads N] [--scheduler-threads N] [--commit-window-us N]"
        << std::endl;
    return 2;
  }
  std::vector<bool> modes;
  if (verify != "off") modes.push_back(true);
  if (verify != "on") modes.push_back(false);
  std::vector<run_result> results;
  for (bool v : modes) {
    test::temp_dir dir;
    auto where = data_dir.empty() ? dir.str() : data_dir + (v ? "/verify" : "/noverify");
    std::filesystem::create_directories(where);
    results.push_back(run(v, players, clients, pairs, http_threads, scheduler_threads,
                          window_us, rate, where));
  }
  for (auto& r : results) {
    json statuses(r.statuses);
    auto per_s = static_cast<double>(r.pairs) / r.seconds;
    std::cout << json{{"bench", "caleta"},
                      {"verify_signatures", r.verify},
                      {"players", players},
                      {"clients", clients},
                      {"scheduler_threads", scheduler_threads},
                      {"rate_target", static_cast<int64_t>(rate)},
                      {"seconds", r.seconds},
                      {"pairs", r.pairs},
                      {"pairs_per_s", static_cast<int64_t>(per_s)},
                      {"pair_p50_us", r.pair_lat.percentile(50)},
                      {"pair_p99_us", r.pair_lat.percentile(99)},
                      {"call_p50_us", r.call_lat.percentile(50)},
                      {"call_p99_us", r.call_lat.percentile(99)},
                      {"call_max_us", r.call_lat.max()},
                      {"errors", r.errors},
                      {"statuses", statuses},
                      {"commits", r.commits},
                      {"writes_per_commit",
                       r.commits > 0 ? r.commit_writes / r.commits : 0},
                      {"commit_mean_us", r.commits > 0 ? r.commit_us / r.commits : 0},
                      {"cpu_us_per_pair", r.pairs > 0 ? r.cpu_us / r.pairs : 0},
                      {"load_cpu_us_per_pair", r.pairs > 0 ? r.load_cpu_us / r.pairs : 0},
                      {"steal_ms", r.steal_us < 0 ? -1 : r.steal_us / 1000}}
                     .dump()
              << std::endl;
  }
  for (auto& r : results)
    std::cout << "caleta bet+win, signatures "
              << (r.verify == "on" ? "verified" : "skipped") << ": " << r.pairs
              << " pairs from " << clients << " clients"
              << (rate > 0 ? " offered at " + std::to_string(static_cast<int64_t>(rate)) +
                                 " pairs/s"
                           : std::string{})
              << " in " << r.seconds
              << " s = " << static_cast<int64_t>(static_cast<double>(r.pairs) / r.seconds)
              << " pairs/s; pair latency p50 " << r.pair_lat.percentile(50) << " us, p99 "
              << r.pair_lat.percentile(99) << " us; call p99 "
              << r.call_lat.percentile(99) << " us; "
              << (r.pairs > 0 ? r.cpu_us / r.pairs : 0)
              << " us of CPU per pair (server and load generator), of which the load "
              << "generator " << (r.pairs > 0 ? r.load_cpu_us / r.pairs : 0) << " us; "
              << r.errors << " failed pairs; "
              << (r.steal_us < 0 ? std::string{"steal unknown"}
                                 : std::to_string(r.steal_us / 1000) +
                                       " ms of CPU stolen by the hypervisor")
              << " (target: 5,000 pairs/s, p99 <= 20 ms)" << std::endl;
  return 0;
}
