// Three core nodes and one edge node as real processes on loopback (docs/cluster.md).
// Players of every shard register and play through the edge; one core is killed with
// SIGKILL: its players are answered `unavailable` at once (no 15 s timeout), everyone
// else plays on without an error; it is restarted and serves its players again from
// its ledger. Another is frozen (SIGSTOP): the heartbeats tell. Every node drains on
// SIGTERM; every core's ledger then verifies, and no player's money is in two.

#include "config/node_set.hpp"
#include "persistence/sqlite.hpp"
#include "support/caleta_support.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "support/ws_client.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <thread>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

const std::string admin = "cluster-admin-key-0123456789abcdef";
// Nodes come up, notice a loss and drain in seconds; asking their status is an HTTP
// call, so it is asked every 20 ms.
constexpr std::chrono::seconds cluster_wait{30};
constexpr std::chrono::milliseconds cluster_poll{20};

struct cluster {
  std::vector<std::string> names{"core-0", "core-1", "core-2", "edge-0"};
  std::vector<uint16_t> ports;
  std::vector<std::unique_ptr<temp_dir>> dirs;
  std::vector<std::unique_ptr<server_process>> procs;
  cluster_config config;
  node_set set;

  std::vector<std::string> extra; // more arguments for every node

  explicit cluster(std::vector<std::string> more = {}) : extra(std::move(more)) {
    for (size_t i = 0; i < names.size(); ++i) {
      ports.push_back(free_port());
      dirs.push_back(std::make_unique<temp_dir>());
      config.nodes.push_back(names[i] + "=" + (i < 3 ? "core" : "edge") +
                             "@127.0.0.1:" + std::to_string(ports[i]));
    }
    config.node = "edge-0";
    REQUIRE_FALSE(node_set::parse(config, set));
    procs.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i)
      start(i);
  }

  void start(size_t i) {
    std::string nodes = "[";
    for (size_t k = 0; k < config.nodes.size(); ++k)
      nodes += (k ? ",\"" : "\"") + config.nodes[k] + "\"";
    nodes += "]";
    std::vector<std::string> args = extra;
    args.insert(args.end(),
                {"--aggregator.data_dir=" + dirs[i]->str(),
                 "--aggregator.ws_bind_address=127.0.0.1", "--aggregator.ws_port=0",
                 "--aggregator.http_port=0", "--aggregator.vendor_http_port=0",
                 "--aggregator.vendor_http_bind_address=127.0.0.1",
                 "--aggregator.password_mem_kib=8192",
                 "--aggregator.password_ops_limit=1",
                 "--aggregator.api_keys=[\"ops:admin:" + admin + "\"]",
                 "--cluster.node=" + names[i], "--cluster.nodes=" + nodes,
                 "--cluster.bind_address=127.0.0.1", "--cluster.heartbeat_ms=200",
                 "--cluster.connection_timeout_ms=1000", "--cluster.reconnect_ms=200"});
    procs[i] = std::make_unique<server_process>(AGGREGATOR_PATH, args);
  }

  // The studios' port of node i.
  uint16_t vendor_port(size_t i) const {
    const auto& line = procs[i]->ready_line;
    auto at = line.find("studios http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    return static_cast<uint16_t>(std::stoi(line.substr(at + 25)));
  }

  server_process& edge() { return *procs[3]; }

  httplib::Client api(size_t i) {
    httplib::Client c{"127.0.0.1", procs[i]->http_port};
    c.set_default_headers({{"Authorization", "Bearer " + admin}});
    c.set_read_timeout(20, 0);
    return c;
  }

  // The edge's view: node name -> state.
  std::map<std::string, std::string> states() {
    auto res = api(3).Get("/v1/cluster");
    std::map<std::string, std::string> out;
    if (!res || res->status != 200) return out;
    auto body = json::parse(res->body);
    for (const auto& n : body["nodes"])
      out[n["name"].get<std::string>()] = n["state"].get<std::string>();
    return out;
  }

  bool all_up() {
    auto s = states();
    return s["core-0"] == "up" && s["core-1"] == "up" && s["core-2"] == "up";
  }
};

struct player {
  std::string username;
  int64_t id = 0;
  std::string owner;
  std::string token;
  std::unique_ptr<ws_client> ws;
  int64_t balance = 0;
};

