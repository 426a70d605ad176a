#pragma once

// A server with the sandbox payment provider, and what cashier tests do with it:
// wait for a payment push, send a signed callback, read the balance.

#include "common/clock.hpp"
#include "payments/signed_callback.hpp"
#include "support/server_fixture.hpp"

namespace agg::test {

inline const std::string sandbox_secret = "sandbox-secret-for-tests-0123";

inline server_fixture cashier_server(int64_t ttl_ms = 900'000,
                                     std::map<std::string, std::string> extra = {},
                                     std::function<void(server_options&)> tune = {},
                                     node_hooks hooks = {}) {
  return server_fixture{
      [ttl_ms, extra, tune](server_options& o) {
        o.payments = {"sandbox"};
        o.payment_settings["sandbox"] = {{"secret", sandbox_secret}, {"delay_ms", "20"}};
        for (const auto& [k, v] : extra)
          o.payment_settings["sandbox"][k] = v;
        o.payment_intent_ttl_ms = ttl_ms;
        if (tune) tune(o);
      },
      std::move(hooks)};
}

// The next payment push (no id) for `payment_id` in `status`.
inline std::optional<nlohmann::json>
payment_push(ws_client& c, const std::string& payment_id, const std::string& status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.next_of("payment", std::chrono::seconds{10});
    if (!m) return std::nullopt;
    if (!m->contains("id") && (*m)["payment_id"] == payment_id &&
        (*m)["status"] == status)
      return m;
  }
  return std::nullopt;
}

// A callback signed as the sandbox signs it, sent to the operator port.
inline httplib::Result post_callback(server_fixture& f, const std::string& provider,
                                     const nlohmann::json& body,
                                     const std::string& secret,
                                     int64_t ts = now_us() / 1'000'000) {
  auto text = body.dump();
  httplib::Headers h{{"X-Payment-Timestamp", std::to_string(ts)},
                     {"X-Payment-Signature", payments::sign_callback(secret, ts, text)}};
  return f.http("").Post("/v1/payments/" + provider + "/callback", h, text,
                         "application/json");
}

inline int64_t balance_of(ws_client& c) {
  auto b = c.request({{"type", "balance"}});
  return b["balances"][0]["balance"].get<int64_t>();
}

} // namespace agg::test
