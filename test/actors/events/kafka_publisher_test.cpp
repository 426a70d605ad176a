// The Kafka publisher against librdkafka's mock cluster, run in a process of its own
// (kafka_mock_broker), with the server as a real process: every committed event
// reaches its topic, keyed by player, in order per player; with the brokers down
// money still moves and the lag shows in /metrics, and the backlog goes out in order
// when they return; injected produce errors are retried without loss or reordering;
// and after SIGKILL mid-publish every event is on its topic at least once, and a
// consumer that drops duplicates by id sees each exactly once, in order per player.

#include "support/kafka_broker_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <thread>

using namespace agg::test;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Waits scrape /metrics: often enough, and not so often that the scrapes load the
// server under test.
constexpr auto scrape_poll = 20ms;

const std::string admin = "admin-key-0123456789abcdef";

// The mock cluster's process, with each command checked.
struct broker_process : kafka_broker_process {
  broker_process() : kafka_broker_process(KAFKA_BROKER_PATH) {}
  void command(const std::string& c) { CHECK(kafka_broker_process::command(c) == "ok"); }
};

struct record {
  std::string topic;
  std::string key;
  int64_t id = 0;
  json value;
};

// Reads both topics from the beginning, without a consumer group.
class consumer {
public:
  explicit consumer(const std::string& bootstrap) {
    char err[512];
    auto* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", "test", err, sizeof err);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    REQUIRE(rk_);
    rd_kafka_poll_set_consumer(rk_);
    auto* parts = rd_kafka_topic_partition_list_new(8);
    for (const char* topic : {"agg.wallet", "agg.activity"})
      for (int p = 0; p < 4; ++p)
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    REQUIRE(rd_kafka_assign(rk_, parts) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(parts);
  }
  ~consumer() {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }

  // Reads until every id in `want` has been seen (bounded).
  void read_until(const std::set<int64_t>& want, std::chrono::seconds limit = 60s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    auto missing = [&] {
      for (auto id : want)
        if (!seen_.count(id)) return true;
      return false;
    };
    while (missing() && std::chrono::steady_clock::now() < deadline) {
      auto* m = rd_kafka_consumer_poll(rk_, 100);
      if (!m) continue;
      if (!m->err) {
        record r;
        r.topic = rd_kafka_topic_name(m->rkt);
        r.key.assign(static_cast<const char*>(m->key), m->key_len);
        r.value = json::parse(static_cast<const char*>(m->payload),
                              static_cast<const char*>(m->payload) + m->len);
        const void* v = nullptr;
        size_t n = 0;
        rd_kafka_headers_t* hdrs = nullptr;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            rd_kafka_header_get_last(hdrs, "id", &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR)
          r.id = std::stoll(std::string{static_cast<const char*>(v), n});
        seen_.insert(r.id);
        records.push_back(std::move(r));
      }
      rd_kafka_message_destroy(m);
    }
  }

  std::vector<record> records; // in the order read (per partition: the topic's order)

private:
  rd_kafka_t* rk_ = nullptr;
  std::set<int64_t> seen_;
};

struct server {
  server(const temp_dir& dir, const std::string& bootstrap)
      : proc(AGGREGATOR_PATH,
             {"--aggregator.data_dir=" + dir.str(),
              "--aggregator.ws_bind_address=127.0.0.1", "--aggregator.ws_port=0",
              "--aggregator.http_port=0", "--aggregator.vendor_http_port=0",
              "--aggregator.password_mem_kib=8192", "--aggregator.password_ops_limit=1",
              "--aggregator.api_keys=[\"ops:admin:" + admin + "\"]",
              "--events.kafka.enabled", "--events.kafka.brokers=" + bootstrap,
              "--events.kafka.retry_ms=100",
              "--events.kafka.settings=[\"linger.ms=2\"]"}) {}

  httplib::Client http() {
    httplib::Client c{"127.0.0.1", proc.http_port};
    c.set_connection_timeout(5s);
    c.set_read_timeout(20s);
    c.set_default_headers({{"Authorization", "Bearer " + admin}});
    return c;
  }