// Every player spins once: the players of the `down` core are answered `unavailable`
// well before the request's own timeout; the others play. Returns how many of the
// others did not.
int spin_everyone(std::vector<player>& players, const std::string& down) {
  constexpr std::chrono::seconds request_timeout{8};
  int errors_elsewhere = 0;
  for (auto& p : players) {
    auto started = std::chrono::steady_clock::now();
    auto r = p.ws->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}},
                           request_timeout);
    auto took = std::chrono::steady_clock::now() - started;
    if (p.owner == down) {
      INFO(r.dump());
      CHECK(r["type"] == "error");
      CHECK(r["code"] == "unavailable");
      CHECK(took < request_timeout); // answered, not timed out
    } else if (r["type"] != "round") {
      ++errors_elsewhere;
      UNSCOPED_INFO(r.dump());
    } else {
      p.balance = r["balance"].get<int64_t>();
    }
  }
  return errors_elsewhere;
}

} // namespace

TEST_CASE("cluster: three cores and an edge, one core killed and restarted",
          "[cluster][process]") {
  cluster c;
  REQUIRE(wait_until([&] { return c.all_up(); }, cluster_wait, cluster_poll));
  {
    auto ready = c.api(3).Get("/ready");
    REQUIRE(ready);
    CHECK(ready->status == 200);
  }
  // Players register through the edge; each lands on its username's owner, with an id
  // that hashes to the same node.
  std::vector<player> players(18);
  std::map<std::string, int> per_shard;
  for (size_t i = 0; i < players.size(); ++i) {
    auto& p = players[i];
    p.username = "cluster-player-" + std::to_string(i);
    p.ws = std::make_unique<ws_client>(c.edge().ws_port);
    auto r = p.ws->request({{"type", "register"},
                            {"username", p.username},
                            {"password", "correct horse battery"},
                            {"currency", "EUR"}});
    INFO(r.dump());
    REQUIRE(r["type"] == "registered");
    p.id = r["player_id"].get<int64_t>();
    p.token = r["token"].get<std::string>();
    p.owner = c.set.owner_of(p.id);
    CHECK(p.owner == c.set.owner_of_username(p.username));
    ++per_shard[p.owner];
  }
  REQUIRE(per_shard.size() == 3); // every shard has players
  // Money in through the operator API at the edge (forwarded to the owner), then play.
  for (auto& p : players) {
    auto res = c.api(3).Post(
        "/v1/players/" + std::to_string(p.id) + "/deposits",
        json{{"amount", 10'000}, {"idempotency_key", "d-" + p.username}}.dump(),
        "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status / 100 == 2);
    CHECK(res->get_header_value("X-Aggregator-Node") == p.owner);
    // The owner pushes the change to the player's connection at the edge.
    bool pushed = false;
    while (auto push = p.ws->next_of("balance", std::chrono::seconds{10}))
      if ((pushed = (*push)["balance"] == 10'000)) break;
    CHECK(pushed);
    for (int k = 0; k < 3; ++k) {
      auto r = p.ws->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}});
      INFO(r.dump());
      REQUIRE(r["type"] == "round");
    }
    auto b = p.ws->request({{"type", "balance"}});
    REQUIRE(b["type"] == "balance");
    p.balance = b["balances"][0]["balance"].get<int64_t>();
  }
  // The operator API at any core answers for any player.
  for (auto& p : players) {
    auto res = c.api(0).Get("/v1/players/" + std::to_string(p.id) + "/balance");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(json::parse(res->body)["balance"] == p.balance);
  }
  // Players may connect at any core too: at their owner (served there) or at another
  // (relayed), the same session state either way.
  for (size_t k = 0; k < 6; ++k) {
    auto node = k % 3;
    bool at_owner = k < 3;
    auto& p = *std::find_if(players.begin(), players.end(), [&](const player& x) {
      return (x.owner == c.names[node]) == at_owner;
    });
    ws_client direct{c.procs[node]->ws_port};
    auto r = direct.request({{"type", "resume"}, {"token", p.token}});
    INFO(c.names[node] << " for a player of " << p.owner << ": " << r.dump());
    REQUIRE(r["type"] == "resumed");
    auto b = direct.request({{"type", "balance"}});
    CHECK(b["balances"][0]["balance"] == p.balance);
    auto spin = direct.request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}});
    REQUIRE(spin["type"] == "round");
    p.balance = spin["balance"].get<int64_t>();
    CHECK(direct.request({{"type", "login"},
                          {"username", p.username},
                          {"password", "correct horse battery"}})["code"] ==
          "already_authenticated");
  }
  {
    auto res = c.api(0).Get("/v1/cluster");
    REQUIRE(res);
    auto body = json::parse(res->body);
    int64_t players_total = 0;
    for (const auto& n : body["nodes"])
      if (n["role"] == "core") players_total += n.value("players", int64_t{0});
    CHECK(players_total == static_cast<int64_t>(players.size()));
  }

  // core-1 dies.
  c.procs[1]->kill9();
  CHECK(spin_everyone(players, "core-1") == 0);
  {
    auto& lost = *std::find_if(players.begin(), players.end(),
                               [](const player& p) { return p.owner == "core-1"; });
    auto res = c.api(3).Get("/v1/players/" + std::to_string(lost.id) + "/balance");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(json::parse(res->body)["error"]["code"] == "unavailable");
    REQUIRE(wait_until([&] { return c.states()["core-1"] == "down"; }, cluster_wait,
                       cluster_poll));
    auto metrics = c.api(3).Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("agg_cluster_peer_up{node=\"core-1\",role=\"core\"} 0") !=
          std::string::npos);
    CHECK(metrics->body.find("agg_cluster_peer_up{node=\"core-0\",role=\"core\"} 1") !=
          std::string::npos);
  }

  // core-1 returns on its volume: its players resume and find their money.
  c.start(1);
  REQUIRE(wait_until([&] { return c.all_up(); }, cluster_wait, cluster_poll));
  for (auto& p : players) {
    if (p.owner != "core-1") continue;
    auto r = p.ws->request({{"type", "resume"}, {"token", p.token}});
    INFO(r.dump());
    REQUIRE(r["type"] == "resumed");
    auto b = p.ws->request({{"type", "balance"}});
    CHECK(b["balances"][0]["balance"] == p.balance);
    auto spin = p.ws->request({{"type", "play"}, {"game", "slot-5x3"}, {"stake", 100}});
    CHECK(spin["type"] == "round");
  }

  // core-2 freezes (SIGSTOP): no connection drops, the heartbeats stop; its players
  // are answered `unavailable` once the edge's connection timeout (1 s) has passed,
  // well before the request timeout; the others play on. Thawed, it serves again.
  c.procs[2]->signal(SIGSTOP);
  CHECK(spin_everyone(players, "core-2") == 0);
  c.procs[2]->signal(SIGCONT);
  REQUIRE(wait_until([&] { return c.all_up(); }, cluster_wait, cluster_poll));
  for (auto& p : players) {
    if (p.owner != "core-2") continue;
    auto r = p.ws->request({{"type", "resume"}, {"token", p.token}});
    INFO(r.dump());
    REQUIRE(r["type"] == "resumed");
    // The spin it was answered `unavailable` for may have reached the frozen node: its
    // outcome was unknown, and the node played it when it thawed. The balance is the
    // deposit and every round the ledger holds, whichever way that went.
    auto b = p.ws->request({{"type", "balance"}});
    auto rounds = p.ws->request({{"type", "rounds"}, {"limit", 100}});
    INFO(rounds.dump());
    REQUIRE(rounds["type"] == "rounds");
    int64_t expected = 10'000;
    for (const auto& r : rounds["rounds"])
      expected += r["win"].get<int64_t>() - r["stake"].get<int64_t>();
    CHECK(b["balances"][0]["balance"] == expected);
  }

  // A SIGTERM drains each node: its player connections are closed with 1001, and it
  // exits 0 once its wallets have finished.
  {
    auto& p = players.front();
    CHECK(c.edge().terminate() == 0);
    CHECK(p.ws->closed());
    CHECK(p.ws->close_code() == 1001);
  }
  for (auto& p : players)
    p.ws.reset();
  // Every core drains to exit 0 and its ledger verifies; no player's entries are in
  // two ledgers, and each is in its owner's.
  std::map<int64_t, std::string> seen;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(c.procs[i]->terminate() == 0);
    auto verify = std::string{AGGREGATOR_PATH} + " verify --data-dir " +
                  c.dirs[i]->str() + " > /dev/null";
    CHECK(std::system(verify.c_str()) == 0);
    auto conn = db::connection::open(c.dirs[i]->str() + "/aggregator.db",
                                     db::open_mode::read_only);
    auto st = conn.prepare("SELECT DISTINCT player_id FROM ledger");
    while (st.step()) {
      auto id = st.int64(0);
      INFO("player " << id);
      CHECK(seen.count(id) == 0);
      seen[id] = c.names[i];
      CHECK(c.set.owner_of(id) == c.names[i]);
    }
  }
  CHECK(seen.size() == players.size());
}

