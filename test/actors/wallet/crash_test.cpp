// Proves durability across a hard crash: a child process drives wallet load (bonus
// grants, their conversions, expiries and forfeits among it) and is killed with
// SIGKILL at several points. After each kill every acknowledged operation
// is in the ledger with the seq and balance it was acknowledged with, verify passes
// (nothing unacknowledged is half-applied), and a new node on the same files carries
// on. The child runs the same directory several times, so later runs start from a
// recovered database.

#include "persistence/ledger_store.hpp"
#include "support/node_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace agg;
using namespace agg::test;

namespace {

struct ack {
  std::string tx;
  int64_t player = 0;
  int64_t seq = 0;
  int64_t balance = 0;
};

std::vector<ack> read_acks(const std::string& path) {
  std::vector<ack> out;
  std::ifstream in{path};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    ack a;
    if (fields >> a.tx >> a.player >> a.seq >> a.balance) out.push_back(a);
  }
  return out;
}

size_t count_lines(const std::string& path) {
  std::ifstream in{path};
  return static_cast<size_t>(std::count(std::istreambuf_iterator<char>{in},
                                        std::istreambuf_iterator<char>{}, '\n'));
}

// Starts the child, waits for `acks` acknowledgements, kills it with SIGKILL.
void run_and_kill(const std::string& dir, const std::string& ack_file, size_t acks,
                  int seed) {
  auto before = count_lines(ack_file);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto s = std::to_string(seed);
    execl(CRASH_CHILD_PATH, CRASH_CHILD_PATH, dir.c_str(), ack_file.c_str(), s.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  bool reached = wait_until([&] { return count_lines(ack_file) >= before + acks; },
                            std::chrono::seconds{60});
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(reached);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

void check_after_crash(const std::string& db_path, const std::string& ack_file) {
  // A read-write open recovers the WAL as the server would at startup.
  auto conn = db::connection::open(db_path, db::open_mode::read_write_create);
  auto report = verify_ledger(conn);
  INFO(report.error);
  REQUIRE(report.ok);
  ledger_reader rd{conn};
  auto acks = read_acks(ack_file);
  REQUIRE_FALSE(acks.empty());
  size_t missing = 0;
  for (const auto& a : acks) {
    auto source = a.tx.rfind("fund-", 0) == 0  ? "operator"
                  : a.tx.rfind("bon_", 0) == 0 ? "bonus"
                                               : "crash";
    auto e = rd.find_entry(source, a.tx);
    if (!e) {
      ++missing;
      continue;
    }
    CHECK(e->player_id == a.player);
    CHECK(e->seq == a.seq);
    CHECK(e->balance_after == a.balance);
  }
  CHECK(missing == 0);
  // Bonus grants were given, converted and ended across the kills; each ended once
  // (verify checked every pocket and stored grant against the chain).
  auto grants = conn.prepare("SELECT count(*), coalesce(sum(status <> 1), 0) FROM "
                             "bonus_grants");
  REQUIRE(grants.step());
  auto ends = conn.prepare("SELECT count(*) FROM ledger WHERE source = 'bonus' AND kind "
                           "IN (7, 8, 9)");
  REQUIRE(ends.step());
  CHECK(ends.int64(0) == grants.int64(1));
}

} // namespace

TEST_CASE("acknowledged operations survive SIGKILL at several points",
          "[wallet][crash]") {
  temp_dir dir;
  auto ack_file = dir.file("acks.txt");
  auto data = dir.file("data");
  server_options opts;
  opts.data_dir = data;
  int seed = 1;
  for (size_t kill_after : {1, 150, 1500, 40, 4000}) {
    INFO("killed after " << kill_after << " acknowledgements");
    run_and_kill(data, ack_file, kill_after, seed++);
    check_after_crash(opts.db_path(), ack_file);
  }
  // A node on the recovered files serves the same balances and goes on.
  node_fixture f{[&](server_options& o) { o.data_dir = data; }};
  auto acks = read_acks(ack_file);
  auto conn = db::connection::open(opts.db_path(), db::open_mode::read_only);
  auto stored = ledger_reader{conn}.load_wallet(1);
  REQUIRE(stored.balances.size() == 1);
  CHECK(f.balance_of(1) == stored.balances[0].balance);
  auto more = f.call(deposit(1, "after-crash", 5));
  REQUIRE(more.ok());
  CHECK(more.receipt.balance == stored.balances[0].balance + 5);
  CHECK(more.receipt.seq == stored.last_seq + 1);
  CHECK(f.verify().ok);
  auto grants =
      conn.prepare("SELECT count(*), coalesce(sum(status = 2), 0) FROM bonus_grants");
  REQUIRE(grants.step());
  CHECK(grants.int64(0) > 10);
  CHECK(grants.int64(1) > 0); // some converted
}
