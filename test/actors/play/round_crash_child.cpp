// The child of the round crash test: runs a node with a slow scripted vendor and the
// built-in studio on the given data directory and plays rounds on both until it is
// killed. Every settled round is appended to the ack file as one line
// "vendor round_id player win balance", with write(2) straight after the reply.
//
//   round_crash_child DATA_DIR ACK_FILE

#include "actors/node.hpp"
#include "support/scripted_vendor.hpp"

#include <caf/all.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <random>

using namespace agg;

namespace {

constexpr int clients = 16;

void play_forever(caf::actor_system& sys, node& n, int fd, int client) {
  caf::scoped_actor self{sys};
  std::mt19937_64 rng{static_cast<uint64_t>(client)};
  for (int i = 0;; ++i) {
    bool slow = i % 3 != 2;
    play_request r{client + 1,
                   slow ? "slow" : "builtin",
                   slow ? "g1" : "dice",
                   "EUR",
                   static_cast<int64_t>(1 + rng() % 50),
                   slow ? "" : R"({"chance":4500})",
                   0,
                   {}};
    self->request(n.vendors(), std::chrono::seconds{30}, play_atom_v, r)
        .receive(
            [&](round_result& rr) {
              auto line = rr.vendor + " " + rr.round_id + " " +
                          std::to_string(rr.player_id) + " " + std::to_string(rr.win) +
                          " " + std::to_string(rr.balance) + "\n";
              if (::write(fd, line.data(), line.size()) !=
                  static_cast<ssize_t>(line.size()))
                std::abort();
            },
            [](caf::error&) {});
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: round_crash_child DATA_DIR ACK_FILE" << std::endl;
    return 2;
  }
  server_options opts;
  opts.data_dir = argv[1];
  opts.id_filter_bytes = 1 << 20;
  opts.password_ops_limit = 1;
  opts.password_mem_kib = 8;
  opts.vendors = {"builtin", "slow"};
  opts.vendor_settings["slow"] = {{"kind", "scripted"}, {"workers", "16"}};
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    return 2;
  }
  std::mt19937_64 rng{42};
  for (int i = 0; i < 1'000'000; ++i)
    test::scripts::get().push("slow",
                              test::sleep_then_win(std::chrono::milliseconds{rng() % 8},
                                                   static_cast<int64_t>(rng() % 80)));
  int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return 2;
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  apply_scheduler_defaults(cfg);
  caf::actor_system sys{cfg};
  node n{sys, opts};
  {
    caf::scoped_actor self{sys};
    for (int p = 1; p <= clients; ++p) {
      wallet_request d;
      d.player_id = p;
      d.op = static_cast<uint8_t>(wallet_op::deposit);
      d.source = "operator";
      d.tx_id = "fund-" + std::to_string(p);
      d.currency = "EUR";
      d.amount = 10'000'000;
      self->request(n.wallets(), std::chrono::seconds{30}, wallet_atom_v, d)
          .receive([](wallet_receipt&) {}, [](caf::error&) {});
    }
  }
  std::vector<std::thread> players;
  for (int c = 0; c < clients; ++c)
    players.emplace_back([&, c] { play_forever(sys, n, fd, c); });
  for (;;)
    pause(); // until SIGKILL
}
