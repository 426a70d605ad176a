#pragma once

// A whole server in the benchmark's process, as `aggregator` runs it: a node on the
// given options, the player WebSocket edge on a free loopback port and, when asked,
// the operator HTTP API (which payment providers call back on).

#include "actors/node.hpp"
#include "gateway/edge_options.hpp"
#include "gateway/http_api.hpp"

#include <caf/all.hpp>

#include <memory>

namespace agg::bench {

class bench_server {
public:
  bench_server(const server_options& opts, bool operator_api)
      : sys_{configured(cfg_)}, node_{sys_, opts},
        players_{gateway::ws_options_of(opts),
                 [this](std::shared_ptr<client_sink> sink) {
                   return spawn_player_session(sys_, node_.sessions(), std::move(sink),
                                               node_.session_dependencies());
                 },
                 node_.stats()} {
    ws_port = players_.start();
    if (!operator_api) return;
    auto http = gateway::http_options_of(opts);
    http.bind_address = "127.0.0.1";
    http.port = 0;
    operators_ = std::make_unique<gateway::http_api>(http, sys_, node_);
    http_port = operators_->start();
    node_.set_operator_url("http://127.0.0.1:" + std::to_string(http_port));
  }

  ~bench_server() {
    if (operators_) operators_->stop();
    players_.stop(std::chrono::milliseconds{2'000});
    node_.shutdown(std::chrono::seconds{10});
  }

  bench_server(const bench_server&) = delete;
  bench_server& operator=(const bench_server&) = delete;

  uint16_t ws_port = 0;
  uint16_t http_port = 0; // 0 without the operator API

private:
  static caf::actor_system_config& configured(caf::actor_system_config& cfg) {
    apply_scheduler_defaults(cfg);
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    cfg.add_message_types<caf::id_block::agg>();
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  node node_;
  gateway::ws_server players_;
  std::unique_ptr<gateway::http_api> operators_;
};

} // namespace agg::bench
