// Proves the supervisor's restart rules with CAF's deterministic test coordinator:
// nothing runs until the test says so, delayed restarts fire when the test triggers
// them, so every step is observed without sleeping.

#include "actors/core/messages.hpp"
#include "actors/supervisor.hpp"

#include <caf/scheduler/test_coordinator.hpp>
#include <catch2/catch.hpp>

using namespace agg;

namespace {

// A child that answers get_atom with its id, throws on "crash" and ends on "quit".
// (It takes an argument: CAF 0.17 dereferences a null pointer, harmless but flagged
// by UBSan, when a function actor is spawned without any.)
caf::behavior worker(caf::event_based_actor* self, int) {
  return {
      [self](caf::get_atom) { return self->id(); },
      [self](const std::string& cmd) {
        if (cmd == "crash") throw std::runtime_error("injected crash");
        if (cmd == "quit") self->quit();
        return cmd;
      },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  caf::scheduler::test_coordinator& sched;

  static caf::actor_system_config& configure(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.file-verbosity", caf::atom("quiet"));
    return c;
  }

  fixture()
      : sys(configure(cfg)), self(sys, true),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {}

  static child_spec spec(std::string id, restart_policy p = restart_policy::permanent) {
    return {std::move(id),
            [](caf::actor_system& s, const child_handles&) { return s.spawn(worker, 0); },
            p};
  }

  caf::actor child(const caf::actor& sup, const std::string& id) {
    self->send(sup, caf::get_atom_v, id);
    sched.run();
    caf::actor out;
    self->receive([&](caf::actor& a) { out = a; });
    return out;
  }

  void crash(const caf::actor& a) {
    self->send(a, std::string{"crash"});
    sched.run();
  }

  // Fires pending restart timers and runs what they start.
  void restart_due() {
    while (sched.trigger_timeouts() > 0)
      sched.run();
  }

  bool alive(const caf::actor& sup) {
    bool down = false;
    self->monitor(sup);
    sched.run();
    self->receive([&](caf::down_msg&) { down = true; },
                  caf::after(std::chrono::seconds{0}) >> [] {});
    return !down;
  }
};

supervisor_flags flags(restart_strategy s, int64_t intensity = 5) {
  supervisor_flags f;
  f.strategy = s;
  f.intensity = intensity;
  return f;
}

} // namespace

TEST_CASE_METHOD(fixture, "one_for_one restarts only the crashed child", "[supervisor]") {
  auto sup =
      spawn_supervisor(sys, flags(restart_strategy::one_for_one), {spec("a"), spec("b")});
  sched.run();
  auto a1 = child(sup, "a");
  auto b1 = child(sup, "b");
  REQUIRE(a1);
  crash(a1);
  CHECK_FALSE(child(sup, "a")); // waiting out its backoff
  restart_due();
  auto a2 = child(sup, "a");
  REQUIRE(a2);
  CHECK(a2 != a1);
  CHECK(child(sup, "b") == b1);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture, "rest_for_one restarts the crashed child and those after it",
                 "[supervisor]") {
  auto sup = spawn_supervisor(sys, flags(restart_strategy::rest_for_one),
                              {spec("a"), spec("b"), spec("c")});
  sched.run();
  auto a1 = child(sup, "a");
  auto b1 = child(sup, "b");
  auto c1 = child(sup, "c");
  crash(b1);
  restart_due();
  CHECK(child(sup, "a") == a1);
  CHECK(child(sup, "b") != b1);
  CHECK(child(sup, "c") != c1);
  CHECK(child(sup, "c"));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture, "a later child starts with the handles of earlier ones",
                 "[supervisor]") {
  caf::actor seen;
  child_spec b{"b", [&](caf::actor_system& s, const child_handles& h) {
                 seen = h.at("a");
                 return s.spawn(worker, 0);
               }};
  auto sup = spawn_supervisor(sys, flags(restart_strategy::rest_for_one), {spec("a"), b});
  sched.run();
  auto a1 = child(sup, "a");
  CHECK(seen == a1);
  crash(a1);
  restart_due();
  CHECK(seen == child(sup, "a"));
  CHECK(seen != a1);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture, "too many restarts within the period escalate",
                 "[supervisor]") {
  auto sup = spawn_supervisor(sys, flags(restart_strategy::one_for_one, 2), {spec("a")});
  sched.run();
  self->monitor(sup);
  for (int i = 0; i < 2; ++i) {
    crash(child(sup, "a"));
    restart_due();
  }
  crash(child(sup, "a"));
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; });
  CHECK(reason == supervisor_escalated());
}

TEST_CASE_METHOD(fixture, "a transient child that ends normally is not restarted",
                 "[supervisor]") {
  auto sup = spawn_supervisor(sys, flags(restart_strategy::one_for_one),
                              {spec("t", restart_policy::transient), spec("p")});
  sched.run();
  auto t = child(sup, "t");
  self->send(t, std::string{"quit"});
  sched.run();
  restart_due();
  CHECK_FALSE(child(sup, "t"));
  CHECK(child(sup, "p"));
  self->send(sup, stats_atom_v);
  sched.run();
  int64_t restarts = -1;
  self->receive([&](int64_t n) { restarts = n; });
  CHECK(restarts == 0);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture, "stopping the supervisor stops its children", "[supervisor]") {
  auto sup =
      spawn_supervisor(sys, flags(restart_strategy::one_for_one), {spec("a"), spec("b")});
  sched.run();
  auto a = child(sup, "a");
  auto b = child(sup, "b");
  self->monitor(a);
  self->monitor(b);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  int downs = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](caf::down_msg&) { ++downs; });
  CHECK(downs == 2);
}
