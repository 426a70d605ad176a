#include "actors/cluster/membership.hpp"

#include "common/clock.hpp"
#include "common/log.hpp"

#include <caf/io/all.hpp>

#include <algorithm>

namespace agg {

// -- the view ---------------------------------------------------------------------------

cluster_view::cluster_view(node_set set, caf::actor self_endpoint)
    : set_(std::move(set)) {
  for (const auto& n : set_.nodes()) {
    if (n.pattern() || n.name == set_.self().name) continue;
    peer p;
    p.node = n;
    p.since_us = now_us();
    p.problem = n.role == node_role::core ? "not connected yet" : "not seen yet";
    peers_.emplace(n.name, std::move(p));
  }
  peer me;
  me.node = set_.self();
  me.state = peer_state::self;
  me.endpoint = std::move(self_endpoint);
  me.since_us = now_us();
  peers_.emplace(me.node.name, std::move(me));
}

caf::actor cluster_view::endpoint(const std::string& name) const {
  std::shared_lock lock{mtx_};
  auto i = peers_.find(name);
  if (i == peers_.end()) return {};
  auto st = i->second.state;
  return st == peer_state::self || st == peer_state::up ? i->second.endpoint
                                                        : caf::actor{};
}

std::vector<cluster_view::peer> cluster_view::peers() const {
  std::vector<peer> out;
  std::shared_lock lock{mtx_};
  for (const auto& [name, p] : peers_)
    out.push_back(p);
  // Cores first, each group by name.
  std::stable_sort(out.begin(), out.end(), [](const peer& a, const peer& b) {
    return a.node.role < b.node.role;
  });
  return out;
}

bool cluster_view::mismatched() const {
  std::shared_lock lock{mtx_};
  bool refused = false;
  for (const auto& [name, p] : peers_) {
    if (p.state == peer_state::up) return false;
    refused = refused || p.state == peer_state::refused;
  }
  return refused;
}

bool cluster_view::any_core_up() const {
  return !first_core_up().empty();
}

std::string cluster_view::first_core_up() const {
  std::shared_lock lock{mtx_};
  auto& me = peers_.at(set_.self().name);
  if (me.node.role == node_role::core && me.endpoint) return me.node.name;
  for (const auto& n : set_.nodes()) {
    if (n.role != node_role::core) continue;
    if (auto i = peers_.find(n.name);
        i != peers_.end() && i->second.state == peer_state::up)
      return n.name;
  }
  return {};
}

void cluster_view::set_self(caf::actor endpoint) {
  std::unique_lock lock{mtx_};
  peers_.at(set_.self().name).endpoint = std::move(endpoint);
}

void cluster_view::set(const std::string& name, peer_state st, caf::actor ep,
                       std::string problem) {
  std::unique_lock lock{mtx_};
  auto i = peers_.find(name);
  if (i == peers_.end()) {
    // An edge of a pattern entry: known while it is connected.
    auto* entry = set_.find(name);
    if (entry == nullptr || !entry->pattern() || st == peer_state::down) return;
    peer p;
    p.node = *entry;
    p.node.name = name;
    i = peers_.emplace(name, std::move(p)).first;
  } else if (st == peer_state::down && i->second.node.pattern()) {
    peers_.erase(i);
    return;
  }
  if (i->second.state == peer_state::self) return;
  auto& p = i->second;
  if (p.state != st) p.since_us = now_us();
  p.state = st;
  p.endpoint = std::move(ep);
  p.problem = std::move(problem);
}

void cluster_view::set_up(const std::string& name, caf::actor endpoint) {
  set(name, peer_state::up, std::move(endpoint), {});
}

void cluster_view::set_down(const std::string& name, std::string problem) {
  set(name, peer_state::down, {}, std::move(problem));
}

void cluster_view::set_refused(const std::string& name, std::string problem) {
  set(name, peer_state::refused, {}, std::move(problem));
}

// -- the endpoint -----------------------------------------------------------------------

namespace {

using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
constexpr reconnect_atom reconnect_atom_v{};

struct endpoint_state {
  membership_options opts;
  node_hello hello;
  std::map<std::string, caf::actor> peers; // up, monitored
  std::map<std::string, bool> connecting;
  std::map<std::string, std::string> last_problem;      // logged once per change
  std::map<std::string, caf::actor> vendor_connections; // by vendor id, monitored
  static inline const char* name = "cluster_endpoint";
};
using endpoint_pointer = caf::stateful_actor<endpoint_state>*;

// Why a peer's hello is not ours, or nothing.
std::string difference(const node_hello& mine, const node_hello& theirs,
                       const node_set& set) {
  if (theirs.app_id != mine.app_id)
    return "application id '" + theirs.app_id + "' is not '" + mine.app_id + "'";
  if (set.find(theirs.node) == nullptr)
    return "node name '" + theirs.node + "' is not in this node set";
  if (theirs.epoch != mine.epoch)
    return "epoch " + std::to_string(theirs.epoch) + " is not " +
           std::to_string(mine.epoch);
  if (theirs.digest != mine.digest)
    return "node set digest " + theirs.digest.substr(0, 12) + " is not " +
           mine.digest.substr(0, 12) + " (the nodes' names, roles or addresses differ)";
  return {};
}

void note_problem(endpoint_pointer self, const std::string& peer, const std::string& what,
                  bool refusal) {
  auto& last = self->state.last_problem[peer];
  if (last == what) return;
  last = what;
  if (refusal)
    log::error("cluster", "node refused: its node set differs",
               {{"peer", peer}, {"difference", what}});
  else
    log::warn("cluster", "peer unreachable", {{"peer", peer}, {"error", what}});
}

void connect(endpoint_pointer self, const cluster_node& peer);

void retry_later(endpoint_pointer self, const std::string& name) {
  self->state.connecting[name] = false;
  self->delayed_send(self,
                     std::chrono::milliseconds{self->state.opts.config.reconnect_ms},
                     reconnect_atom_v, name);
}

void greet(endpoint_pointer self, const cluster_node& peer, caf::actor ep) {
  auto timeout = std::chrono::milliseconds{self->state.opts.config.connection_timeout_ms};
  self->request(ep, timeout, hello_atom_v, self->state.hello)
      .then(
          [self, peer, ep](std::string& problem) {
            auto& st = self->state;
            st.connecting[peer.name] = false;
            if (!problem.empty()) {
              note_problem(self, peer.name, "it refused this node: " + problem, true);
              st.opts.view->set_refused(peer.name, problem);
              return retry_later(self, peer.name);
            }
            st.last_problem.erase(peer.name);
            st.peers[peer.name] = ep;
            self->monitor(ep);
            st.opts.view->set_up(peer.name, ep);
            log::info("cluster", "peer up", {{"peer", peer.name}});
          },
          [self, peer](caf::error& err) {
            note_problem(self, peer.name, to_string(err), false);
            self->state.opts.view->set_down(peer.name, to_string(err));
            retry_later(self, peer.name);
          });
}

void connect(endpoint_pointer self, const cluster_node& peer) {
  auto& st = self->state;
  if (st.peers.count(peer.name) != 0 || st.connecting[peer.name]) return;
  st.connecting[peer.name] = true;
  auto mm = self->home_system().middleman().actor_handle();
  auto timeout = std::chrono::milliseconds{st.opts.config.connection_timeout_ms};
  self->request(mm, timeout, caf::connect_atom_v, peer.host, peer.port)
      .then(
          [self, peer](caf::node_id&, caf::strong_actor_ptr& ptr,
                       std::set<std::string>&) {
            auto ep = caf::actor_cast<caf::actor>(ptr);
            if (!ep) {
              note_problem(self, peer.name, "no endpoint published", false);
              return retry_later(self, peer.name);
            }
            greet(self, peer, ep);
          },
          [self, peer](caf::error& err) {
            auto what = to_string(err);
            bool refusal = err == caf::sec::incompatible_application_ids;
            note_problem(self, peer.name,
                         refusal ? "application ids differ: " + what : what, refusal);
            if (refusal)
              self->state.opts.view->set_refused(peer.name, "application ids differ");
            else
              self->state.opts.view->set_down(peer.name, what);
            retry_later(self, peer.name);
          });
}

caf::behavior cluster_endpoint(endpoint_pointer self, membership_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  const auto& set = st.opts.view->set();
  st.hello =
      node_hello{st.opts.config.app_id, set.self().name, set.epoch(), set.digest()};
  st.opts.view->set_self(caf::actor_cast<caf::actor>(self));
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto i = st.peers.begin(); i != st.peers.end(); ++i) {
      if (i->second.address() != dm.source) continue;
      auto name = i->first;
      st.peers.erase(i);
      auto why = to_string(dm.reason);
      log::warn("cluster", "peer down", {{"peer", name}, {"reason", why}});
      st.last_problem[name] = why;
      st.opts.view->set_down(name, why);
      auto* n = st.opts.view->set().find(name);
      if (n && n->role == node_role::core) retry_later(self, name);
      return;
    }
    for (auto i = st.vendor_connections.begin(); i != st.vendor_connections.end(); ++i)
      if (i->second.address() == dm.source) {
        st.vendor_connections.erase(i);
        return;
      }
  });
  // Every node connects to the core nodes; a core learns of an edge from its hello.
  for (const auto& n : set.nodes())
    if (n.role == node_role::core && n.name != set.self().name) connect(self, n);
  return {
      [self](reconnect_atom, const std::string& name) {
        auto* n = self->state.opts.view->set().find(name);
        if (n && n->role == node_role::core && !n->pattern()) connect(self, *n);
      },
      [self](hello_atom, const node_hello& theirs) -> std::string {
        auto& st = self->state;
        auto problem = difference(st.hello, theirs, st.opts.view->set());
        if (!problem.empty()) {
          note_problem(self, theirs.node, "refused it: " + problem, true);
          st.opts.view->set_refused(theirs.node, problem);
        } else if (st.peers.count(theirs.node) == 0) {
          auto* n = st.opts.view->set().find(theirs.node);
          if (n->role == node_role::core) {
            // It reached us first: connect back now rather than at the next retry.
            connect(self, *n);
          } else {
            // An edge: up while its endpoint is.
            auto ep = caf::actor_cast<caf::actor>(self->current_sender());
            st.peers[theirs.node] = ep;
            self->monitor(ep);
            st.opts.view->set_up(theirs.node, ep);
          }
        }
        return problem;
      },
      [self](attach_atom, const caf::actor& connection,
             const std::string& address) -> caf::result<caf::actor> {
        auto& s = self->state.opts.services;
        if (!s.attach) return caf::make_error(caf::sec::feature_disabled);
        auto session = s.attach(connection, address);
        if (!session) return caf::make_error(caf::sec::cannot_spawn_actor_from_arguments);
        return session;
      },
      [self](forward_atom, http_call& call) -> caf::result<http_reply> {
        auto& s = self->state.opts.services;
        auto worker = s.http ? s.http() : caf::actor{};
        if (!worker) return caf::make_error(caf::sec::feature_disabled);
        auto rp = self->make_response_promise<http_reply>();
        rp.delegate(worker, forward_atom_v, std::move(call));
        return rp;
      },
      [self](seamless_atom, const std::string& vendor,
             vendors::seamless_call& call) -> caf::result<vendors::seamless_result> {
        auto& st = self->state;
        if (auto i = st.vendor_connections.find(vendor);
            i != st.vendor_connections.end()) {
          auto rp = self->make_response_promise<vendors::seamless_result>();
          rp.delegate(i->second, seamless_atom_v, std::move(call));
          return rp;
        }
        auto directory =
            st.opts.services.vendors ? st.opts.services.vendors() : caf::actor{};
        if (!directory) return caf::make_error(caf::sec::feature_disabled);
        auto rp = self->make_response_promise<vendors::seamless_result>();
        self->request(directory, std::chrono::seconds{5}, caf::get_atom_v, vendor)
            .then(
                [self, rp, vendor, call](caf::actor& conn) mutable {
                  if (self->state.vendor_connections.emplace(vendor, conn).second)
                    self->monitor(conn);
                  rp.delegate(conn, seamless_atom_v, std::move(call));
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [self](status_atom) -> node_status {
        auto& s = self->state.opts.services;
        node_status out;
        if (s.status) out = s.status();
        out.node = self->state.opts.view->self().name;
        out.role = to_string(self->state.opts.view->self().role);
        return out;
      },
  };
}

} // namespace

caf::actor spawn_cluster_endpoint(caf::actor_system& sys, membership_options opts) {
  return sys.spawn(cluster_endpoint, std::move(opts));
}

void configure_cluster(caf::actor_system_config& cfg, const cluster_config& c) {
  cfg.add_message_types<caf::id_block::agg>();
  cfg.add_message_types<caf::id_block::agg_cluster>();
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval",
          caf::timespan{std::chrono::milliseconds{c.heartbeat_ms}});
  cfg.set("middleman.connection-timeout",
          caf::timespan{std::chrono::milliseconds{c.connection_timeout_ms}});
  cfg.set("middleman.app-identifiers", std::vector<std::string>{c.app_id});
}

} // namespace agg
