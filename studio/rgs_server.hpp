#pragma once

// A game server speaking the remote RGS protocol (vendors/remote/rgs_protocol.hpp)
// for an adapter that runs in it, by default the built-in provably fair studio: what
// aggregator-studio serves. Outcomes are recorded in its own SQLite file before they
// are answered, so a round asked twice (a retry) gets the same outcome, and a status
// query answers what became of a round; a round asked about before it was played is
// voided and never played afterwards.

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace agg::studio {

struct rgs_server_options {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 9090; // 0: any free port
  int threads = 8;
  std::string secret; // the HMAC secret shared with the aggregator
  std::chrono::milliseconds replay_window{30'000};
  std::string db_path;          // outcomes and seeds; created if missing
  std::string kind = "builtin"; // the adapter serving the games
  std::string vendor_id = "builtin";
  std::map<std::string, std::string> settings; // the adapter's settings
};

class rgs_server {
public:
  // Opens the database and builds the adapter; throws on failure.
  explicit rgs_server(rgs_server_options opts);
  ~rgs_server();
  rgs_server(const rgs_server&) = delete;
  rgs_server& operator=(const rgs_server&) = delete;

  // Binds and serves on threads of its own; returns the bound port.
  uint16_t start();
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace agg::studio
