// The aggregator executable: `aggregator [CAF and --aggregator.* options]` runs the
// server; `aggregator verify ...` and `aggregator events ...` work on a data directory
// (cli_tools.hpp).

#include "actors/cluster/membership.hpp"
#include "actors/node.hpp"
#include "common/log.hpp"
#include "config/server_config.hpp"
#include "gateway/cli_tools.hpp"
#include "gateway/cluster_node.hpp"
#include "gateway/edge_options.hpp"
#include "gateway/process_life.hpp"
#include "persistence/schema.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <pthread.h>
#include <sys/resource.h>

namespace {

constexpr const char* default_config_file = "config/aggregator.conf";

// Lets the server hold as many connections as the hard limit allows.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// The config file: --config-file=... if given, else config/aggregator.conf if present.
const char* config_file(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--config-file=", 14) == 0)
      return nullptr; // CAF reads it from the command line
  return std::filesystem::exists(default_config_file) ? default_config_file : nullptr;
}

int run_server(int argc, char** argv) {
  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1); // the node's root supervisor gave up
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  agg::server_config cfg;
  if (auto err = cfg.parse(argc, argv, config_file(argc, argv))) {
    std::cerr << "config error: " << caf::actor_system_config::render(err) << std::endl;
    return 2;
  }
  if (cfg.cli_helptext_printed) return 0;
  cfg.read_sections();
  if (auto problem = cfg.opts.validate() ? cfg.opts.validate()
                                         : agg::gateway::edge_problem(cfg.opts)) {
    std::cerr << "config error: " << *problem << std::endl;
    return 2;
  }
  agg::log::configure(*agg::log::level_named(cfg.opts.log_level),
                      *agg::log::format_named(cfg.opts.log_format));
  raise_fd_limit();
  if (cfg.opts.cluster.enabled()) {
    agg::configure_cluster(cfg, cfg.opts.cluster);
    return agg::gateway::run_cluster_node(cfg, stop_signals);
  }
  caf::actor_system sys{cfg};
  std::unique_ptr<agg::node> node;
  try {
    node = std::make_unique<agg::node>(sys, cfg.opts);
  } catch (const std::exception& e) {
    agg::log::error("aggregator", "startup failed", {{"error", e.what()}});
    return 1;
  }
  agg::gateway::watch_root(sys, node->root());
  const auto& o = cfg.opts;
  auto* n = node.get();
  auto ws_opts = agg::gateway::ws_options_of(o);
  ws_opts.rules = n->rules();
  agg::gateway::ws_server players{ws_opts,
                                  [&sys, n](std::shared_ptr<agg::client_sink> sink) {
                                    return agg::spawn_player_session(
                                        sys, n->sessions(), std::move(sink),
                                        n->session_dependencies());
                                  },
                                  n->stats()};
  agg::gateway::http_api operators{agg::gateway::http_options_of(o), sys, *n};
  std::unique_ptr<agg::gateway::vendor_api> studios;
  uint16_t ws_port = 0;
  uint16_t http_port = 0;
  uint16_t vendor_port = 0;
  try {
    studios = std::make_unique<agg::gateway::vendor_api>(
        agg::gateway::vendor_api_options_of(o), sys, *n);
    ws_port = players.start();
    http_port = operators.start();
    if (o.payment_callback_base_url.empty())
      node->set_operator_url("http://127.0.0.1:" + std::to_string(http_port));
    vendor_port = studios->start();
  } catch (const std::exception& e) {
    agg::log::error("aggregator", "startup failed", {{"error", e.what()}});
    node->shutdown(std::chrono::milliseconds{o.shutdown_timeout_ms});
    return 1;
  }
  std::cout << agg::gateway::ready_line(o, ws_port, http_port, vendor_port)
            << ", database " << o.db_path() << " (schema v"
            << agg::db::latest_schema_version() << ")" << std::endl;
  bool escalated = agg::gateway::wait_for_stop(stop_signals);
  players.stop(std::chrono::milliseconds{2'000});
  operators.stop();
  studios->stop();
  // Its connections' relay actors reach the node: they go before it does.
  studios.reset();
  bool drained = node->shutdown(std::chrono::milliseconds{cfg.opts.shutdown_timeout_ms});
  node.reset();
  std::cout << "aggregator stopped" << std::endl;
  return escalated || !drained ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "verify") == 0)
    return agg::gateway::run_verify(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "events") == 0)
    return agg::gateway::run_events(argc, argv);
  return run_server(argc, argv);
}
