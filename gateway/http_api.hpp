#pragma once

// The operator HTTP API (cpp-httplib), documented in docs/openapi.yaml. Every call
// but /health, /ready, /metrics and the console's files needs an API key (Authorization:
// Bearer <key> or X-API-Key) whose role allows it; every write is recorded in the audit
// table with the key's name and the request id. Errors are JSON with a stable code.

#include "actors/cluster/membership.hpp"
#include "actors/node.hpp"
#include "gateway/static_files.hpp"

#include <memory>
#include <string>
#include <vector>

namespace agg::gateway {

struct api_key {
  std::string name;
  std::string role; // read_only, support, admin
  std::string key;
};

// Parses "name:role:key" entries (validated by server_options::validate).
std::vector<api_key> parse_api_keys(const std::vector<std::string>& entries);

struct http_options {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 8081; // 0: any free port
  int threads = 4;
  size_t body_bytes_max = 64 * 1024;
  std::chrono::milliseconds request_timeout{15'000};
  std::vector<api_key> keys;
  // In a cluster (cluster_http.hpp): calls another node serves go there, GET
  // /v1/cluster answers, and /ready reflects the membership. Null: one node.
  std::shared_ptr<cluster_view> cluster;
  // The operator console's files (/console/, /common/; "/" is redirected to
  // /console/). May be null: none.
  std::shared_ptr<const static_files> files;
};

class http_api {
public:
  http_api(http_options opts, caf::actor_system& sys, node& n);
  ~http_api();
  http_api(const http_api&) = delete;
  http_api& operator=(const http_api&) = delete;

  // Binds and serves on a thread of its own; returns the bound port.
  uint16_t start();
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace agg::gateway
