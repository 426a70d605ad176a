// bench_ws: a load generator, run as its own process against a running server.
// Opens N connections, registers a player on each (so every connection is
// authenticated), then sends requests at a fixed total rate spread round-robin over
// the connections, and measures each request's latency until its reply.
//
//   bench_ws --connections 10000 --rate 20000 --duration-s 20 --scenario balance|spin
//            [--host 127.0.0.1] [--port 8080] [--server-pid PID] [--behind-pid PID]
//            [--connect-concurrency 256] [--http-port 8081 --api-key KEY]
//
// scenario balance asks for the balance; scenario spin plays the built-in slot
// (stake 10, each spin a durable debit and credit) and needs the operator API to fund
// the players first (--http-port, --api-key with the admin role).
// The server must allow this: cheap password hashing and no per-address limit for
// loopback (see test/bench/run_bench_ws.sh). Prints one JSON line and a summary.

#include "bench_args.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

struct totals {
  agg::bench::latency lat;
  int64_t sent = 0;
  int64_t errors = 0; // error replies
  std::map<std::string, int64_t> error_codes;
  int64_t failed_connections = 0;
  int64_t closed = 0;
  int64_t ready = 0;
};

class conn : public std::enable_shared_from_this<conn> {
public:
  conn(net::io_context& ioc, totals& t, std::string name, std::function<void()> on_setup)
      : ws_(ioc), resolver_(ioc), t_(t), name_(std::move(name)),
        on_setup_(std::move(on_setup)) {}

  void start(const std::string& host, const std::string& port) {
    host_ = host + ":" + port;
    resolver_.async_resolve(
        host, port, [self = shared_from_this()](auto ec, auto results) {
          if (ec) return self->setup_failed();
          beast::get_lowest_layer(self->ws_).async_connect(
              results, [self](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->setup_failed();
                beast::error_code ignored;
                beast::get_lowest_layer(self->ws_).socket().set_option(
                    tcp::no_delay(true), ignored);
                self->ws_.async_handshake(self->host_, "/v1",
                                          [self](beast::error_code ec) {
                                            if (ec) return self->setup_failed();
                                            self->read();
                                            self->write(json{
                                                {"type", "register"},
                                                {"id", 0},
                                                {"username", self->name_},
                                                {"password", "bench-password-1"},
                                                {"currency",
                                                 "EUR"}}.dump());
                                          });
              });
        });
  }

  bool ready() const { return ready_; }

  // Sends the scenario's request.
  void request(bool spin) {
    auto id = ++next_id_;
    pending_.emplace(id, clock_type::now());
    ++t_.sent;
    if (spin)
      write(
          json{{"type", "play"}, {"id", id}, {"game", "slot-5x3"}, {"stake", 10}}.dump());
    else
      write(json{{"type", "balance"}, {"id", id}}.dump());
  }

  int64_t player_id() const { return player_id_; }

  size_t outstanding() const { return pending_.size(); }

  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

private:
  void setup_failed() {
    if (!setup_done_) {
      setup_done_ = true;
      ++t_.failed_connections;
      on_setup_();
    }
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (self->ready_) ++self->t_.closed;
        self->ready_ = false;
        return self->setup_failed();
      }
      self->on_frame(beast::buffers_to_string(self->buf_.data()));
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void on_frame(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("id")) return; // welcome and pushes
    auto id = j["id"].get<int64_t>();
    if (id == 0) {
      if (j["type"] == "registered") {
        player_id_ = j["player_id"].get<int64_t>();
        ready_ = true;
        ++t_.ready;
        setup_done_ = true;
        on_setup_();
      } else {
        setup_failed();
      }
      return;
    }
    auto i = pending_.find(id);
    if (i == pending_.end()) return;
    t_.lat.add(std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() -
                                                                     i->second)
                   .count());
    pending_.erase(i);
    if (j["type"] == "error") {
      ++t_.errors;
      ++t_.error_codes[j.value("code", "?")];
    }
  }

  void write(std::string text) {
    out_.push_back(std::move(text));
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    ws_.async_write(net::buffer(out_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->out_.pop_front();
                      if (ec || self->out_.empty()) {
                        self->writing_ = false;
                        return;
                      }
                      self->do_write();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  tcp::resolver resolver_;
  beast::flat_buffer buf_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool ready_ = false;
  bool setup_done_ = false;
  totals& t_;
  std::string name_;
  std::string host_;
  std::function<void()> on_setup_;
  int64_t next_id_ = 0;
  int64_t player_id_ = 0;
  std::unordered_map<int64_t, clock_type::time_point> pending_;
};

int64_t rss_kib(int64_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      int64_t kib = 0;
      in >> kib;
      return kib;
    }
    in.ignore(4096, '\n');
  }
  return -1;
}

