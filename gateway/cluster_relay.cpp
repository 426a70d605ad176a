#include "gateway/cluster_relay.hpp"

#include "actors/players/token_authority.hpp"
#include "common/clock.hpp"
#include "gateway/json_codec.hpp"

#include <set>
#include <vector>

namespace agg::gateway {

namespace {

// -- at the node the player reached ------------------------------------------------

struct relay_state {
  std::shared_ptr<client_sink> sink;
  relay_options opts;
  std::string node;  // the node the connection is attached to, or attaching
  caf::actor remote; // its remote connection (or the local session); null while attaching
  bool local = false; // `remote` is a session of this node's, speaking to the sink
  bool attaching = false;
  std::vector<client_request> queue;    // while attaching
  std::multiset<std::string> in_flight; // request ids sent and not answered
  std::string home;           // where the last register, login, resume or refresh went
  bool authenticated = false; // the session at home said so
  static inline const char* name = "player_relay";
};
using relay_pointer = caf::stateful_actor<relay_state>*;

void unavailable(relay_pointer self, const std::string& id, const std::string& node) {
  auto& st = self->state;
  auto retry =
      now_us() +
      std::chrono::duration_cast<std::chrono::microseconds>(st.opts.retry_after).count();
  st.sink->deliver(out_error{id, "unavailable",
                             node.empty()
                                 ? "no core node is up; retry"
                                 : "the player's node " + node + " is unavailable; retry",
                             retry});
}

// Lets go of the session the connection is attached to: a session of this node ends
// with the connection (disconnect), a remote one is detached from its relay.
void release_session(relay_pointer self) {
  auto& st = self->state;
  if (!st.remote) return;
  if (st.local)
    self->send(st.remote, disconnect_atom_v);
  else
    self->send(st.remote, detach_atom_v);
  st.remote = nullptr;
}

// Every request the node had not answered fails; the connection is attached nowhere.
void drop_binding(relay_pointer self) {
  auto& st = self->state;
  auto node = st.node;
  for (const auto& id : st.in_flight)
    unavailable(self, id, node);
  for (const auto& r : st.queue)
    unavailable(self, r.id, node);
  st.in_flight.clear();
  st.queue.clear();
  if (st.remote) self->demonitor(st.remote);
  release_session(self);
  st.local = false;
  st.attaching = false;
  st.node.clear();
  st.authenticated = false; // the session there is gone
}

void forward(relay_pointer self, client_request req) {
  auto& st = self->state;
  // A local session answers the connection itself: nothing to track.
  if (!st.local && !req.id.empty()) st.in_flight.insert(req.id);
  self->send(st.remote, std::move(req));
}

void attach(relay_pointer self, const std::string& node, client_request first) {
  auto& st = self->state;
  drop_binding(self);
  if (st.opts.local_session && node == st.opts.view->self().name) {
    auto session = st.opts.local_session(st.sink);
    if (!session) return unavailable(self, first.id, node);
    st.node = node;
    st.remote = session;
    st.local = true;
    self->monitor(session);
    return forward(self, std::move(first));
  }
  auto ep = st.opts.view->endpoint(node);
  if (!ep) return unavailable(self, first.id, node);
  st.node = node;
  st.attaching = true;
  st.queue.push_back(std::move(first));
  self->request(ep, st.opts.attach_timeout, attach_atom_v,
                caf::actor_cast<caf::actor>(self), st.sink->peer_address())
      .then(
          [self, node](caf::actor& remote) {
            auto& st = self->state;
            if (!st.attaching || st.node != node) {
              self->send(remote, detach_atom_v);
              return;
            }
            st.attaching = false;
            st.remote = remote;
            self->monitor(remote);
            auto queued = std::move(st.queue);
            st.queue.clear();
            for (auto& r : queued)
              forward(self, std::move(r));
          },
          [self, node](caf::error&) {
            if (self->state.node == node) drop_binding(self);
          });
}

caf::behavior player_relay(relay_pointer self, std::shared_ptr<client_sink> sink,
                           relay_options opts) {
  self->state.sink = std::move(sink);
  self->state.opts = std::move(opts);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.remote && dm.source == st.remote.address()) drop_binding(self);
  });
  return {
      [self](client_request& req) {
        auto& st = self->state;
        const auto& set = st.opts.view->set();
        auto op = static_cast<client_op>(req.op);
        std::string want;
        bool auth = false;
        if (op == client_op::register_account || op == client_op::login) {
          want = set.owner_of_username(req.username);
          auth = true;
        } else if (op == client_op::resume || op == client_op::refresh) {
          if (auto player = token_authority::peek_player(req.token)) {
            want = set.owner_of(*player);
            auth = true;
          }
        }
        if (auth && op != client_op::refresh && st.authenticated)
          return st.sink->deliver(
              out_error{req.id, "already_authenticated", "log out first", 0});
        if (!auth)
          want = !st.home.empty()   ? st.home
                 : !st.node.empty() ? st.node
                                    : st.opts.view->first_core_up();
        if (auth) st.home = want;
        if (want.empty() || st.opts.view->mismatched())
          return unavailable(self, req.id, want);
        if (want != st.node) return attach(self, want, std::move(req));
        if (st.attaching) {
          if (st.queue.size() >= st.opts.queue_len_max)
            return st.sink->deliver(out_error{req.id, "rate_limited",
                                              "too many requests before the session "
                                              "is ready",
                                              0});
          st.queue.push_back(std::move(req));
          return;
        }
        forward(self, std::move(req));
      },
      [self](wire_frame& f) {
        auto& st = self->state;
        if (!f.reply_to.empty())
          if (auto i = st.in_flight.find(f.reply_to); i != st.in_flight.end())
            st.in_flight.erase(i);
        if (f.session != 0) st.authenticated = f.session > 0;
        st.sink->deliver_encoded(std::move(f.text), std::move(f.state), f.version);
      },
      // The session closes the connection.
      [self](disconnect_atom, uint16_t code, std::string& reason) {
        self->state.sink->close(code, std::move(reason));
      },
      // The connection is gone.
      [self](disconnect_atom) {
        release_session(self);
        self->quit();
      },
  };
}

