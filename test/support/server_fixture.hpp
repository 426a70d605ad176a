#pragma once

// A whole server on loopback: a node on a temp dir, the player WebSocket edge and
// the operator HTTP API on free ports, with one API key per role.

#include "gateway/edge_options.hpp"
#include "support/node_fixture.hpp"
#include "support/ws_client.hpp"

#include <httplib.h>

namespace agg::test {

inline const std::string admin_key = "admin-key-0123456789abcdef";
inline const std::string support_key = "support-key-0123456789abcdef";
inline const std::string reader_key = "reader-key-0123456789abcdef";

class server_fixture : public node_fixture {
public:
  explicit server_fixture(std::function<void(server_options&)> tune = {},
                          node_hooks hooks = {})
      : node_fixture(
            [tune](server_options& o) {
              o.ws_bind_address = "127.0.0.1";
              o.api_keys = {"ops:admin:" + admin_key, "desk:support:" + support_key,
                            "audit:read_only:" + reader_key};
              if (tune) tune(o);
            },
            std::move(hooks)) {
    const auto& o = options();
    auto ws = gateway::ws_options_of(o);
    ws.port = 0;
    auto* n = &the_node();
    ws.rules = n->rules();
    auto* s = &sys;
    players_ = std::make_unique<gateway::ws_server>(
        ws,
        [s, n](std::shared_ptr<client_sink> sink) {
          return spawn_player_session(*s, n->sessions(), std::move(sink),
                                      n->session_dependencies());
        },
        n->stats());
    ws_port = players_->start();
    auto http = gateway::http_options_of(o);
    http.bind_address = "127.0.0.1";
    http.port = 0;
    operators_ = std::make_unique<gateway::http_api>(http, sys, *n);
    http_port = operators_->start();
    n->set_operator_url("http://127.0.0.1:" + std::to_string(http_port));
    auto vendor_http = gateway::vendor_api_options_of(o);
    vendor_http.bind_address = "127.0.0.1";
    vendor_http.port = 0;
    studios_ = std::make_unique<gateway::vendor_api>(vendor_http, sys, *n);
    vendor_port = studios_->start();
  }

  ~server_fixture() { stop_servers(); }

  void stop_servers() {
    if (players_) players_->stop(std::chrono::seconds{5});
    if (operators_) operators_->stop();
    if (studios_) studios_->stop();
  }

  httplib::Client http(const std::string& key = admin_key) {
    httplib::Client c{"127.0.0.1", http_port};
    c.set_connection_timeout(std::chrono::seconds{5});
    c.set_read_timeout(std::chrono::seconds{20});
    if (!key.empty()) c.set_default_headers({{"Authorization", "Bearer " + key}});
    return c;
  }

  // Connects (from the local address `from`, if given) and reads the welcome frame.
  std::unique_ptr<ws_client> connect(const std::string& from = "",
                                     const std::string& forwarded_for = "") {
    auto c = std::make_unique<ws_client>(ws_port, "/v1", from, forwarded_for);
    auto welcome = c->next();
    REQUIRE(welcome);
    REQUIRE((*welcome)["type"] == "welcome");
    return c;
  }

  // Registers a player over a fresh connection; returns the connection and the reply.
  std::pair<std::unique_ptr<ws_client>, nlohmann::json>
  register_player(const std::string& username, const std::string& currency = "EUR") {
    auto c = connect();
    auto r = c->request({{"type", "register"},
                         {"username", username},
                         {"password", "correct horse battery"},
                         {"currency", currency}});
    REQUIRE(r["type"] == "registered");
    return {std::move(c), r};
  }

  int64_t deposit(int64_t player, int64_t amount, const std::string& key) {
    auto res =
        http().Post("/v1/players/" + std::to_string(player) + "/deposits",
                    nlohmann::json{{"amount", amount}, {"idempotency_key", key}}.dump(),
                    "application/json");
    REQUIRE(res);
    REQUIRE(res->status / 100 == 2);
    return nlohmann::json::parse(res->body)["balance"].get<int64_t>();
  }

  // The value of one series in /metrics, or -1 when it is absent.
  int64_t metric(const std::string& series) {
    auto res = http("").Get("/metrics");
    REQUIRE(res);
    auto at = res->body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(res->body.substr(at + series.size() + 2));
  }

  uint16_t ws_port = 0;
  uint16_t http_port = 0;
  uint16_t vendor_port = 0; // 0 when no studio calls the wallet

private:
  std::unique_ptr<gateway::vendor_api> studios_;
  std::unique_ptr<gateway::ws_server> players_;
  std::unique_ptr<gateway::http_api> operators_;
};

} // namespace agg::test
