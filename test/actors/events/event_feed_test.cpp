// The event feed: a subscriber receives every committed event after its cursor in the
// global order, without a gap, from the ring or (fallen behind) from the database; at
// most its window unacknowledged; a durable cursor survives a restart of the node; a
// subscriber that is restarted resumes; the player pushes ride on it.

#include "actors/events/event_feed.hpp"
#include "actors/events/feed_subscription.hpp"
#include "support/node_fixture.hpp"

#include <mutex>

using namespace agg;
using namespace agg::test;

namespace {

// What a test subscriber saw; shared with the test's thread.
struct seen {
  std::mutex mtx;
  std::vector<int64_t> gseqs;
  std::vector<feed_event> events;
  bool hold = false; // do not acknowledge

  size_t size() {
    std::lock_guard lock{mtx};
    return gseqs.size();
  }
  std::vector<int64_t> ids() {
    std::lock_guard lock{mtx};
    return gseqs;
  }
};

struct test_subscriber_state {
  std::unique_ptr<feed_subscription> feed;
  static inline const char* name = "test_subscriber";
};

caf::behavior test_subscriber(caf::stateful_actor<test_subscriber_state>* self,
                              subscription_options opts, std::shared_ptr<seen> out) {
  self->state.feed = std::make_unique<feed_subscription>(std::move(opts));
  self->state.feed->connect(self);
  self->set_down_handler(
      [self](caf::down_msg& dm) { self->state.feed->on_down(self, dm); });
  return {
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self, out](events_atom, event_batch& b) {
        auto& feed = *self->state.feed;
        if (!feed.fresh(self, b)) return;
        bool hold = false;
        {
          std::lock_guard lock{out->mtx};
          for (auto& e : b.events) {
            out->gseqs.push_back(e.gseq());
            out->events.push_back(e);
          }
          hold = out->hold;
        }
        if (!hold) feed.ack(self, b.events.back().gseq());
      },
      [](caf::exit_msg&) {},
  };
}

caf::actor subscribe(caf::actor_system& sys, const std::string& name, bool durable,
                     int64_t window, std::shared_ptr<seen> out) {
  subscription_options o;
  o.name = name;
  o.durable = durable;
  o.window = window;
  o.retry = std::chrono::milliseconds{20};
  return sys.spawn(test_subscriber, o, std::move(out));
}

bool gap_free_from(const std::vector<int64_t>& ids, int64_t first) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] != first + static_cast<int64_t>(i)) return false;
  return true;
}

void deposits(node_fixture& f, int64_t players, int64_t each, const std::string& tag) {
  std::vector<wallet_request> reqs;
  for (int64_t p = 1; p <= players; ++p)
    for (int64_t i = 0; i < each; ++i)
      reqs.push_back(deposit(p, tag + std::to_string(p) + "-" + std::to_string(i), 10));
  for (auto& r : f.call_all(reqs))
    REQUIRE(r.ok());
}

} // namespace

TEST_CASE("a durable subscriber receives every event in order, from the ring and from "
          "the database",
          "[feed]") {
  // A ring of 16 events: most of what came before the subscriber is read back.
  node_fixture f{[](server_options& o) { o.feed_buffer_events = 16; }};
  deposits(f, 5, 20, "a");
  auto out = std::make_shared<seen>();
  auto sub = subscribe(f.sys, "t1", true, 64, out);
  REQUIRE(wait_until([&] { return out->size() >= 100; }));
  deposits(f, 3, 10, "b");
  REQUIRE(wait_until([&] { return out->size() >= 130; }));
  auto ids = out->ids();
  CHECK(ids.size() == 130);
  CHECK(gap_free_from(ids, 1));
  {
    std::lock_guard lock{out->mtx};
    // Each player's entries come in its own order, with their balances.
    std::map<int64_t, int64_t> last_seq;
    for (auto& e : out->events) {
      REQUIRE(e.is_money);
      CHECK(e.money.seq == last_seq[e.money.player_id] + 1);
      last_seq[e.money.player_id] = e.money.seq;
      CHECK(e.money.balance_after == 10 * e.money.seq);
    }
  }
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
}

TEST_CASE("a subscriber that does not acknowledge gets no more than its window",
          "[feed]") {
  node_fixture f;
  auto out = std::make_shared<seen>();
  out->hold = true;
  auto sub = subscribe(f.sys, "slow", true, 8, out);
  deposits(f, 2, 20, "w");
  REQUIRE(wait_until([&] { return out->size() >= 8; }));
  // Another subscriber that acknowledges sees all 40 in the meantime.
  auto all = std::make_shared<seen>();
  auto sub2 = subscribe(f.sys, "fast", true, 1024, all);
  REQUIRE(wait_until([&] { return all->size() >= 40; }));
  CHECK(out->size() == 8);
  {
    std::lock_guard lock{out->mtx};
    out->hold = false;
  }
  // Acknowledging the window lets the rest come.
  f.self->send(caf::actor_cast<caf::actor>(f.sys.registry().get(feed_name())),
               ack_atom_v, std::string{"slow"}, int64_t{8});
  REQUIRE(wait_until([&] { return out->size() >= 40; }));
  CHECK(gap_free_from(out->ids(), 1));
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sub2, caf::exit_reason::user_shutdown);
}

