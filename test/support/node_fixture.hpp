#pragma once

// A node on a real SQLite file in a temp dir, with a scoped actor to talk to it.
// Waits are bounded: every request names a timeout and wait_until polls a condition
// up to a deadline.

#include "actors/core/wallet_errc.hpp"
#include "actors/node.hpp"
#include "persistence/verify.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "support/wallet_requests.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <thread>

namespace agg::test {

inline caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  apply_scheduler_defaults(cfg);
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  cfg.add_message_types<caf::id_block::agg>();
  return cfg;
}

inline server_options test_options(const temp_dir& dir) {
  server_options o;
  o.data_dir = dir.str();
  o.commit_window_us = 200;
  o.id_filter_bytes = 1 << 20;
  o.password_ops_limit = 1; // argon2id at its minimum: tests hash many passwords
  o.password_mem_kib = 8;
  o.ws_port = 0;
  o.http_port = 0;
  o.storage_timeout_ms = 10'000;
  o.request_timeout_ms = 10'000;
  return o;
}

// The outcome of one wallet call: a receipt or a wallet error.
struct call_result {
  wallet_errc error = wallet_errc::none;
  wallet_receipt receipt;
  bool ok() const { return error == wallet_errc::none; }
};

class node_fixture {
public:
  explicit node_fixture(std::function<void(server_options&)> tune = {},
                        node_hooks hooks = {})
      : opts_(make_options(dir, tune)), sys(test_config(cfg)),
        node_(std::make_unique<node>(sys, opts_, std::move(hooks))), self(sys) {}

  ~node_fixture() {
    if (node_) node_->shutdown(std::chrono::seconds{10});
  }

  call_result call(const wallet_request& req) {
    call_result out;
    self->request(node_->wallets(), std::chrono::seconds{20}, wallet_atom_v, req)
        .receive([&](wallet_receipt& r) { out.receipt = std::move(r); },
                 [&](caf::error& e) { out.error = wallet_error_of(e); });
    return out;
  }

  // Sends every request at once (one sender: a wallet sees them in this order), then
  // collects every answer in the same order.
  std::vector<call_result> call_all(const std::vector<wallet_request>& reqs) {
    auto w = node_->wallets();
    using handle_type =
        decltype(self->request(w, std::chrono::seconds{30}, wallet_atom_v, reqs.front()));
    std::vector<handle_type> pending;
    pending.reserve(reqs.size());
    for (const auto& r : reqs)
      pending.push_back(self->request(w, std::chrono::seconds{30}, wallet_atom_v, r));
    std::vector<call_result> out(reqs.size());
    for (size_t i = 0; i < pending.size(); ++i)
      pending[i].receive([&out, i](wallet_receipt& r) { out[i].receipt = std::move(r); },
                         [&out, i](caf::error& e) { out[i].error = wallet_error_of(e); });
    return out;
  }

  int64_t balance_of(int64_t player, const std::string& currency = "EUR") {
    auto r = call(test::balance(player, currency));
    REQUIRE(r.ok());
    return r.receipt.balance;
  }

  int64_t live_wallets() {
    int64_t n = -1;
    self->request(node_->wallets(), std::chrono::seconds{10}, stats_atom_v)
        .receive([&](int64_t x) { n = x; }, [](caf::error&) {});
    return n;
  }

  // Stops the node and opens its database for inspection.
  db::connection stop_and_open() {
    node_->shutdown(std::chrono::seconds{10});
    node_.reset();
    return db::connection::open(opts_.db_path(), db::open_mode::read_only);
  }

  verify_report verify() {
    auto conn = db::connection::open(opts_.db_path(), db::open_mode::read_only);
    return verify_ledger(conn);
  }

  node& the_node() { return *node_; }
  const server_options& options() const { return opts_; }

  temp_dir dir;

private:
  static server_options make_options(const temp_dir& d,
                                     const std::function<void(server_options&)>& tune) {
    auto o = test_options(d);
    if (tune) tune(o);
    return o;
  }

  server_options opts_;

public:
  caf::actor_system_config cfg;
  caf::actor_system sys;

private:
  std::unique_ptr<node> node_;

public:
  caf::scoped_actor self;
};

} // namespace agg::test