  int64_t create_player(const std::string& name) {
    auto res = http().Post("/v1/players",
                           json{{"username", name},
                                {"password", "correct horse battery"},
                                {"currency", "EUR"}}
                               .dump(),
                           "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 201);
    return json::parse(res->body)["player_id"].get<int64_t>();
  }

  // True when the deposit was acknowledged.
  bool deposit(httplib::Client& c, int64_t player, int64_t amount,
               const std::string& key) {
    auto res = c.Post("/v1/players/" + std::to_string(player) + "/deposits",
                      json{{"amount", amount}, {"idempotency_key", key}}.dump(),
                      "application/json");
    return res && res->status / 100 == 2;
  }

  // Every event in the log, in the global order.
  std::vector<json> events() {
    std::vector<json> all;
    int64_t after = 0;
    for (;;) {
      auto res = http().Get("/v1/events?after=" + std::to_string(after) + "&limit=1000");
      REQUIRE(res);
      REQUIRE(res->status == 200);
      auto page = json::parse(res->body);
      if (page["events"].empty()) return all;
      for (auto& e : page["events"])
        all.push_back(e);
      after = page["next_after"].get<int64_t>();
    }
  }

  // The value of a series in /metrics (-1 when absent).
  int64_t metric(const std::string& series) {
    auto res = http().Get("/metrics");
    REQUIRE(res);
    auto at = res->body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(res->body.substr(at + series.size() + 2));
  }

  server_process proc;
};

// An idempotency key "<prefix><a>-<b>".
std::string key_of(std::string prefix, int a, int b) {
  prefix.append(std::to_string(a)).push_back('-');
  return prefix.append(std::to_string(b));
}

// The topic an event of the log belongs on.
std::string topic_of(const json& e) {
  return e["type"].get<std::string>().rfind("wallet.", 0) == 0 ? "agg.wallet"
                                                               : "agg.activity";
}

// Every event of the log is on its topic, keyed by its player, with the log's value;
// dropping duplicates by id leaves each player's events in each topic exactly in the
// log's order (Kafka orders within a partition, so within a topic; across the two
// topics a consumer merges by id).
void check_delivery(const std::vector<json>& log, consumer& c) {
  std::set<int64_t> want;
  using stream = std::pair<std::string, std::string>; // topic, key
  std::map<stream, std::vector<int64_t>> expected;    // in the global order
  std::map<int64_t, const json*> by_id;
  for (const auto& e : log) {
    auto id = e["id"].get<int64_t>();
    want.insert(id);
    expected[{topic_of(e), std::to_string(e["player_id"].get<int64_t>())}].push_back(id);
    by_id[id] = &e;
  }
  c.read_until(want);
  std::set<int64_t> first_seen;
  std::map<stream, std::vector<int64_t>> got;
  for (const auto& r : c.records) {
    auto e = by_id.find(r.id);
    REQUIRE(e != by_id.end()); // nothing that was not committed
    CHECK(r.topic == topic_of(*e->second));
    CHECK(r.value == *e->second);
    if (first_seen.insert(r.id).second) got[{r.topic, r.key}].push_back(r.id);
  }
  CHECK(first_seen == want);
  for (const auto& [where, ids] : expected) {
    INFO(where.first << " player " << where.second << ": " << json(got[where]).dump()
                     << " expected " << json(ids).dump());
    CHECK(got[where] == ids);
  }
}

} // namespace

TEST_CASE("every event reaches its topic keyed by player, in order per player",
          "[events][kafka]") {
  broker_process broker;
  temp_dir dir;
  server s{dir, broker.bootstrap};
  std::vector<int64_t> players;
  for (int i = 0; i < 4; ++i)
    players.push_back(s.create_player("player" + std::to_string(i)));
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t)
    load.emplace_back([&, t] {
      auto c = s.http();
      for (int i = 0; i < 100; ++i)
        CHECK(s.deposit(c, players[(t + i) % 4], 1 + i, key_of("t", t, i)));
    });
  for (auto& l : load)
    l.join();
  auto log = s.events();
  REQUIRE(log.size() == 404);
  consumer c{broker.bootstrap};
  check_delivery(log, c);
  CHECK(c.records.size() == log.size()); // no failure: no duplicate
  REQUIRE(wait_until([&] { return s.metric("agg_kafka_delivered_total") == 404; }, 20s,
                     scrape_poll));
  CHECK(s.metric("agg_kafka_errors_total") == 0);
  CHECK(
      wait_until([&] { return s.metric("agg_kafka_connected") == 1; }, 20s, scrape_poll));
}

