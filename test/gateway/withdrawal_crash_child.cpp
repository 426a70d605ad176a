// The child of the withdrawal crash test: runs a node with the sandbox payment
// provider and the operator port (for its callbacks) on the given data directory, and
// makes withdrawals for players 1 to 3 until the cashier reaches STEP for the N-th
// time, where it kills itself with SIGKILL. Each round: a small withdrawal (approved,
// sent, paid), one the sandbox declines (failed, released), and one above the
// auto-approval amount (review), which the player then cancels (released).
//
//   withdrawal_crash_child DATA_DIR SECRET STEP N

#include "actors/node.hpp"
#include "gateway/edge_options.hpp"
#include "gateway/http_api.hpp"

#include <caf/all.hpp>

#include <csignal>
#include <iostream>

using namespace agg;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: withdrawal_crash_child DATA_DIR SECRET STEP N" << std::endl;
    return 2;
  }
  server_options opts;
  opts.data_dir = argv[1];
  opts.id_filter_bytes = 1 << 20;
  opts.password_ops_limit = 1;
  opts.password_mem_kib = 8;
  opts.http_port = 0;
  opts.payments = {"sandbox"};
  opts.payment_settings["sandbox"] = {{"secret", argv[2]}, {"delay_ms", "5"}};
  opts.withdrawal_auto_approve_max = {"EUR:1000"};
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    return 2;
  }
  std::string step = argv[3];
  int64_t kill_at = std::stoll(argv[4]);
  auto seen = std::make_shared<std::atomic<int64_t>>(0);
  node_hooks hooks;
  hooks.cashier_after_step = [step, kill_at, seen](const std::string& s) {
    if (s == step && ++*seen >= kill_at) raise(SIGKILL);
  };
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  apply_scheduler_defaults(cfg);
  caf::actor_system sys{cfg};
  node n{sys, opts, hooks};
  auto http = gateway::http_options_of(opts);
  http.bind_address = "127.0.0.1";
  gateway::http_api api{http, sys, n};
  auto port = api.start();
  n.set_operator_url("http://127.0.0.1:" + std::to_string(port));
  caf::scoped_actor self{sys};
  auto ask = [&](auto atom, payment_request r) {
    payment_view out;
    self->request(n.cashier(), std::chrono::seconds{30}, atom, std::move(r))
        .receive([&](payment_view& v) { out = std::move(v); }, [](caf::error&) {});
    return out;
  };
  for (int round = 0;; ++round) {
    for (int64_t p = 1; p <= 3; ++p) {
      payment_request r;
      r.player_id = p;
      r.provider = "sandbox";
      r.address = "child";
      r.amount = 100 + round;
      r.instrument = "card-" + std::to_string(p);
      ask(withdraw_atom_v, r);
      r.instrument = "decline-" + std::to_string(p);
      ask(withdraw_atom_v, r);
      r.instrument = "card-" + std::to_string(p);
      r.amount = 5'000;
      auto held = ask(withdraw_atom_v, r);
      if (held.status == "review")
        self->request(n.cashier(), std::chrono::seconds{30}, cancel_atom_v, p,
                      held.payment_id, std::string{"child"})
            .receive([](payment_view&) {}, [](caf::error&) {});
    }
  }
}
