// Proves the wallet rules through the running actors (registry, wallet, ledger
// reader and writer) on a real SQLite file: each rule of DESIGN.md as its own case,
// replies held until durable, replays served from the database after passivation,
// failed commits answered as retryable with the wallet reloaded, group commit, and
// restarts of the storage actors.

#include "persistence/ledger_store.hpp"
#include "support/node_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>

using namespace agg;
using namespace agg::test;

namespace {

bool entry_exists(db::connection& conn, const std::string& source,
                  const std::string& tx) {
  ledger_reader rd{conn};
  return rd.find_entry(source, tx).has_value();
}

// Sends a request as a plain message: its answer (a receipt or an error) comes back as
// an ordinary message, which a receive with a timeout sees. (A receive does not see the
// answer to a request; that waits for the request's handle.)
void send_plain(node_fixture& f, const wallet_request& req) {
  f.self->send(f.the_node().wallets(), wallet_atom_v, req);
}

// The next answer to a plain send within `wait`: its balance, -1 for an error, nothing
// when none came.
std::optional<int64_t> next_answer(node_fixture& f, std::chrono::milliseconds wait) {
  std::optional<int64_t> out;
  f.self->receive([&](wallet_receipt& r) { out = r.balance; },
                  [&](caf::error&) { out = -1; }, caf::after(wait) >> [] {});
  return out;
}

} // namespace

TEST_CASE("deposit and withdraw and balance through the wallet actor", "[wallet]") {
  node_fixture f;
  auto d = f.call(deposit(1, "d1", 1000));
  REQUIRE(d.ok());
  CHECK(d.receipt.balance == 1000);
  CHECK(d.receipt.seq == 1);
  CHECK(f.call(withdraw(1, "w1", 400)).receipt.balance == 600);
  CHECK(f.balance_of(1) == 600);
  CHECK(f.call(withdraw(1, "w2", 601)).error == wallet_errc::insufficient_funds);
  CHECK(f.balance_of(1) == 600);
}

TEST_CASE("a reply waits for the commit that holds it", "[wallet]") {
  std::mutex m;
  std::condition_variable cv;
  bool released = false;
  node_hooks hooks;
  hooks.before_commit = [&](size_t) {
    std::unique_lock<std::mutex> guard{m};
    cv.wait(guard, [&] { return released; });
    return false;
  };
  node_fixture f{{}, hooks};
  send_plain(f, deposit(1, "d1", 100));
  // The writer is held before its commit: no reply may arrive meanwhile.
  CHECK_FALSE(next_answer(f, std::chrono::milliseconds{300}));
  {
    std::lock_guard<std::mutex> guard{m};
    released = true;
  }
  cv.notify_all();
  CHECK(next_answer(f, std::chrono::seconds{20}) == 100);
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  CHECK(entry_exists(conn, "operator", "d1"));
}

TEST_CASE("an exact replay returns the original response", "[wallet]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  auto first = f.call(bet(1, "b1", 300, "r1"));
  REQUIRE(first.ok());
  REQUIRE(f.call(deposit(1, "d2", 5000)).ok());
  auto replay = f.call(bet(1, "b1", 300, "r1"));
  REQUIRE(replay.ok());
  CHECK(replay.receipt.replayed);
  CHECK(replay.receipt.balance == 700);
  CHECK(replay.receipt.seq == first.receipt.seq);
  CHECK(f.balance_of(1) == 5700);
}

TEST_CASE("a conflicting replay is a duplicate error", "[wallet]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  REQUIRE(f.call(bet(1, "b1", 300, "r1")).ok());
  CHECK(f.call(bet(1, "b1", 301, "r1")).error == wallet_errc::duplicate_transaction);
  CHECK(f.call(bet(2, "b1", 300, "r1")).error == wallet_errc::duplicate_transaction);
  CHECK(f.balance_of(1) == 700);
}

TEST_CASE("a rollback of an unknown debit refuses the late debit", "[wallet]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  auto rb = f.call(rollback(1, "rb1", "late", "r9"));
  REQUIRE(rb.ok());
  CHECK(rb.receipt.amount == 0);
  CHECK(f.call(bet(1, "late", 100, "r9")).error == wallet_errc::transaction_rolled_back);
  CHECK(f.balance_of(1) == 1000);
}

TEST_CASE("a win after rollback is refused as rolled back", "[wallet]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  REQUIRE(f.call(bet(1, "b1", 300, "r1")).ok());
  CHECK(f.call(rollback(1, "rb1", "b1")).receipt.balance == 1000);
  CHECK(f.call(win(1, "w1", 900, "r1", "b1")).error ==
        wallet_errc::transaction_rolled_back);
  CHECK(f.balance_of(1) == 1000);
}

TEST_CASE("a rollback after the round's win is refused as settled", "[wallet]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  REQUIRE(f.call(bet(1, "b1", 300, "r1")).ok());
  REQUIRE(f.call(win(1, "w1", 900, "r1", "b1")).ok());
  CHECK(f.call(rollback(1, "rb1", "b1")).error == wallet_errc::round_settled);
  CHECK(f.balance_of(1) == 1600);
}