// Context switches (voluntary and not) of every live thread of `pid` so far, or -1:
// each hand-off to a sleeping thread is one, so per request they count the hops
// between threads, which a noisy machine moves far less than CPU time.
int64_t switches_of(int64_t pid) {
  if (pid <= 0) return -1;
  std::error_code ec;
  auto dir = std::filesystem::path{"/proc"} / std::to_string(pid) / "task";
  int64_t total = 0;
  bool any = false;
  for (const auto& task : std::filesystem::directory_iterator{dir, ec}) {
    std::ifstream in{task.path() / "status"};
    std::string key;
    while (in >> key) {
      if (key == "voluntary_ctxt_switches:" || key == "nonvoluntary_ctxt_switches:") {
        int64_t n = 0;
        if (in >> n) {
          total += n;
          any = true;
        }
      }
      in.ignore(4096, '\n');
    }
  }
  return any ? total : -1;
}

// CPU time (user and system, every thread) the process `pid` has used so far; -1
// when it cannot be read.
int64_t cpu_us_of(int64_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(in, line)) return -1;
  // Fields after the command name (which may hold spaces) start after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest{line.substr(close + 2)};
  std::string field;
  int64_t utime = 0, stime = 0;
  // state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  auto ticks = ::sysconf(_SC_CLK_TCK);
  return ticks > 0 ? (utime + stime) * 1'000'000 / ticks : -1;
}

void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

} // namespace

// What the server's /metrics says of the event feed: the commit-to-subscriber
// histogram (cumulative counts by upper bound in seconds) and the Kafka publisher's lag
// in events (-1 without a publisher).
struct feed_metrics {
  std::vector<std::pair<double, int64_t>> buckets;
  int64_t kafka_lag = -1;
  bool ok = false;
};

feed_metrics scrape_feed(const std::string& host, int64_t http_port) {
  feed_metrics m;
  if (http_port <= 0) return m;
  httplib::Client http{host, static_cast<int>(http_port)};
  http.set_read_timeout(std::chrono::seconds{5});
  auto res = http.Get("/metrics");
  if (!res || res->status != 200) return m;
  std::istringstream in{res->body};
  const std::string bucket = "agg_feed_latency_seconds_bucket{le=\"";
  const std::string lag = "agg_feed_lag_events{subscriber=\"kafka\"} ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(bucket, 0) == 0) {
      auto close = line.find('"', bucket.size());
      auto le = line.substr(bucket.size(), close - bucket.size());
      auto count = std::stoll(line.substr(line.find(' ', close) + 1));
      m.buckets.emplace_back(le == "+Inf" ? 1e9 : std::stod(le), count);
    } else if (line.rfind(lag, 0) == 0) {
      m.kafka_lag = std::stoll(line.substr(lag.size()));
    }
  }
  m.ok = !m.buckets.empty();
  return m;
}

