// Proves that no stake is lost to a crash mid-round: a child process plays rounds on a
// slow vendor and the built-in studio and is killed with SIGKILL at several points.
// After each kill a node on the same files settles every round left open (the
// outcome was never made durable, so the stake is refunded), every acknowledged round
// is in the ledger as paid with the win it reported, and the ledger verifies.

#include "persistence/ledger_store.hpp"
#include "support/node_fixture.hpp"
#include "support/scripted_vendor.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace agg;
using namespace agg::test;

namespace {

size_t count_lines(const std::string& path) {
  std::ifstream in{path};
  return static_cast<size_t>(std::count(std::istreambuf_iterator<char>{in},
                                        std::istreambuf_iterator<char>{}, '\n'));
}

void run_and_kill(const std::string& dir, const std::string& acks, size_t more) {
  auto before = count_lines(acks);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(ROUND_CHILD_PATH, ROUND_CHILD_PATH, dir.c_str(), acks.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  bool reached = wait_until([&] { return count_lines(acks) >= before + more; },
                            std::chrono::seconds{60});
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(reached);
  REQUIRE(WIFSIGNALED(status));
}

} // namespace

TEST_CASE("rounds interrupted by SIGKILL are settled after restart", "[rounds][crash]") {
  temp_dir dir;
  auto data = dir.file("data");
  auto acks = dir.file("acks.txt");
  for (size_t more : {5, 60, 300}) {
    run_and_kill(data, acks, more);
    node_fixture f{[&](server_options& o) {
      o.data_dir = data;
      o.vendors = {"builtin", "slow"};
      o.vendor_settings["slow"] = {{"kind", "scripted"}};
    }};
    auto open_rounds = [&] {
      auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
      auto st = conn.prepare(
          "SELECT count(*) FROM rounds WHERE credited = 0 AND open_bet_count > 0");
      st.step();
      return st.int64(0);
    };
    // Each vendor connection settles at its start what an earlier run left open.
    REQUIRE(wait_until([&] { return open_rounds() == 0; }));
    auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
    auto report = verify_ledger(conn);
    INFO(report.error);
    REQUIRE(report.ok);
    // No win without its bet before it, also for the built-in studio, whose win goes
    // to the wallet before its bet is durable.
    auto orphans = conn.prepare(
        "SELECT count(*) FROM ledger w WHERE w.kind = 4 AND w.ref_tx_id <> '' AND NOT "
        "EXISTS (SELECT 1 FROM ledger b WHERE b.source = w.source AND b.tx_id = "
        "w.ref_tx_id AND b.kind = 3 AND b.gseq < w.gseq)");
    orphans.step();
    CHECK(orphans.int64(0) == 0);
    ledger_reader rd{conn};
    std::ifstream in{acks};
    std::string line;
    size_t checked = 0;
    while (std::getline(in, line)) {
      std::istringstream fields{line};
      std::string vendor, round;
      int64_t player = 0, win = 0, balance = 0;
      REQUIRE(fields >> vendor >> round >> player >> win >> balance);
      auto r = rd.find_round(vendor, round);
      REQUIRE(r);
      CHECK(r->credited);
      CHECK(r->win_total == win);
      auto paid = rd.find_entry(vendor, round + ":win");
      REQUIRE(paid);
      CHECK(paid->balance_after == balance);
      ++checked;
    }
    CHECK(checked >= more);
  }
}