TEST_CASE("replays are answered from the database after the wallet was passivated",
          "[wallet]") {
  node_fixture f{[](server_options& o) {
    o.wallet_idle_timeout_ms = 50;
    o.wallet_cache_entries_max = 16;
  }};
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  auto b = f.call(bet(1, "b1", 300, "r1"));
  REQUIRE(b.ok());
  REQUIRE(f.call(rollback(1, "rb0", "never-seen", "r2")).ok());
  REQUIRE(wait_until([&] { return f.live_wallets() == 0; }));
  auto replay = f.call(bet(1, "b1", 300, "r1"));
  REQUIRE(replay.ok());
  CHECK(replay.receipt.replayed);
  CHECK(replay.receipt.balance == 700);
  CHECK(f.call(bet(1, "never-seen", 10, "r2")).error ==
        wallet_errc::transaction_rolled_back);
  REQUIRE(wait_until([&] { return f.live_wallets() == 0; }));
  CHECK(f.call(win(1, "w1", 50, "", "b1")).receipt.balance == 750);
  CHECK(f.balance_of(1) == 750);
}

TEST_CASE("a failed commit fails its requests as retryable and the wallet reloads",
          "[wallet]") {
  std::atomic<int> commits{0};
  std::atomic<bool> fail_next{false};
  node_hooks hooks;
  hooks.before_commit = [&](size_t) {
    ++commits;
    return fail_next.exchange(false);
  };
  node_fixture f{{}, hooks};
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  fail_next = true;
  auto failed = f.call(bet(1, "b1", 300, "r1"));
  CHECK(failed.error == wallet_errc::storage_error);
  CHECK(is_retryable(failed.error));
  CHECK(f.balance_of(1) == 1000);
  auto retry = f.call(bet(1, "b1", 300, "r1"));
  REQUIRE(retry.ok());
  CHECK_FALSE(retry.receipt.replayed);
  CHECK(retry.receipt.balance == 700);
  CHECK(f.verify().ok);
}

