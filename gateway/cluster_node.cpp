#include "gateway/cluster_node.hpp"

#include "actors/cluster/membership.hpp"
#include "actors/node.hpp"
#include "common/log.hpp"
#include "gateway/cluster_http.hpp"
#include "gateway/cluster_relay.hpp"
#include "gateway/edge_api.hpp"
#include "gateway/edge_options.hpp"
#include "gateway/http_api.hpp"
#include "gateway/process_life.hpp"
#include "gateway/vendor_api.hpp"
#include "gateway/ws_server.hpp"
#include "persistence/schema.hpp"
#include "persistence/sqlite.hpp"

#include <caf/io/all.hpp>

#include <cstring>
#include <iostream>

namespace agg::gateway {

namespace {

// A core node's status for its peers: its shard's size.
node_status core_status(caf::actor_system& sys, const node& n) {
  node_status s;
  s.sessions = n.stats()->ws_connections.load();
  try {
    auto conn = db::connection::open(n.db_path(), db::open_mode::read_only, {});
    auto players = conn.prepare("SELECT count(*) FROM accounts");
    if (players.step()) s.players = players.int64(0);
    auto seq = conn.prepare("SELECT coalesce(max(gseq), 0) FROM ledger");
    if (seq.step()) s.ledger_seq = seq.int64(0);
  } catch (const std::exception& e) {
    log::warn("cluster", "status read failed", {{"error", e.what()}});
  }
  caf::scoped_actor self{sys};
  self->request(n.wallets(), std::chrono::seconds{1}, stats_atom_v)
      .receive([&](int64_t live) { s.wallets = live; }, [](caf::error&) {});
  return s;
}

} // namespace

int run_cluster_node(server_config& cfg, const sigset_t& stop_signals) {
  const auto& o = cfg.opts;
  node_set set;
  if (auto problem = node_set::parse(o.cluster, set)) {
    std::cerr << "config error: " << *problem << std::endl;
    return 2;
  }
  caf::actor_system sys{cfg};
  auto view = std::make_shared<cluster_view>(set);
  const auto& me = set.self();
  bool core = me.role == node_role::core;
  std::unique_ptr<node> n;
  std::shared_ptr<metrics> stats;
  if (core) {
    try {
      n = std::make_unique<node>(sys, o);
    } catch (const std::exception& e) {
      log::error("aggregator", "startup failed", {{"error", e.what()}});
      return 1;
    }
    stats = n->stats();
    watch_root(sys, n->root());
  } else {
    stats = std::make_shared<metrics>();
  }
  auto request_timeout = std::chrono::milliseconds{o.request_timeout_ms};
  auto http_port = std::make_shared<std::atomic<uint16_t>>(0);
  cluster_services services;
  caf::actor executor; // runs the operator calls other nodes pass here
  // A player session here (a core): for a connection of this node's or another's.
  std::function<caf::actor(std::shared_ptr<client_sink>)> make_session;
  if (core) {
    auto* np = n.get();
    make_session = [&sys, np](std::shared_ptr<client_sink> sink) {
      return spawn_player_session(sys, np->sessions(), std::move(sink),
                                  np->session_dependencies());
    };
    services.attach = [&sys, make_session](const caf::actor& relay,
                                           const std::string& address) {
      return attach_remote_connection(sys, relay, address, make_session);
    };
    executor = spawn_http_executor(sys, http_port, 4, request_timeout);
    services.http = [executor] { return executor; };
    services.vendors = [np] { return np->vendors(); };
    services.status = [&sys, np] { return core_status(sys, *np); };
  } else {
    services.status = [stats] {
      node_status s;
      s.sessions = stats->ws_connections.load();
      return s;
    };
  }
  auto endpoint = spawn_cluster_endpoint(sys, {o.cluster, view, std::move(services)});
  auto stop_node = [&] {
    caf::anon_send_exit(endpoint, caf::exit_reason::user_shutdown);
    if (executor) caf::anon_send_exit(executor, caf::exit_reason::user_shutdown);
    bool drained = !n || n->shutdown(std::chrono::milliseconds{o.shutdown_timeout_ms});
    n.reset();
    return drained;
  };
  if (auto published = sys.middleman().publish(endpoint, me.port,
                                               o.cluster.bind_address.c_str(), true);
      !published) {
    log::error("aggregator", "startup failed",
               {{"error", "the cluster port " + std::to_string(me.port) +
                              " cannot be bound: " + sys.render(published.error())}});
    stop_node();
    return 1;
  }
  auto ws_opts = ws_options_of(o);
  if (n) ws_opts.rules = n->rules();
  relay_options relay;
  relay.view = view;
  relay.attach_timeout = std::chrono::milliseconds{o.cluster.connection_timeout_ms};
  relay.retry_after = std::chrono::milliseconds{o.cluster.reconnect_ms};
  relay.local_session = make_session;
  ws_server players{ws_opts,
                    [&sys, relay](std::shared_ptr<client_sink> sink) {
                      return spawn_player_relay(sys, std::move(sink), relay);
                    },
                    stats};
  auto http_opts = http_options_of(o);
  http_opts.cluster = view;
  std::unique_ptr<http_api> core_api;
  std::unique_ptr<edge_api> edge_only_api;
  std::unique_ptr<vendor_api> studios;
  uint16_t ws_port = 0;
  uint16_t operator_port = 0;
  uint16_t vendor_port = 0;
  try {
    if (core) {
      core_api = std::make_unique<http_api>(http_opts, sys, *n);
      studios = std::make_unique<vendor_api>(vendor_api_options_of(o), sys, *n, view);
    } else {
      edge_only_api = std::make_unique<edge_api>(
          http_opts, sys, stats,
          std::chrono::milliseconds{o.cluster.connection_timeout_ms});
      studios = std::make_unique<vendor_api>(vendor_api_options_of(o), sys,
                                             vendor_api_deps{o, stats, {}, view});
    }
    ws_port = players.start();
    operator_port = core ? core_api->start() : edge_only_api->start();
    http_port->store(operator_port);
    if (n && o.payment_callback_base_url.empty())
      n->set_operator_url("http://127.0.0.1:" + std::to_string(operator_port));
    vendor_port = studios->start();
  } catch (const std::exception& e) {
    log::error("aggregator", "startup failed", {{"error", e.what()}});
    stop_node();
    return 1;
  }
  std::cout << ready_line(o, ws_port, operator_port, vendor_port) << ", cluster node "
            << me.name << " (" << to_string(me.role) << ") on port " << me.port;
  if (n)
    std::cout << ", database " << o.db_path() << " (schema v"
              << db::latest_schema_version() << ")";
  std::cout << std::endl;
  bool escalated = wait_for_stop(stop_signals);
  // Draining: the players' connections are closed (1001) and their sessions end,
  // then the listeners, then the node's wallets finish what they hold.
  players.stop(std::chrono::milliseconds{2'000});
  if (core_api) core_api->stop();
  if (edge_only_api) edge_only_api->stop();
  studios->stop();
  studios.reset();
  bool drained = stop_node();
  std::cout << "aggregator stopped" << std::endl;
  return escalated || !drained ? 1 : 0;
}

} // namespace agg::gateway
