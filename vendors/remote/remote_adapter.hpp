#pragma once

// The remote studio adapter (kind "remote"): the studio's game server answers round
// outcomes over the remote RGS protocol (rgs_protocol.hpp), e.g. aggregator-studio.
// Calls run on the vendor connection's worker threads, over a pool of kept-alive
// HTTP connections, each with a per-request timeout. A timeout, a lost connection, a
// 5xx or a badly signed answer is a failed round (it feeds the circuit breaker); its
// outcome is then resolved by asking the studio (/rgs/v1/status), else refunded.
//
// Settings ([vendors.<id>]): url ("http://host:port"), secret_file (the shared HMAC
// secret), timeout_ms (per request, default 2000), connect_timeout_ms (default 500).
// The catalog is read from the studio when the vendor connection starts.

#include "vendors/adapter.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <vector>

namespace httplib {
class Client;
}

namespace agg::vendors::remote {

class remote_adapter : public adapter {
public:
  explicit remote_adapter(const adapter_env& env);
  ~remote_adapter() override;

  std::vector<game_info> games() const override { return games_; }
  round_outcome play(const round_context& ctx) override;
  bool resolvable() const override { return true; }
  std::optional<round_outcome> resolve(const round_context& ctx) override;
  bool has_health_check() const override { return true; }
  bool healthy() override;

  bool provably_fair() const override { return provably_fair_; }
  seed_state seeds(int64_t player) override;
  revealed_seed rotate_seed(int64_t player,
                            const std::optional<std::string>& client_seed) override;
  round_outcome verify(const std::string& game_id, const std::string& params_json,
                       int64_t stake, const std::string& server_seed_hex,
                       const std::string& client_seed, int64_t nonce) override;

  struct reply {
    int status = 0;
    nlohmann::json body;
  };
  // POSTs a signed body to /rgs/v1/<op>; checks the answer's signature. Throws
  // std::runtime_error when there is no trustworthy answer.
  reply call(const std::string& op, const nlohmann::json& body);

private:
  std::unique_ptr<httplib::Client> take();
  void give_back(std::unique_ptr<httplib::Client> c);
  // Turns a refusal into invalid_params or a failure.
  [[noreturn]] void refused(const std::string& op, const reply& r) const;

  std::string vendor_;
  std::string url_;
  std::string secret_;
  int64_t timeout_ms_;
  int64_t connect_timeout_ms_;
  std::vector<game_info> games_;
  bool provably_fair_ = false;
  std::mutex pool_mtx_;
  std::vector<std::unique_ptr<httplib::Client>> pool_;
};

} // namespace agg::vendors::remote