TEST_CASE("two players racing for one tx id: one wins and the other is a duplicate",
          "[wallet]") {
  node_fixture f{[](server_options& o) { o.commit_window_us = 200'000; }};
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  REQUIRE(f.call(deposit(2, "d2", 1000)).ok());
  auto out = f.call_all({bet(1, "same", 100, "ra"), bet(2, "same", 100, "rb")});
  int ok = 0, dup = 0;
  for (auto& r : out) {
    ok += r.ok() ? 1 : 0;
    dup += r.error == wallet_errc::duplicate_transaction ? 1 : 0;
  }
  CHECK(ok == 1);
  CHECK(dup == 1);
  CHECK(f.balance_of(1) + f.balance_of(2) == 1900);
  CHECK(f.verify().ok);
}

namespace {

// Counts the writer's commits and the largest one, in a node whose writer waits up to a
// second to gather at most `batch_max` writes; deposits 100 to players 1..n at once.
struct commit_count {
  std::atomic<size_t> commits{0};
  std::atomic<size_t> largest{0};

  void deposit_to_each(int players, int64_t batch_max) {
    node_hooks hooks;
    hooks.before_commit = [this](size_t writes) {
      ++commits;
      for (auto seen = largest.load(); writes > seen;)
        largest.compare_exchange_weak(seen, writes);
      return false;
    };
    node_fixture f{[batch_max](server_options& o) {
                     o.commit_window_us = 1'000'000;
                     o.commit_batch_max = batch_max;
                   },
                   hooks};
    std::vector<wallet_request> reqs;
    for (int p = 1; p <= players; ++p)
      reqs.push_back(deposit(p, id("d", p), 100));
    for (auto& r : f.call_all(reqs))
      CHECK(r.ok());
    CHECK(f.verify().ok);
  }
};

} // namespace

TEST_CASE("concurrent writes share one commit", "[wallet]") {
  commit_count c;
  c.deposit_to_each(50, 50);
  INFO("commits: " << c.commits.load());
  CHECK(c.commits.load() < 50);
}

TEST_CASE("a commit never holds more than commit_batch_max writes", "[wallet]") {
  commit_count c;
  c.deposit_to_each(20, 1);
  CHECK(c.largest.load() == 1);
  CHECK(c.commits.load() == 20);
}

TEST_CASE("shutdown lets accepted requests finish and refuses the rest", "[wallet]") {
  node_fixture f;
  auto w = f.the_node().wallets();
  using handle_type = decltype(f.self->request(w, std::chrono::seconds{30}, wallet_atom_v,
                                               deposit(1, "x", 1)));
  std::vector<handle_type> pending;
  for (int i = 0; i < 200; ++i)
    pending.push_back(f.self->request(w, std::chrono::seconds{30}, wallet_atom_v,
                                      deposit(1 + i % 10, id("d", i), 10)));
  std::vector<std::string> acked;
  int refused = 0;
  std::thread stopper{[&] { f.the_node().shutdown(std::chrono::seconds{20}); }};
  for (int i = 0; i < 200; ++i)
    pending[static_cast<size_t>(i)].receive(
        [&, i](wallet_receipt&) { acked.push_back(id("d", i)); },
        [&](caf::error& e) {
          refused += wallet_error_of(e) == wallet_errc::unavailable;
        });
  stopper.join();
  CHECK(acked.size() + static_cast<size_t>(refused) == 200);
  auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
  for (auto& tx : acked)
    CHECK(entry_exists(conn, "operator", tx));
  CHECK(verify_ledger(conn).ok);
}

TEST_CASE("balances survive a restart of the node", "[wallet]") {
  test::temp_dir dir;
  auto opts = test_options(dir);
  {
    caf::actor_system_config cfg;
    caf::actor_system sys{test_config(cfg)};
    node n{sys, opts};
    caf::scoped_actor self{sys};
    self->request(n.wallets(), std::chrono::seconds{10}, wallet_atom_v,
                  deposit(5, "d1", 777))
        .receive([](wallet_receipt&) {}, [](caf::error&) { FAIL("deposit failed"); });
    n.shutdown(std::chrono::seconds{10});
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  node n{sys, opts};
  caf::scoped_actor self{sys};
  int64_t bal = -1;
  self->request(n.wallets(), std::chrono::seconds{10}, wallet_atom_v, balance(5))
      .receive([&](wallet_receipt& r) { bal = r.balance; }, [](caf::error&) {});
  CHECK(bal == 777);
  n.shutdown(std::chrono::seconds{10});
}

TEST_CASE("a crashed ledger writer is restarted with the wallets that depend on it",
          "[wallet][supervision]") {
  node_fixture f;
  REQUIRE(f.call(deposit(1, "d1", 1000)).ok());
  auto child = [&](const caf::actor& sup, const std::string& id) {
    caf::actor out;
    f.self->request(sup, std::chrono::seconds{5}, caf::get_atom_v, id)
        .receive([&](caf::actor& a) { out = a; }, [](caf::error&) {});
    return out;
  };
  auto writer = child(child(f.the_node().root(), "storage"), "ledger_writer");
  REQUIRE(writer);
  f.self->monitor(writer);
  f.self->send_exit(writer, caf::exit_reason::kill);
  bool down = false;
  f.self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(std::chrono::seconds{5}) >> [] {});
  REQUIRE(down);
  // Callers see at most retryable errors, then the restarted tree serves them again.
  bool served = wait_until([&] {
    auto r = f.call(bet(1, "b1", 100, "r1"));
    if (!r.ok()) CHECK(is_retryable(r.error));
    return r.ok();
  });
  CHECK(served);
  CHECK(f.balance_of(1) == 900);
  CHECK(f.verify().ok);
}

namespace {

// The checkpoint sequence number in the WAL header (bytes 12 to 15, big-endian): it
// rises each time the log starts over.
uint32_t wal_restarts(const std::string& db_path) {
  std::ifstream in{db_path + "-wal", std::ios::binary};
  unsigned char h[16] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return 0;
  return (uint32_t{h[12]} << 24) | (uint32_t{h[13]} << 16) | (uint32_t{h[14]} << 8) |
         h[15];
}

// Sends deposits in batches (each sent at once, so the writer always has work) until
// the log has started over three times or 400 batches went; checks the money after.
void write_until_log_restarts(node_fixture& f) {
  auto path = f.options().db_path();
  int64_t sent = 0;
  auto first = wal_restarts(path);
  for (int round = 0; round < 400 && wal_restarts(path) < first + 3; ++round) {
    std::vector<wallet_request> reqs;
    for (int i = 0; i < 64; ++i, ++sent)
      reqs.push_back(
          deposit(1 + sent % 50, std::string{"d"}.append(std::to_string(sent)), 10));
    for (const auto& r : f.call_all(reqs))
      REQUIRE(r.ok());
  }
  CHECK(wal_restarts(path) >= first + 3);
  int64_t total = 0;
  for (int64_t p = 1; p <= 50; ++p)
    total += f.balance_of(p);
  CHECK(total == 10 * sent);
  CHECK(f.verify().ok);
}

} // namespace

// The checkpointer copies while the writer writes; the writer then copies the few
// frames left between two commits, and its next commit starts the log over.
TEST_CASE("under steady writes the log starts over after each timed checkpoint",
          "[wallet][checkpoint]") {
  node_fixture f{[](server_options& o) { o.checkpoint_interval_ms = 10; }};
  write_until_log_restarts(f);
}

TEST_CASE("a log that reaches checkpoint_after_pages is checkpointed before its time",
          "[wallet][checkpoint]") {
  node_fixture f{[](server_options& o) {
    o.checkpoint_interval_ms = 3'600'000;
    o.checkpoint_after_pages = 200;
  }};
  write_until_log_restarts(f);
}
