// bench_wallet: durable wallet operations per second against a real SQLite file with
// synchronous=FULL, through the whole actor path (registry, wallet, reader lookups,
// group-committing writer).
//
//   bench_wallet --players 10000 --ops 200000 --clients 256 --mode group|per_op
//                [--events both|on|off] [--data-dir DIR] [--commit-window-us 100]
//                [--batch-max 1024] [--seed 1] [--kafka on|off] [--kafka-broker PATH]
//                [--limits off|both] [--bonus off|both] [--risk off|both]
//
// Each client keeps one request in flight. The mix per client: a bet, then mostly its
// win (some rollbacks instead), and now and then an exact replay of an earlier
// request. per_op commits every operation alone: the naive baseline.
//
// --events both (the default) runs twice, back to back: with the event feed, a
// subscriber that measures the time from each commit to its arrival, and the Kafka
// publisher producing to librdkafka's mock cluster (a process of its own); then with
// no feed at all. --kafka off leaves the publisher out of the first run. Each run prints
// one JSON line and a human summary (CPU per operation and the machine's steal time
// beside the rates; with events, the feed's lag p99 and Kafka's greatest lag), then a
// line comparing the two.
//
// --limits both gives every player an account and runs four times, back to back, with
// the one --events setting (off unless given): with deposit, wager and loss limits for
// every day, week and month on every player (high enough never to refuse a bet, so
// that each bet is checked against all six), then without, without again, and with:
// the comparison takes both runs of each, so that the machine's drift over the runs
// weighs on both alike.
//
// --bonus both does the same with 30% of the players holding an active bonus grant
// (never converted: its wagering is out of reach), whose wagering every bet of theirs
// moves, against none.
//
// --risk both does the same, with the event feed on in every run, with the risk engine
// (every event taken, players scored every 50 bets, cases opened; its lock score set
// out of reach, so that both runs do the same wallet work) against without. The other
// modes run without the risk engine.

#include "actors/core/wallet_errc.hpp"
#include "actors/events/feed_subscription.hpp"
#include "actors/node.hpp"
#include "bench_args.hpp"
#include "common/clock.hpp"
#include "cpu_time.hpp"
#include "latency.hpp"
#include "persistence/play_limits.hpp"
#include "persistence/sqlite.hpp"
#include "support/kafka_broker_process.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

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

// Funds every player; with `bonus`, three players in ten also get an active grant.
void fund_players(caf::scoped_actor& self, const registry_actor& wallets, int64_t players,
                  bool bonus = false) {
  constexpr int64_t window = 512;
  for (int64_t first = 1; first <= players; first += window) {
    int64_t last = std::min(players, first + window - 1);
    int64_t sent = 0;
    for (int64_t p = first; p <= last; ++p) {
      wallet_request r;
      r.player_id = p;
      r.op = static_cast<uint8_t>(wallet_op::deposit);
      r.source = "operator";
      r.tx_id = "fund-" + std::to_string(p);
      r.currency = "EUR";
      r.amount = 1'000'000'000;
      self->send(wallets, wallet_atom_v, r);
      ++sent;
      if (!bonus || p % 10 >= 3) continue;
      bonus_grant g;
      g.grant_id = "bon_bench_" + std::to_string(p);
      g.player_id = p;
      g.campaign_id = "bench";
      g.currency = "EUR";
      g.amount = 1'000'000;
      g.wagering_required = amount_minor_max;
      g.weights = "game:roulette=10;vendor:live=50";
      wallet_request b;
      b.player_id = p;
      b.op = static_cast<uint8_t>(wallet_op::grant_bonus);
      b.source = "bonus";
      b.tx_id = g.grant_id;
      b.currency = "EUR";
      b.amount = g.amount;
      b.grant.push_back(std::move(g));
      self->send(wallets, wallet_atom_v, b);
      ++sent;
    }
    for (int64_t i = 0; i < sent; ++i)
      self->receive([](wallet_receipt&) {},
                    [](caf::error& e) {
                      std::cerr << "funding failed: " << to_string(wallet_error_of(e))
                                << std::endl;
                      std::exit(1);
                    });
  }
}

// A subscriber of the feed like the server's own (not durable): the time from each
// event's commit to its arrival here.
struct lag_probe_state {
  std::unique_ptr<feed_subscription> feed;
  std::vector<int64_t> samples_us;
  static inline const char* name = "bench_feed_probe";
};

