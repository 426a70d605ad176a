// Cluster endpoints in actor systems of their own, over the middleman on loopback:
// they find each other, keep a node set that differs out (one log line each way),
// and notice a peer's loss.

#include "actors/cluster/membership.hpp"
#include "support/wait.hpp"

#include <caf/io/all.hpp>
#include <catch2/catch.hpp>

using namespace agg;
using agg::test::free_port;
using agg::test::wait_until;

namespace {

// One node: its own actor system with the middleman, its endpoint published.
struct member {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<cluster_view> view;
  caf::actor endpoint;

  explicit member(const cluster_config& c) {
    node_set set;
    auto problem = node_set::parse(c, set);
    REQUIRE_FALSE(problem);
    configure_cluster(cfg, c);
    sys = std::make_unique<caf::actor_system>(cfg);
    view = std::make_shared<cluster_view>(set);
    cluster_services services;
    services.status = [] {
      node_status s;
      s.players = 42;
      return s;
    };
    endpoint = spawn_cluster_endpoint(*sys, {c, view, services});
    REQUIRE(sys->middleman().publish(endpoint, set.self().port, "127.0.0.1", true));
  }

  ~member() {
    caf::anon_send_exit(endpoint, caf::exit_reason::user_shutdown);
    endpoint = nullptr;
  }

  cluster_view::peer_state state_of(const std::string& name) const {
    for (const auto& p : view->peers())
      if (p.node.name == name) return p.state;
    return cluster_view::peer_state::down;
  }
};

cluster_config config_of(const std::string& self, const std::vector<uint16_t>& ports) {
  cluster_config c;
  c.node = self;
  for (size_t i = 0; i < ports.size(); ++i)
    c.nodes.push_back("core-" + std::to_string(i) +
                      "=core@127.0.0.1:" + std::to_string(ports[i]));
  c.heartbeat_ms = 100;
  c.connection_timeout_ms = 500;
  c.reconnect_ms = 100;
  return c;
}

using peer_state = cluster_view::peer_state;

} // namespace

TEST_CASE("membership: nodes of one set come up, answer their status, and notice a "
          "loss") {
  std::vector<uint16_t> ports{free_port(), free_port(), free_port()};
  auto a = std::make_unique<member>(config_of("core-0", ports));
  auto b = std::make_unique<member>(config_of("core-1", ports));
  auto c = std::make_unique<member>(config_of("core-2", ports));
  REQUIRE(wait_until([&] {
    return a->state_of("core-1") == peer_state::up &&
           a->state_of("core-2") == peer_state::up &&
           b->state_of("core-0") == peer_state::up &&
           c->state_of("core-1") == peer_state::up;
  }));
  CHECK_FALSE(a->view->mismatched());
  CHECK(a->view->first_core_up() == "core-0");
  // A peer's endpoint answers across the wire, every field there.
  caf::scoped_actor self{*a->sys};
  node_status got;
  self->request(a->view->endpoint("core-2"), std::chrono::seconds{5}, status_atom_v)
      .receive([&](node_status& s) { got = s; }, [](caf::error&) {});
  CHECK(got.node == "core-2");
  CHECK(got.role == "core");
  CHECK(got.players == 42);
  // core-1 goes away: the others see it down, without waiting for a request.
  b.reset();
  CHECK(wait_until([&] {
    return a->state_of("core-1") == peer_state::down &&
           c->state_of("core-1") == peer_state::down;
  }));
  CHECK_FALSE(a->view->endpoint("core-1"));
  CHECK(a->view->endpoint("core-2"));
  // It comes back (same name, same port, a new CAF node id): up again.
  b = std::make_unique<member>(config_of("core-1", ports));
  CHECK(wait_until([&] {
    return a->state_of("core-1") == peer_state::up &&
           b->state_of("core-0") == peer_state::up;
  }));
}

TEST_CASE("membership: a node whose set differs is refused and serves nothing of the "
          "cluster") {
  std::vector<uint16_t> ports{free_port(), free_port(), free_port()};
  member a{config_of("core-0", ports)};
  member b{config_of("core-1", ports)};
  auto other = config_of("core-2", ports);
  other.epoch = 2; // another epoch
  member c{other};
  REQUIRE(wait_until([&] {
    return a.state_of("core-1") == peer_state::up &&
           a.state_of("core-2") == peer_state::refused &&
           c.state_of("core-0") == peer_state::refused &&
           c.state_of("core-1") == peer_state::refused;
  }));
  CHECK_FALSE(a.view->mismatched());
  CHECK_FALSE(b.view->mismatched());
  CHECK(c.view->mismatched());
  for (const auto& p : a.view->peers())
    if (p.node.name == "core-2") CHECK(p.problem.find("epoch") != std::string::npos);
}

TEST_CASE("membership: another application id never joins") {
  std::vector<uint16_t> ports{free_port(), free_port()};
  member a{config_of("core-0", ports)};
  auto other = config_of("core-1", ports);
  other.app_id = "another-casino";
  member b{other};
  REQUIRE(wait_until([&] {
    return a.state_of("core-1") == peer_state::refused ||
           b.state_of("core-0") == peer_state::refused;
  }));
  CHECK(a.state_of("core-1") != peer_state::up);
  CHECK(b.state_of("core-0") != peer_state::up);
}