TEST_CASE("cluster: a studio's wallet calls reach the player's owner from any node",
          "[cluster][process][caleta]") {
  temp_dir keys;
  auto caleta_keys = rsa_pair::generate(keys.file("caleta"));
  auto our_keys = rsa_pair::generate(keys.file("operator"));
  fake_caleta_games_api games_api{our_keys.public_pem};
  auto conf = keys.str() + "/cluster.conf";
  {
    std::ofstream out{conf};
    out << "[aggregator]\nvendors=[\"builtin\", \"caleta\"]\n"
        << "[vendors.caleta]\nkind=\"caleta\"\napi_url=\"" << games_api.url() << "\"\n"
        << "operator_id=\"test-operator\"\nsub_partner_id=\"test-casino\"\n"
        << "private_key_file=\"" << our_keys.private_file << "\"\n"
        << "public_key_file=\"" << caleta_keys.public_file << "\"\n"
        << "games=\"cg_torchoffire:Torch of Fire:slots\"\ndefault_country=\"MT\"\n";
  }
  cluster c{{"--config-file=" + conf}};
  REQUIRE(wait_until([&] { return c.all_up(); }, cluster_wait, cluster_poll));
  // One player of each core, launched through the edge.
  std::map<std::string, player> by_core;
  for (int i = 0; by_core.size() < 3 && i < 60; ++i) {
    player p;
    p.username = "studio-player-" + std::to_string(i);
    auto owner = c.set.owner_of_username(p.username);
    if (by_core.count(owner)) continue;
    p.ws = std::make_unique<ws_client>(c.edge().ws_port);
    auto r = p.ws->request({{"type", "register"},
                            {"username", p.username},
                            {"password", "correct horse battery"},
                            {"currency", "EUR"}});
    REQUIRE(r["type"] == "registered");
    p.id = r["player_id"].get<int64_t>();
    p.owner = owner;
    auto dep = c.api(3).Post(
        "/v1/players/" + std::to_string(p.id) + "/deposits",
        json{{"amount", 5'000}, {"idempotency_key", "d" + p.username}}.dump(),
        "application/json");
    REQUIRE(dep);
    REQUIRE(dep->status / 100 == 2);
    auto before = games_api.calls().size();
    auto l = p.ws->request(
        {{"type", "launch"}, {"vendor", "caleta"}, {"game", "cg_torchoffire"}});
    INFO(l.dump());
    REQUIRE(l["type"] == "launched");
    auto calls = games_api.calls();
    REQUIRE(calls.size() == before + 1);
    p.token = calls.back().body["token"].get<std::string>();
    by_core[owner] = std::move(p);
  }
  REQUIRE(by_core.size() == 3);
  int n = 0;
  for (auto& [owner, p] : by_core) {
    // Each player's calls arrive at every node: the edge and all three cores.
    int64_t balance = 5'000;
    for (size_t node = 0; node < 4; ++node) {
      caleta_client caleta{c.vendor_port(node), "caleta", caleta_keys.private_pem};
      auto id = std::to_string(++n);
      auto b = caleta.post("balance", {{"token", p.token},
                                       {"request_uuid", "b-" + id},
                                       {"supplier_user", std::to_string(p.id)},
                                       {"game_code", "cg_torchoffire"}});
      INFO(c.names[node] << " for a player of " << owner << ": " << b.body.dump());
      CHECK(b.body["status"] == "RS_OK");
      CHECK(b.body["balance"] == balance * 1'000); // Caleta's units: 1,000 to a cent
      auto bet = caleta.post("bet", {{"token", p.token},
                                     {"transaction_uuid", "tx-" + id},
                                     {"supplier_user", std::to_string(p.id)},
                                     {"round_closed", true},
                                     {"round", "r-" + id},
                                     {"request_uuid", "q-" + id},
                                     {"is_free", false},
                                     {"game_code", "cg_torchoffire"},
                                     {"currency", "EUR"},
                                     {"amount", 100'000}});
      CHECK(bet.body["status"] == "RS_OK");
      balance -= 100;
      CHECK(bet.body["balance"] == balance * 1'000);
    }
    // The owner's ledger has every bet.
    auto res = c.api(3).Get("/v1/players/" + std::to_string(p.id) + "/balance");
    REQUIRE(res);
    CHECK(json::parse(res->body)["balance"] == balance);
    CHECK(res->get_header_value("X-Aggregator-Node") == owner);
  }
}