caf::behavior lag_probe(caf::stateful_actor<lag_probe_state>* self) {
  subscription_options sub;
  sub.name = "bench";
  self->state.feed = std::make_unique<feed_subscription>(std::move(sub));
  self->state.feed->connect(self);
  self->set_down_handler(
      [self](caf::down_msg& dm) { self->state.feed->on_down(self, dm); });
  return {
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self](events_atom, event_batch& b) {
        auto& st = self->state;
        if (!st.feed->fresh(self, b)) return;
        auto lag = now_us() - b.committed_us;
        st.samples_us.insert(st.samples_us.end(), b.events.size(), lag);
        st.feed->ack(self, b.events.back().gseq());
      },
      [self](caf::get_atom) { return self->state.feed->subscribed(); },
      [self](caf::get_atom, caf::get_atom) { return std::move(self->state.samples_us); },
  };
}

struct run_params {
  std::string mode;
  std::string data_dir;
  int64_t players = 0;
  int64_t ops = 0;
  int64_t clients = 0;
  int64_t window_us = 0;
  int64_t batch_max = 0;
  int64_t seed = 0;
  int64_t scheduler_threads = 2;
  bool kafka = true;        // with events: the Kafka publisher too
  bool accounts = false;    // every player with an account (EUR)
  bool risk = false;        // this run with the risk engine
  std::string kafka_broker; // the mock cluster's executable
};

struct run_result {
  bool events = false;
  bool risk = false;
  bool limits = false;
  bool bonus = false;
  double seconds = 0;
  latency lat;
  int64_t done = 0;
  int64_t errors = 0;
  int64_t replays = 0;
  int64_t commits = 0;
  int64_t writes = 0;
  int64_t cpu_us = 0;
  int64_t steal_us = 0;
  latency feed_lag;            // commit to a subscriber, per event
  int64_t kafka_lag_max = -1;  // events committed and not yet acknowledged by Kafka
  int64_t kafka_drain_ms = -1; // from the load's end until Kafka had every event
  int64_t kafka_delivered = 0;
};