// -- at the owner ---------------------------------------------------------------------

// What the session says, encoded here and sent to the relay.
class relay_sink : public client_sink {
public:
  relay_sink(caf::actor relay, std::string address)
      : relay_(std::move(relay)), address_(std::move(address)) {}

  void deliver(server_message msg) override {
    wire_frame f;
    std::visit(
        [&f](const auto& m) {
          if constexpr (requires { m.id; }) f.reply_to = m.id;
        },
        msg);
    if (auto* b = std::get_if<out_balance_push>(&msg)) {
      f.state = b->push.currency;
      f.version = b->push.seq;
    } else if (auto* s = std::get_if<out_session>(&msg)) {
      if (s->type != "refreshed") f.session = 1;
    } else if (std::holds_alternative<out_ack>(msg)) {
      f.session = -1; // logged_out, self_excluded, cooling_off
    }
    f.text = encode(msg);
    caf::anon_send(relay_, std::move(f));
  }

  void close(uint16_t code, std::string reason) override {
    caf::anon_send(relay_, disconnect_atom_v, code, std::move(reason));
  }

  const std::string& peer_address() const override { return address_; }

private:
  caf::actor relay_;
  std::string address_;
};

struct remote_state {
  caf::actor session;
  static inline const char* name = "remote_connection";
};

caf::behavior remote_connection(caf::stateful_actor<remote_state>* self, caf::actor relay,
                                caf::actor session) {
  self->state.session = session;
  self->monitor(relay);
  self->monitor(session);
  self->set_down_handler([self](caf::down_msg& dm) {
    // The relay's node is gone, or the session ended: either way this connection is.
    if (dm.source != self->state.session.address())
      self->send(self->state.session, disconnect_atom_v);
    self->quit();
  });
  return {
      [self](client_request& req) { self->send(self->state.session, std::move(req)); },
      [self](detach_atom) {
        self->send(self->state.session, disconnect_atom_v);
        self->quit();
      },
  };
}

} // namespace

caf::actor spawn_player_relay(caf::actor_system& sys, std::shared_ptr<client_sink> sink,
                              relay_options opts) {
  return sys.spawn(player_relay, std::move(sink), std::move(opts));
}

caf::actor attach_remote_connection(
    caf::actor_system& sys, const caf::actor& relay, const std::string& address,
    const std::function<caf::actor(std::shared_ptr<client_sink>)>& make_session) {
  auto session = make_session(std::make_shared<relay_sink>(relay, address));
  if (!session) return {};
  return sys.spawn(remote_connection, relay, session);
}

} // namespace agg::gateway
