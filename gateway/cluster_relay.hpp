#pragma once

// A player connection in a cluster (docs/cluster.md). The node the WebSocket reaches
// keeps a relay actor per connection; the session runs at the player's owner. The
// relay sends register and login to the node that owns the username, resume and
// refresh to the owner of the token's player, and everything else to the node the
// last of those went to (before any: the first core node up). At the owner, the
// node's endpoint attaches the connection: a remote connection actor holds the player
// session and a sink that encodes what the session says and sends it back as
// wire_frames. When the owner goes down (its down_msg, within the middleman's
// connection timeout), every request it had not answered, and every request for it
// until it returns, is answered `unavailable` at once.

#include "actors/cluster/membership.hpp"
#include "actors/core/metrics.hpp"
#include "actors/players/session_protocol.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace agg::gateway {

struct relay_options {
  std::shared_ptr<cluster_view> view;
  // How long the owner has to attach a connection.
  std::chrono::milliseconds attach_timeout{3'000};
  // When a refused request may be retried, from now.
  std::chrono::milliseconds retry_after{1'000};
  size_t queue_len_max = 64; // requests waiting for an attach at most
  // At a core node: the player session of a connection whose player this node owns,
  // made here with the connection's own sink (no encoding on the actor's side, no
  // hop back through the relay). Empty at an edge.
  std::function<caf::actor(std::shared_ptr<client_sink>)> local_session;
};

// The relay of one connection: the actor the WebSocket edge sends its requests to.
caf::actor spawn_player_relay(caf::actor_system& sys, std::shared_ptr<client_sink> sink,
                              relay_options opts);

// At the owner: attaches a connection of another node (its relay), with a new session
// made by `make_session`; returns the actor the relay sends requests to.
caf::actor attach_remote_connection(
    caf::actor_system& sys, const caf::actor& relay, const std::string& address,
    const std::function<caf::actor(std::shared_ptr<client_sink>)>& make_session);

} // namespace agg::gateway