// Waits until the subscriber `find()` gives (an actor answering get_atom with a bool)
// says it is subscribed; returns it.
template <class Find>
caf::actor await_subscribed(caf::scoped_actor& self, const char* what, Find find) {
  for (int i = 0; i < 5'000; ++i) {
    bool yes = false;
    auto a = find();
    if (a)
      self->request(a, std::chrono::seconds{5}, caf::get_atom_v)
          .receive([&](bool b) { yes = b; }, [](caf::error&) {});
    if (yes) return a;
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  std::cerr << what << " did not subscribe to the feed" << std::endl;
  std::exit(1);
}

// The last gseq Kafka acknowledged with every one before it (-1 when unknown).
int64_t kafka_acked(caf::scoped_actor& self, const caf::actor& publisher) {
  int64_t acked = -1;
  self->request(publisher, std::chrono::seconds{5}, stats_atom_v)
      .receive([&](int64_t a) { acked = a; }, [](caf::error&) {});
  return acked;
}

// Accounts for players 1..players and, with `limits`, every money limit on each.
void add_accounts(const std::string& db_path, int64_t players, bool limits) {
  auto conn =
      db::connection::open(db_path, db::open_mode::read_write_create, db::tuning{});
  conn.exec("BEGIN");
  auto account = conn.prepare(
      "INSERT INTO accounts(username, password_hash, email, currency, status, "
      "tokens_valid_after_us, created_us, updated_us) VALUES (?, 'x', '', 'EUR', 1, 0, "
      "0, "
      "0)");
  auto limit = conn.prepare("INSERT INTO rg_limits(player_id, kind, amount, pending, "
                            "pending_from_us, updated_us) VALUES (?, ?, ?, -1, 0, 0)");
  for (int64_t p = 1; p <= players; ++p) {
    account.bind(1, "bench" + std::to_string(p)).run();
    if (!limits) continue;
    for (auto kind = static_cast<int64_t>(limit_kind::deposit_day);
         kind <= static_cast<int64_t>(limit_kind::wager_month); ++kind)
      limit.bind(1, p).bind(2, kind).bind(3, int64_t{1'000'000'000'000'000}).run();
  }
  conn.exec("COMMIT");
}

run_result run_once(const run_params& p, bool events, bool limits = false,
                    bool bonus = false) {
  run_result out;
  out.events = events;
  out.limits = limits;
  out.bonus = bonus;
  out.risk = p.risk;
  std::filesystem::remove_all(p.data_dir);
  server_options opts;
  opts.data_dir = p.data_dir;
  opts.commit_window_us = p.mode == "group" ? p.window_us : 0;
  opts.commit_batch_max = p.mode == "group" ? p.batch_max : 1;
  opts.wallet_queue_len_max = 1 << 16;
  opts.risk_enabled = p.risk;
  opts.risk_lock_score = 1.0; // scored and cased, never locked: the same work
  std::unique_ptr<agg::test::kafka_broker_process> broker;
  if (events && p.kafka) {
    broker = std::make_unique<agg::test::kafka_broker_process>(p.kafka_broker);
    opts.kafka.enabled = true;
    opts.kafka.brokers = broker->bootstrap;
    opts.kafka.settings = {"log_level=3"};
  }
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    std::exit(2);
  }
  std::atomic<int64_t> commits{0};
  std::atomic<int64_t> writes{0};
  node_hooks hooks;
  hooks.without_feed = !events;
  hooks.before_commit = [&](size_t n) {
    ++commits;
    writes += static_cast<int64_t>(n);
    return false;
  };

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", p.scheduler_threads);
  apply_scheduler_defaults(cfg);
  if (auto policy = std::getenv("AGG_SCHEDULER_POLICY"))
    cfg.set("scheduler.policy", caf::atom_from_string(policy));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  {
    node n{sys, opts, hooks};
    caf::scoped_actor self{sys};
    caf::actor probe;
    caf::actor publisher;
    if (events) {
      probe = sys.spawn(lag_probe);
      await_subscribed(self, "the lag probe", [&] { return probe; });
      if (p.kafka)
        publisher = await_subscribed(self, "the Kafka publisher", [&] {
          return caf::actor_cast<caf::actor>(sys.registry().get(kafka_publisher_name()));
        });
    }
    if (p.accounts) add_accounts(opts.db_path(), p.players, limits);
    fund_players(self, n.wallets(), p.players, bonus);
    // Kafka's lag, sampled every 5 ms while the load runs.
    std::atomic<bool> sampling{events};
    std::atomic<int64_t> lag_max{0};
    std::thread sampler;
    if (events && publisher)
      sampler = std::thread{[&] {
        caf::scoped_actor me{sys};
        while (sampling) {
          auto head = n.stats()->chain_head_gseq.load();
          auto acked = kafka_acked(me, publisher);
          if (acked >= 0) lag_max = std::max(lag_max.load(), head - acked);
          std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
      }};
    auto commits_before = commits.load();
    auto writes_before = writes.load();
    auto cpu_before = agg::bench::process_cpu_us();
    auto steal_before = agg::bench::steal_us();
    auto start = clock_type::now();
    int64_t per_client = p.ops / p.clients;
    for (int64_t c = 0; c < p.clients; ++c)
      sys.spawn(bench_client,
                client_config{p.players, per_client,
                              static_cast<uint64_t>(p.seed * 7919 + c), c},
                n.wallets(), caf::actor{self});
    for (int64_t c = 0; c < p.clients; ++c)
      self->receive([&](std::vector<int64_t>& samples, int64_t errs, int64_t reps) {
        out.lat.samples_us.insert(out.lat.samples_us.end(), samples.begin(),
                                  samples.end());
        out.errors += errs;
        out.replays += reps;
      });
    auto load_end = clock_type::now();
    out.seconds = std::chrono::duration<double>(load_end - start).count();
    out.cpu_us = agg::bench::process_cpu_us() - cpu_before;
    out.steal_us = agg::bench::steal_us() - steal_before;
    out.commits = commits.load() - commits_before;
    out.writes = writes.load() - writes_before;
    if (events) {
      // Until Kafka has every event (bounded).
      auto head = n.stats()->chain_head_gseq.load();
      auto deadline = load_end + std::chrono::seconds{120};
      while (publisher && kafka_acked(self, publisher) < head &&
             clock_type::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
      if (kafka_acked(self, publisher) >= head)
        out.kafka_drain_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 clock_type::now() - load_end)
                                 .count();
      sampling = false;
      if (sampler.joinable()) sampler.join();
      out.kafka_lag_max = lag_max.load();
      out.kafka_delivered = n.stats()->kafka_delivered.load();
      self->request(probe, std::chrono::seconds{30}, caf::get_atom_v, caf::get_atom_v)
          .receive(
              [&](std::vector<int64_t>& s) { out.feed_lag.samples_us = std::move(s); },
              [](caf::error&) {});
      self->send_exit(probe, caf::exit_reason::user_shutdown);
    }
    n.shutdown(std::chrono::seconds{60});
  }
  out.done = static_cast<int64_t>(out.lat.samples_us.size()) + out.errors;
  return out;
}

void print(const run_params& p, run_result& r) {
  auto ops_per_s = static_cast<double>(r.done) / r.seconds;
  auto cpu_per_op = r.done > 0 ? r.cpu_us / r.done : 0;
  auto per_commit = r.commits > 0 ? r.writes / r.commits : 0;
  std::cout << "{\"bench\":\"wallet\",\"mode\":\"" << p.mode << "\",\"events\":\""
            << (r.events ? "on" : "off") << "\",\"limits\":\""
            << (r.limits ? "on" : "off") << "\",\"bonus\":\"" << (r.bonus ? "on" : "off")
            << "\",\"risk\":\"" << (r.risk ? "on" : "off")
            << "\",\"players\":" << p.players << ",\"ops\":" << r.done
            << ",\"clients\":" << p.clients
            << ",\"ops_per_s\":" << static_cast<int64_t>(ops_per_s)
            << ",\"p50_us\":" << r.lat.percentile(50)
            << ",\"p99_us\":" << r.lat.percentile(99) << ",\"max_us\":" << r.lat.max()
            << ",\"cpu_us_per_op\":" << cpu_per_op
            << ",\"steal_ms\":" << (r.steal_us >= 0 ? r.steal_us / 1000 : -1)
            << ",\"errors\":" << r.errors << ",\"replays\":" << r.replays
            << ",\"commits\":" << r.commits << ",\"writes_per_commit\":" << per_commit;
  if (r.events)
    std::cout << ",\"feed_lag_p50_us\":" << r.feed_lag.percentile(50)
              << ",\"feed_lag_p99_us\":" << r.feed_lag.percentile(99)
              << ",\"kafka_lag_max_events\":" << r.kafka_lag_max
              << ",\"kafka_drain_ms\":" << r.kafka_drain_ms
              << ",\"kafka_delivered\":" << r.kafka_delivered;
  std::cout << "}" << std::endl;
  std::cout << "wallet " << p.mode << ", events " << (r.events ? "on" : "off")
            << ", limits " << (r.limits ? "on" : "off") << ", bonus "
            << (r.bonus ? "on" : "off") << ": " << r.done << " durable ops from "
            << p.clients << " clients over " << p.players << " players in " << r.seconds
            << " s = " << static_cast<int64_t>(ops_per_s) << " ops/s, " << cpu_per_op
            << " us CPU each (steal " << r.steal_us / 1000 << " ms); latency p50 "
            << r.lat.percentile(50) << " us, p99 " << r.lat.percentile(99) << " us, max "
            << r.lat.max() << " us; " << r.commits << " commits (" << per_commit
            << " writes each); " << r.errors << " errors" << std::endl;
  if (r.events)
    std::cout << "  feed: commit to subscriber p50 " << r.feed_lag.percentile(50)
              << " us, p99 " << r.feed_lag.percentile(99)
              << " us; Kafka (mock cluster): " << r.kafka_delivered
              << " events acknowledged, lag at most " << r.kafka_lag_max
              << " events, all in " << r.kafka_drain_ms << " ms after the load"
              << std::endl;
}

} // namespace

int main(int argc, char** argv) {
  agg::bench::args a{argc, argv};
  run_params p;
  p.players = a.num("players", 10'000);
  p.ops = a.num("ops", 200'000);
  p.clients = a.num("clients", 256);
  p.mode = a.str("mode", "group");
  p.data_dir = a.str("data-dir", "");
  p.window_us = a.num("commit-window-us", server_options{}.commit_window_us);
  p.batch_max = a.num("batch-max", 1024);
  p.seed = a.num("seed", 1);
  p.scheduler_threads = a.num("scheduler-threads", 2);
  auto limits = a.str("limits", "off");
  auto bonus = a.str("bonus", "off");
  auto risk = a.str("risk", "off");
  auto events = a.str("events", limits == "both" || bonus == "both" ? "off"
                                : risk == "both"                    ? "on"
                                                                    : "both");
  p.kafka = a.str("kafka", "on") != "off";
  p.kafka_broker = a.str("kafka-broker", KAFKA_BROKER_PATH);
  a.reject_unknown();
  if (p.mode != "group" && p.mode != "per_op") {
    std::cerr << "--mode: group or per_op" << std::endl;
    return 2;
  }
  if (limits != "off" && limits != "both") {
    std::cerr << "--limits: off or both" << std::endl;
    return 2;
  }
  if (bonus != "off" && bonus != "both") {
    std::cerr << "--bonus: off or both" << std::endl;
    return 2;
  }
  if ((limits == "both" || bonus == "both") && events == "both") {
    std::cerr << "--limits both, --bonus both: --events on or off" << std::endl;
    return 2;
  }
  if ((limits == "both") + (bonus == "both") + (risk == "both") > 1) {
    std::cerr << "--limits both, --bonus both, --risk both: one at a time" << std::endl;
    return 2;
  }
  if (risk != "off" && risk != "both") {
    std::cerr << "--risk: off or both" << std::endl;
    return 2;
  }
  if (risk == "both" && events != "on") {
    std::cerr << "--risk both: the engine reads the feed (--events on)" << std::endl;
    return 2;
  }
  p.accounts = limits == "both";
  if (events != "on" && events != "off" && events != "both") {
    std::cerr << "--events: on, off or both" << std::endl;
    return 2;
  }
  if (p.players < 1 || p.ops < p.clients || p.clients < 1) {
    std::cerr << "need players >= 1, clients >= 1, ops >= clients" << std::endl;
    return 2;
  }
  bool own_dir = p.data_dir.empty();
  if (own_dir)
    p.data_dir = (std::filesystem::temp_directory_path() /
                  ("bench-wallet-" + std::to_string(::getpid())))
                     .string();
  std::vector<run_result> runs;
  bool ab = limits == "both" || bonus == "both" || risk == "both";
  if (risk == "both") {
    p.kafka = false; // the feed and the engine only
    for (bool on : {true, false, false, true}) {
      p.risk = on;
      runs.push_back(run_once(p, true));
    }
  } else if (ab) {
    // On, off, off, on: a drift of the machine over the runs weighs on both alike.
    bool l = limits == "both", b = bonus == "both";
    runs.push_back(run_once(p, events == "on", l, b));
    runs.push_back(run_once(p, events == "on", false, false));
    runs.push_back(run_once(p, events == "on", false, false));
    runs.push_back(run_once(p, events == "on", l, b));
  } else {
    if (events != "off") runs.push_back(run_once(p, true));
    if (events != "on") runs.push_back(run_once(p, false));
  }
  int64_t errors = 0;
  for (auto& r : runs) {
    print(p, r);
    errors += r.errors;
  }
  auto rate = [](const run_result& r) { return static_cast<double>(r.done) / r.seconds; };
  if (ab) {
    // Both runs of each, by their total work over their total time.
    auto pair = [&](size_t a, size_t b) {
      return static_cast<double>(runs[a].done + runs[b].done) /
             (runs[a].seconds + runs[b].seconds);
    };
    auto cpu = [&](size_t a, size_t b) {
      return (runs[a].cpu_us + runs[b].cpu_us) /
             std::max<int64_t>(1, runs[a].done + runs[b].done);
    };
    auto on = pair(0, 3), off = pair(1, 2);
    auto ratio = on / off;
    std::cout << "{\"bench\":\""
              << (bonus == "both"  ? "wallet_bonus"
                  : risk == "both" ? "wallet_risk"
                                   : "wallet_limits")
              << "\",\"on_ops_per_s\":" << static_cast<int64_t>(on)
              << ",\"off_ops_per_s\":" << static_cast<int64_t>(off)
              << ",\"on_cpu_us_per_op\":" << cpu(0, 3)
              << ",\"off_cpu_us_per_op\":" << cpu(1, 2) << ",\"on_over_off\":" << ratio
              << "}" << std::endl;
    std::cout << (bonus == "both"
                      ? "bonus on (30% of players with an active grant, wagered by "
                        "each of their bets) ran at "
                  : risk == "both"
                      ? "risk on (every event taken, players scored every 50 bets, "
                        "cases opened) ran at "
                      : "limits on (six money limits per player, each bet checked) ran "
                        "at ")
              << static_cast<int>(ratio * 100 + 0.5)
              << "% of off (runs on, off, off, on, back to back; " << cpu(0, 3)
              << " against " << cpu(1, 2) << " us CPU per op)" << std::endl;
  } else if (runs.size() == 2) {
    auto ratio = rate(runs[0]) / rate(runs[1]);
    std::cout << "{\"bench\":\"wallet_events\",\"on_ops_per_s\":"
              << static_cast<int64_t>(rate(runs[0]))
              << ",\"off_ops_per_s\":" << static_cast<int64_t>(rate(runs[1]))
              << ",\"on_over_off\":" << ratio << "}" << std::endl;
    std::cout << "events on (feed, a subscriber, Kafka to the mock cluster) ran at "
              << static_cast<int>(ratio * 100 + 0.5) << "% of off, back to back"
              << std::endl;
  }
  if (own_dir) std::filesystem::remove_all(p.data_dir);
  return errors == 0 ? 0 : 1;
}