TEST_CASE("a durable cursor survives a restart of the node, and a restarted subscriber "
          "resumes after what it acknowledged",
          "[feed]") {
  temp_dir dir;
  auto tune = [&](server_options& o) {
    o.data_dir = dir.str();
    o.feed_cursor_interval_ms = 20;
  };
  int64_t first_run = 0;
  {
    node_fixture f{tune};
    auto out = std::make_shared<seen>();
    auto sub = subscribe(f.sys, "durable", true, 1024, out);
    deposits(f, 4, 10, "r");
    REQUIRE(wait_until([&] { return out->size() >= 40; }));
    // A new actor under the same name goes on from the acknowledged position.
    caf::anon_send_exit(sub, caf::exit_reason::kill);
    deposits(f, 1, 5, "s");
    auto again = std::make_shared<seen>();
    auto sub2 = subscribe(f.sys, "durable", true, 1024, again);
    REQUIRE(wait_until([&] { return again->size() >= 5; }));
    CHECK(gap_free_from(again->ids(), 41));
    first_run = 45;
    // The cursor reaches the database within its interval.
    REQUIRE(wait_until([&] {
      auto conn = db::connection::open(f.options().db_path(), db::open_mode::read_only);
      return event_log{conn}.cursor("durable").value_or(0) == 45;
    }));
    caf::anon_send_exit(sub2, caf::exit_reason::user_shutdown);
  }
  node_fixture f{tune};
  deposits(f, 1, 3, "t");
  auto out = std::make_shared<seen>();
  auto sub = subscribe(f.sys, "durable", true, 1024, out);
  REQUIRE(wait_until([&] { return out->size() >= 3; }));
  auto ids = out->ids();
  CHECK(gap_free_from(ids, first_run + 1));
  // A subscriber that is not durable starts at the head: once it is subscribed (the
  // feed counts it), what comes next is all it sees.
  auto now_on = std::make_shared<seen>();
  auto live = subscribe(f.sys, "live", false, 1024, now_on);
  REQUIRE(wait_until([&] {
    return f.the_node().stats()->prometheus().find("subscriber=\"live\"} 1") !=
           std::string::npos;
  }));
  deposits(f, 1, 1, "u");
  REQUIRE(wait_until([&] { return now_on->size() >= 1; }));
  CHECK(now_on->ids() == std::vector<int64_t>{first_run + 4});
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(live, caf::exit_reason::user_shutdown);
}

TEST_CASE("the chain's head is recorded as a checkpoint event at an interval", "[feed]") {
  node_fixture f{[](server_options& o) { o.chain_checkpoint_interval_ms = 50; }};
  deposits(f, 2, 3, "c");
  auto out = std::make_shared<seen>();
  auto sub = subscribe(f.sys, "cp", true, 1024, out);
  auto checkpoint_index = [&]() -> std::optional<size_t> {
    std::lock_guard lock{out->mtx};
    for (size_t i = 1; i < out->events.size(); ++i)
      if (!out->events[i].is_money) return i;
    return std::nullopt;
  };
  REQUIRE(wait_until([&] { return checkpoint_index().has_value(); }));
  global_head kept;
  {
    auto i = *checkpoint_index();
    std::lock_guard lock{out->mtx};
    auto& cp = out->events[i];
    CHECK(cp.activity.kind == static_cast<uint8_t>(activity_kind::chain_checkpoint));
    // It names the record before it, by position and global hash.
    auto& before = out->events[i - 1];
    kept = {before.gseq(), before.money.ghash};
    CHECK(cp.activity.detail == "{\"gseq\":" + std::to_string(kept.gseq) +
                                    ",\"ghash\":\"" + to_hex(kept.ghash) + "\"}");
  }
  REQUIRE(wait_until([&] {
    return f.the_node().stats()->prometheus().find(
               "agg_chain_checkpoint{gseq=\"" + std::to_string(kept.gseq) + "\"") !=
           std::string::npos;
  }));
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  auto conn = f.stop_and_open();
  // The checkpoint it published proves the ledger's prefix; a made-up one is refused.
  CHECK(verify_ledger(conn, kept).ok);
  auto forged = kept;
  forged.ghash[0] ^= 1;
  CHECK_FALSE(verify_ledger(conn, forged).ok);
}
