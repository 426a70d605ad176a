// The child of the crash test: runs a node on the given data directory and drives
// wallet load through it until it is killed: bets with their wins and rollbacks, and
// now and then a bonus grant (converted by later bets), an expiry or a forfeit. Every
// acknowledged operation is appended to the ack file, one line "tx_id player_id seq
// balance", with write(2) straight after the reply, so that the parent knows what was
// acknowledged.
//
//   crash_load_child DATA_DIR ACK_FILE SEED

#include "actors/node.hpp"

#include <caf/all.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <random>

using namespace agg;

namespace {

constexpr int64_t players = 40;
constexpr int clients = 48;

struct client_state {
  registry_actor wallets;
  int fd = -1;
  std::mt19937_64 rng;
  int64_t id = 0;
  int64_t n = 0;
  std::string open_bet;
  int64_t open_player = 0;
  std::string last_grant; // a grant this client gave, to expire
  int64_t grant_player = 0;
  static inline const char* name = "crash_client";
};

void acknowledge(int fd, const wallet_request& r, const wallet_receipt& rc) {
  auto line = r.tx_id + " " + std::to_string(r.player_id) + " " + std::to_string(rc.seq) +
              " " + std::to_string(rc.balance) + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    std::abort();
}

wallet_request next(client_state& st) {
  wallet_request r;
  r.source = "crash";
  r.currency = "EUR";
  r.tx_id = "c" + std::to_string(st.id) + "-" + std::to_string(st.n++);
  if (!st.open_bet.empty()) {
    r.player_id = st.open_player;
    r.op =
        static_cast<uint8_t>(st.rng() % 5 == 0 ? wallet_op::rollback : wallet_op::credit);
    r.ref_tx_id = st.open_bet;
    r.amount =
        r.op == static_cast<uint8_t>(wallet_op::credit) ? int64_t(st.rng() % 300) : 0;
    st.open_bet.clear();
    return r;
  }
  r.player_id = static_cast<int64_t>(st.rng() % players) + 1;
  auto dice = st.rng() % 20;
  if (dice == 0) {
    // Bonus money with a small wagering: later bets convert it.
    bonus_grant g;
    g.grant_id = "bon_" + r.tx_id;
    g.player_id = r.player_id;
    g.campaign_id = "crash";
    g.currency = "EUR";
    g.amount = static_cast<int64_t>(st.rng() % 300) + 1;
    g.wagering_required = static_cast<int64_t>(st.rng() % 600);
    r.op = static_cast<uint8_t>(wallet_op::grant_bonus);
    r.source = "bonus";
    r.tx_id = g.grant_id;
    r.amount = g.amount;
    st.last_grant = g.grant_id;
    st.grant_player = g.player_id;
    r.grant.push_back(std::move(g));
    return r;
  }
  if (dice == 1 && !st.last_grant.empty()) {
    r.player_id = st.grant_player;
    r.op = static_cast<uint8_t>(st.rng() % 2 ? wallet_op::expire_bonus
                                             : wallet_op::forfeit_bonus);
    r.source = "bonus";
    r.grant_id = st.last_grant;
    r.tx_id = st.last_grant + ":end";
    st.last_grant.clear();
    return r;
  }
  r.op = static_cast<uint8_t>(wallet_op::debit);
  r.round_id = "r-" + r.tx_id;
  r.amount = static_cast<int64_t>(st.rng() % 200);
  st.open_bet = r.tx_id;
  st.open_player = r.player_id;
  return r;
}

void issue(caf::stateful_actor<client_state>* self) {
  auto req = next(self->state);
  self->request(self->state.wallets, std::chrono::seconds{30}, wallet_atom_v, req)
      .then(
          [self, req](wallet_receipt& rc) {
            acknowledge(self->state.fd, req, rc);
            issue(self);
          },
          [self](caf::error&) {
            self->state.open_bet.clear();
            issue(self);
          });
}

caf::behavior client(caf::stateful_actor<client_state>* self, registry_actor wallets,
                     int fd, uint64_t seed, int64_t id) {
  self->state.wallets = wallets;
  self->state.fd = fd;
  self->state.rng.seed(seed);
  self->state.id = id;
  issue(self);
  return {[](caf::unit_t) {}};
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: crash_load_child DATA_DIR ACK_FILE SEED" << std::endl;
    return 2;
  }
  server_options opts;
  opts.data_dir = argv[1];
  opts.id_filter_bytes = 1 << 20;
  opts.commit_window_us = 300;
  if (auto problem = opts.validate()) {
    std::cerr << *problem << std::endl;
    return 2;
  }
  auto seed = std::stoull(argv[3]);
  int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return 2;
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  apply_scheduler_defaults(cfg);
  caf::actor_system sys{cfg};
  node n{sys, opts};
  caf::scoped_actor self{sys};
  for (int64_t p = 1; p <= players; ++p) {
    wallet_request r;
    r.player_id = p;
    r.op = static_cast<uint8_t>(wallet_op::deposit);
    r.source = "operator";
    r.tx_id = "fund-" + std::to_string(p);
    r.currency = "EUR";
    r.amount = 1'000'000;
    self->request(n.wallets(), std::chrono::seconds{30}, wallet_atom_v, r)
        .receive([&](wallet_receipt& rc) { acknowledge(fd, r, rc); }, [](caf::error&) {});
  }
  for (int c = 0; c < clients; ++c)
    sys.spawn(client, n.wallets(), fd, seed * 1000 + static_cast<uint64_t>(c),
              static_cast<int64_t>(seed) * 1000 + c);
  for (;;)
    pause(); // until SIGKILL
}
