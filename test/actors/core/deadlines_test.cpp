// Requests bounded by an actor's own deadline sweep (actors/deadlines.hpp), on CAF's
// deterministic test coordinator: time moves only when the test fires a timer.

#include "actors/core/deadlines.hpp"
#include "actors/core/messages.hpp"

#include <caf/scheduler/test_coordinator.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace agg;

namespace {

constexpr auto timeout = std::chrono::milliseconds{1'000};
constexpr auto tick = std::chrono::milliseconds{100};

// Answers get_atom with 42 at once, or holds the answer until told "release".
// (Not an aggregate: CAF would construct an aggregate from the actor pointer.)
struct server_state {
  server_state() = default;
  bool hold = false;
  std::vector<caf::response_promise> held;
};

// (It takes an unused argument: CAF 0.17 dereferences a null pointer, harmless but
// flagged by UBSan, when a function actor is spawned without any.)
caf::behavior server(caf::stateful_actor<server_state>* self, int) {
  return {
      [self](caf::get_atom) -> caf::result<int> {
        if (!self->state.hold) return 42;
        self->state.held.push_back(self->make_response_promise());
        return caf::delegated<int>{};
      },
      [self](const std::string& cmd) {
        if (cmd == "hold") self->state.hold = true;
        if (cmd == "release")
          for (auto& p : self->state.held)
            p.deliver(42);
        self->state.held.clear();
      },
  };
}

struct outcomes {
  std::vector<int> values;
  std::vector<caf::error> errors;
};

struct client_state {
  deadline_table table{tick};
};

// On "ask", asks the server within `timeout`; records what comes back.
caf::behavior client(caf::stateful_actor<client_state>* self, caf::actor srv,
                     std::shared_ptr<outcomes> out) {
  return {
      [self, srv, out](const std::string&) {
        request_within(
            self, self->state.table, tick_atom_v, srv, timeout,
            [out](int v) { out->values.push_back(v); },
            [out](caf::error& e) { out->errors.push_back(e); }, caf::get_atom_v);
      },
      [self](tick_atom) { sweep_deadlines(self, self->state.table, tick_atom_v); },
      [self](caf::get_atom) { return self->state.table.size(); },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<outcomes> out = std::make_shared<outcomes>();
  caf::actor srv;
  caf::actor cli;

  static caf::actor_system_config& configure(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    c.add_message_types<caf::id_block::agg>();
    return c;
  }

  fixture()
      : sys(configure(cfg)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
    srv = sys.spawn(server, 0);
    cli = sys.spawn(client, srv, out);
    sched.run();
  }

  ~fixture() {
    caf::anon_send_exit(cli, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(srv, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void tell(const caf::actor& a, const std::string& cmd) {
    caf::anon_send(a, cmd);
    sched.run();
  }

  // Fires the next timer (moving the clock to it) and runs what it starts.
  bool fire() {
    if (!sched.trigger_timeout()) return false;
    sched.run();
    return true;
  }

  caf::timespan elapsed(caf::actor_clock::time_point since) const {
    return sched.clock().now() - since;
  }
};

} // namespace

TEST_CASE_METHOD(fixture,
                 "a request answered in time gets its answer once and no timeout",
                 "[deadlines]") {
  tell(cli, "ask");
  REQUIRE(out->values == std::vector<int>{42});
  // The pending tick finds nothing left and is not scheduled again.
  int ticks = 0;
  while (fire())
    ++ticks;
  CHECK(ticks == 1);
  CHECK(out->values.size() == 1);
  CHECK(out->errors.empty());
}

TEST_CASE_METHOD(fixture,
                 "a request not answered fails with request_timeout on the first sweep "
                 "after its deadline, and its late answer is dropped",
                 "[deadlines]") {
  tell(srv, "hold");
  auto start = sched.clock().now();
  tell(cli, "ask");
  REQUIRE(out->values.empty());
  while (out->errors.empty()) {
    REQUIRE(fire()); // a tick stays scheduled while the request is pending
    if (out->errors.empty()) CHECK(elapsed(start) < timeout);
  }
  CHECK(elapsed(start) >= timeout);
  CHECK(elapsed(start) < timeout + tick + tick);
  REQUIRE(out->errors.size() == 1);
  CHECK(out->errors[0] == caf::sec::request_timeout);
  // The answer arrives after the deadline: dropped, not handled twice.
  tell(srv, "release");
  CHECK(out->values.empty());
  CHECK(out->errors.size() == 1);
  CHECK_FALSE(fire()); // and nothing is left to tick for
}

TEST_CASE_METHOD(
    fixture, "requests in flight expire each at its own deadline, answered ones do not",
    "[deadlines]") {
  tell(srv, "hold");
  auto start = sched.clock().now();
  tell(cli, "ask");
  // Half the timeout later, a second request, which the server will answer.
  while (elapsed(start) < timeout / 2)
    REQUIRE(fire());
  tell(cli, "ask");
  while (out->errors.empty())
    REQUIRE(fire());
  CHECK(out->errors.size() == 1); // the first request only
  tell(srv, "release");           // answers both: the first is dropped
  CHECK(out->values == std::vector<int>{42});
  while (fire()) {
  }
  CHECK(out->errors.size() == 1);
}

TEST_CASE("a deadline table settles an id once and expires only what is due",
          "[deadlines]") {
  deadline_table t{tick};
  auto t0 = deadline_table::clock::time_point{} + std::chrono::hours{1};
  int expired = 0;
  auto a = t.add(t0 + timeout, [&] { ++expired; });
  auto b = t.add(t0 + 2 * timeout, [&] { expired += 10; });
  CHECK(t.arm());
  CHECK_FALSE(t.arm()); // one tick at a time
  t.expire(t0);
  CHECK(expired == 0);
  t.expire(t0 + timeout);
  CHECK(expired == 1);
  CHECK_FALSE(t.settle(a)); // expired: its answer is dropped
  CHECK(t.settle(b));
  CHECK_FALSE(t.settle(b));
  t.expire(t0 + 3 * timeout);
  CHECK(expired == 1);
  CHECK(t.size() == 0);
  CHECK_FALSE(t.rearm());
  CHECK(t.arm() == false); // nothing pending
}