TEST_CASE("with the brokers down money moves, the lag shows, and the backlog goes out "
          "in order when they return",
          "[events][kafka]") {
  broker_process broker;
  temp_dir dir;
  server s{dir, broker.bootstrap};
  auto alice = s.create_player("alice");
  auto bob = s.create_player("bob");
  auto c = s.http();
  REQUIRE(s.deposit(c, alice, 100, "before"));
  REQUIRE(wait_until([&] { return s.metric("agg_kafka_delivered_total") == 3; }, 20s,
                     scrape_poll));

  broker.command("down all");
  for (int i = 0; i < 50; ++i)
    REQUIRE(s.deposit(c, i % 2 ? alice : bob, 10, key_of("down", 0, i)));
  CHECK(wait_until(
      [&] { return s.metric("agg_feed_lag_events{subscriber=\"kafka\"}") == 50; }, 20s,
      scrape_poll));
  CHECK(
      wait_until([&] { return s.metric("agg_kafka_connected") == 0; }, 20s, scrape_poll));
  CHECK(s.metric("agg_kafka_delivered_total") == 3);

  broker.command("up all");
  auto log = s.events();
  REQUIRE(log.size() == 53);
  consumer reader{broker.bootstrap};
  check_delivery(log, reader);
  CHECK(wait_until(
      [&] { return s.metric("agg_feed_lag_events{subscriber=\"kafka\"}") == 0; }, 20s,
      scrape_poll));
}

TEST_CASE("produce requests that fail are retried without loss or reordering",
          "[events][kafka]") {
  broker_process broker;
  temp_dir dir;
  server s{dir, broker.bootstrap};
  std::vector<int64_t> players{s.create_player("anna"), s.create_player("bert")};
  auto c = s.http();
  // Retriable errors (not the leader, timed out), then one the producer cannot retry
  // (a corrupt message): a new producer sends everything unacknowledged again.
  broker.command("errors 4 6");
  broker.command("errors 2 7");
  for (int i = 0; i < 40; ++i)
    REQUIRE(s.deposit(c, players[i % 2], 5, key_of("e", 0, i)));
  broker.command("errors 1 2");
  for (int i = 40; i < 80; ++i)
    REQUIRE(s.deposit(c, players[i % 2], 5, key_of("e", 0, i)));
  auto log = s.events();
  REQUIRE(log.size() == 82);
  consumer reader{broker.bootstrap};
  check_delivery(log, reader);
  CHECK(s.metric("agg_kafka_errors_total") >= 1); // the producer that failed
}

TEST_CASE("after SIGKILL mid-publish every event is delivered at least once and in "
          "order per player once duplicates are dropped",
          "[events][kafka][crash]") {
  broker_process broker;
  temp_dir dir;
  std::vector<int64_t> players;
  {
    server s{dir, broker.bootstrap};
    for (int i = 0; i < 3; ++i)
      players.push_back(s.create_player("killed" + std::to_string(i)));
    std::atomic<bool> stop{false};
    std::atomic<int64_t> acked{0};
    std::vector<std::thread> load;
    for (int t = 0; t < 3; ++t)
      load.emplace_back([&, t] {
        auto c = s.http();
        for (int i = 0; !stop; ++i)
          if (s.deposit(c, players[(t + i) % 3], 1, key_of("k", t, i)))
            ++acked;
          else
            return;
      });
    // Mid-publish: deposits flowing and the publisher behind them. Both counts: the
    // publisher's also holds the three registrations, and a deposit counts as acked
    // only once its answer has reached the client, after its event may have gone out.
    REQUIRE(wait_until(
        [&] { return acked > 200 && s.metric("agg_kafka_delivered_total") > 200; }, 20s,
        scrape_poll));
    s.proc.kill9();
    stop = true;
    for (auto& l : load)
      l.join();
    CHECK(acked > 200);
  }
  server again{dir, broker.bootstrap};
  auto log = again.events();
  CHECK(log.size() >= 203);
  consumer reader{broker.bootstrap};
  check_delivery(log, reader);
}