// The upper bound (microseconds) of the bucket holding the p-th percentile of what the
// histogram gained between two scrapes, or -1.
int64_t bucket_percentile(const feed_metrics& before, const feed_metrics& after,
                          double p) {
  if (!before.ok || !after.ok || before.buckets.size() != after.buckets.size()) return -1;
  auto total = after.buckets.back().second - before.buckets.back().second;
  if (total <= 0) return -1;
  for (size_t i = 0; i < after.buckets.size(); ++i) {
    auto n = after.buckets[i].second - before.buckets[i].second;
    if (static_cast<double>(n) >= p / 100.0 * static_cast<double>(total))
      return static_cast<int64_t>(after.buckets[i].first * 1e6);
  }
  return -1;
}

int main(int argc, char** argv) {
  agg::bench::args a{argc, argv};
  auto host = a.str("host", "127.0.0.1");
  auto port = a.str("port", "8080");
  auto connections = a.num("connections", 1000);
  auto rate = a.num("rate", 2000);
  auto duration_s = a.num("duration-s", 10);
  auto scenario = a.str("scenario", "balance");
  auto server_pid = a.num("server-pid", 0);
  // A second server process whose CPU counts too (the owner behind an edge).
  auto behind_pid = a.num("behind-pid", 0);
  auto concurrency = a.num("connect-concurrency", 256);
  auto http_port = a.num("http-port", 0);
  auto api_key = a.str("api-key", "");
  a.reject_unknown();
  if (scenario != "balance" && scenario != "spin") {
    std::cerr << "--scenario: balance or spin" << std::endl;
    return 2;
  }
  bool spin = scenario == "spin";
  if (spin && (http_port <= 0 || api_key.empty())) {
    std::cerr << "--scenario spin needs --http-port and --api-key to fund the players"
              << std::endl;
    return 2;
  }
  raise_fd_limit();
  net::io_context ioc{1};
  totals t;
  std::vector<std::shared_ptr<conn>> conns;
  auto run_id = std::to_string(std::random_device{}() % 1'000'000);
  int64_t started = 0, settled = 0;
  auto rss_before = rss_kib(server_pid);
  std::function<void()> start_next = [&] {
    if (started >= connections) return;
    auto name = "b" + run_id + "x" + std::to_string(started++);
    auto c = std::make_shared<conn>(ioc, t, name, [&] {
      ++settled;
      start_next();
    });
    conns.push_back(c);
    c->start(host, port);
  };
  auto setup_began = clock_type::now();
  for (int64_t i = 0; i < std::min(concurrency, connections); ++i)
    start_next();
  while (settled < connections &&
         clock_type::now() - setup_began < std::chrono::minutes{10})
    ioc.run_for(std::chrono::milliseconds{50});
  auto setup_s = std::chrono::duration<double>(clock_type::now() - setup_began).count();
  // Let the server settle, then read its memory with every connection idle.
  ioc.run_for(std::chrono::seconds{1});
  auto rss_idle = rss_kib(server_pid);

  std::vector<conn*> ready;
  for (auto& c : conns)
    if (c->ready()) ready.push_back(c.get());
  if (ready.empty()) {
    std::cerr << "no connection could be set up" << std::endl;
    return 1;
  }
  if (spin) {
    // Fund every player through the operator API (a few connections in parallel).
    std::atomic<size_t> next_player{0};
    std::atomic<int64_t> funding_errors{0};
    std::vector<std::thread> funders;
    for (int w = 0; w < 8; ++w)
      funders.emplace_back([&] {
        httplib::Client http{host, static_cast<int>(http_port)};
        http.set_default_headers({{"Authorization", "Bearer " + api_key}});
        for (size_t i; (i = next_player++) < ready.size();) {
          auto body = json{
              {"amount", 100'000'000},
              {"idempotency_key", "bench-fund-" + std::to_string(ready[i]->player_id())}};
          auto res = http.Post("/v1/players/" + std::to_string(ready[i]->player_id()) +
                                   "/deposits",
                               body.dump(), "application/json");
          if (!res || res->status / 100 != 2) ++funding_errors;
        }
      });
    // The balance pushes of the deposits arrive meanwhile; keep reading them.
    while (next_player < ready.size())
      ioc.run_for(std::chrono::milliseconds{50});
    for (auto& f : funders)
      f.join();
    ioc.run_for(std::chrono::milliseconds{500});
    if (funding_errors > 0) {
      std::cerr << funding_errors << " deposits failed" << std::endl;
      return 1;
    }
  }
  if (spin) {
    // Warm up: one spin per connection, unmeasured, so that each player's first round
    // (which creates their provably fair seeds) is not what the figures show. At most
    // `warm_inflight` at once: a burst of thousands would be refused vendor_busy, and
    // those players' first rounds would land in the measurement.
    constexpr int64_t warm_inflight = 128;
    size_t warm_next = 0;
    auto warm_end = clock_type::now() + std::chrono::seconds{120};
    while (clock_type::now() < warm_end) {
      int64_t waiting = 0;
      for (auto* c : ready)
        waiting += static_cast<int64_t>(c->outstanding());
      if (waiting == 0 && warm_next >= ready.size()) break;
      for (; waiting < warm_inflight && warm_next < ready.size(); ++waiting)
        ready[warm_next++]->request(spin);
      ioc.run_for(std::chrono::milliseconds{5});
    }
    t.lat.samples_us.clear();
    t.errors = 0;
    t.error_codes.clear();
    t.sent = 0;
  }
  // The feed's figures over the load: its histogram before and after, and the Kafka
  // publisher's lag sampled meanwhile (every 250 ms, off the load's thread).
  auto feed_before = scrape_feed(host, http_port);
  std::atomic<bool> sampling{true};
  std::atomic<int64_t> kafka_lag_max{-1};
  std::thread lag_sampler{[&] {
    while (sampling) {
      auto m = scrape_feed(host, http_port);
      if (m.kafka_lag > kafka_lag_max) kafka_lag_max = m.kafka_lag;
      for (int i = 0; i < 25 && sampling; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  }};
  // Send at `rate` in total, round-robin, on a 1 ms tick.
  auto steal_before = agg::bench::steal_us();
  auto server_cpu_before = cpu_us_of(server_pid);
  auto server_switches_before = switches_of(server_pid);
  auto behind_cpu_before = behind_pid > 0 ? cpu_us_of(behind_pid) : -1;
  auto own_cpu_before = agg::bench::process_cpu_us();
  auto load_began = clock_type::now();
  auto end = load_began + std::chrono::seconds{duration_s};
  double budget = 0;
  size_t next = 0;
  auto last = load_began;
  net::steady_timer tick{ioc};
  std::function<void()> on_tick = [&] {
    auto now = clock_type::now();
    if (now >= end) return;
    budget +=
        static_cast<double>(rate) * std::chrono::duration<double>(now - last).count();
    last = now;
    while (budget >= 1.0) {
      auto* c = ready[next++ % ready.size()];
      if (c->ready()) c->request(spin);
      budget -= 1.0;
    }
    tick.expires_after(std::chrono::milliseconds{1});
    tick.async_wait([&](beast::error_code) { on_tick(); });
  };
  on_tick();
  while (clock_type::now() < end)
    ioc.run_for(std::chrono::milliseconds{100});
  auto load_s = std::chrono::duration<double>(clock_type::now() - load_began).count();
  // Give the last replies a moment; what is still missing counts as timed out.
  auto grace_end = clock_type::now() + std::chrono::seconds{5};
  auto outstanding = [&] {
    int64_t n = 0;
    for (auto* c : ready)
      n += static_cast<int64_t>(c->outstanding());
    return n;
  };
  while (outstanding() > 0 && clock_type::now() < grace_end)
    ioc.run_for(std::chrono::milliseconds{50});
  auto timed_out = outstanding();
  auto server_cpu = cpu_us_of(server_pid);
  auto server_switches = switches_of(server_pid);
  auto behind_cpu = behind_pid > 0 ? cpu_us_of(behind_pid) : -1;
  auto steal = agg::bench::steal_us() - steal_before;
  sampling = false;
  lag_sampler.join();
  auto feed_after = scrape_feed(host, http_port);
  auto feed_p99 = bucket_percentile(feed_before, feed_after, 99);
  auto own_cpu = agg::bench::process_cpu_us() - own_cpu_before;
  int64_t held = 0;
  for (auto* c : ready)
    held += c->ready() ? 1 : 0;
  auto done = static_cast<int64_t>(t.lat.samples_us.size());
  double per_s = static_cast<double>(done) / load_s;
  auto per_request = [&](int64_t cpu_us) {
    return done > 0 && cpu_us >= 0 ? cpu_us / done : -1;
  };
  auto server_per_request = per_request(
      server_cpu >= 0 && server_cpu_before >= 0 ? server_cpu - server_cpu_before : -1);
  auto own_per_request = per_request(own_cpu);
  double switches_per_request =
      done > 0 && server_switches >= 0 && server_switches_before >= 0
          ? static_cast<double>(server_switches - server_switches_before) /
                static_cast<double>(done)
          : -1.0;
  auto behind_per_request = per_request(
      behind_cpu >= 0 && behind_cpu_before >= 0 ? behind_cpu - behind_cpu_before : -1);
  auto per_conn =
      rss_before > 0 && rss_idle > 0 && !ready.empty()
          ? static_cast<double>(rss_idle - rss_before) / static_cast<double>(ready.size())
          : -1.0;
  std::cout << "{\"bench\":\"ws\",\"scenario\":\"" << scenario
            << "\",\"connections\":" << connections
            << ",\"authenticated\":" << ready.size() << ",\"held\":" << held
            << ",\"rate_target\":" << rate
            << ",\"requests_per_s\":" << static_cast<int64_t>(per_s)
            << ",\"p50_us\":" << t.lat.percentile(50)
            << ",\"p99_us\":" << t.lat.percentile(99) << ",\"max_us\":" << t.lat.max()
            << ",\"errors\":" << t.errors << ",\"timeouts\":" << timed_out
            << ",\"failed_connections\":" << t.failed_connections
            << ",\"closed\":" << t.closed << ",\"server_rss_kib_idle\":" << rss_idle
            << ",\"server_rss_kib_per_connection\":" << per_conn
            << ",\"server_cpu_us_per_request\":" << server_per_request
            << ",\"server_switches_per_request\":" << switches_per_request
            << ",\"behind_cpu_us_per_request\":" << behind_per_request
            << ",\"load_cpu_us_per_request\":" << own_per_request
            << ",\"steal_ms\":" << (steal >= 0 ? steal / 1000 : -1)
            << ",\"feed_lag_p99_us\":" << feed_p99
            << ",\"kafka_lag_max_events\":" << kafka_lag_max.load() << "}" << std::endl;
  std::cout << "ws " << scenario << ": " << ready.size() << "/" << connections
            << " authenticated connections in " << setup_s << " s, " << held
            << " held to the end; " << done << " requests in " << load_s
            << " s = " << static_cast<int64_t>(per_s) << "/s (target " << rate
            << "); latency p50 " << t.lat.percentile(50) << " us, p99 "
            << t.lat.percentile(99) << " us, max " << t.lat.max() << " us; " << t.errors
            << " errors, " << timed_out << " timeouts; server RSS " << rss_idle
            << " KiB idle, " << per_conn << " KiB per connection; CPU per request "
            << server_per_request << " us in the server (" << switches_per_request
            << " context switches), " << own_per_request
            << " us in this load generator; steal " << steal / 1000
            << " ms; feed lag p99 <= " << feed_p99 << " us (a bucket's bound)";
  if (kafka_lag_max >= 0)
    std::cout << "; Kafka lag at most " << kafka_lag_max.load() << " events";
  std::cout << std::endl;
  for (auto& [code, n] : t.error_codes)
    std::cout << "  error " << code << ": " << n << std::endl;
  for (auto& c : conns)
    c->close();
  ioc.run_for(std::chrono::milliseconds{200});
  return t.errors == 0 && timed_out == 0 ? 0 : 1;
}
