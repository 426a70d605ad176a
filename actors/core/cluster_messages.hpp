#pragma once

// What crosses between the nodes of a cluster (docs/cluster.md), with its own type-ID
// block after the server's. Every struct has an inspect() listing all of its fields:
// CAF 0.17 sends a type without one as an empty value.

#include "actors/core/messages.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace agg {

// The first message between two nodes: what each must agree on.
struct node_hello {
  std::string app_id;
  std::string node;   // the sender's name
  int64_t epoch = 0;  // its configured node set's epoch
  std::string digest; // node_set::digest()
};

// A node's state for GET /v1/cluster.
struct node_status {
  std::string node;
  std::string role;
  int64_t players = 0;    // accounts in its shard (core)
  int64_t wallets = 0;    // wallets active now (core)
  int64_t sessions = 0;   // player connections open at the node
  int64_t ledger_seq = 0; // its ledger's last sequence number (core)
};

// One frame for a player's connection at another node: the encoded JSON, the id of
// the request it answers (empty for a push), and a balance push's currency and
// sequence (the connection's outbox coalesces those).
struct wire_frame {
  std::string text;
  std::string reply_to;
  std::string state;
  int64_t version = 0;
  int8_t session = 0; // 1: the connection is now logged in; -1: logged out
};

// An operator API call forwarded to the node that serves it, and its answer.
struct http_call {
  std::string method;
  std::string target; // path and query
  std::string body;
  std::vector<std::string> header_names;
  std::vector<std::string> header_values;
};

struct http_reply {
  int32_t status = 0;
  std::string body;
  std::string content_type;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("agg.node_hello"), x.app_id, x.node, x.epoch, x.digest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("agg.node_status"), x.node, x.role, x.players, x.wallets,
           x.sessions, x.ledger_seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_frame& x) {
  return f(caf::meta::type_name("agg.wire_frame"), x.text, x.reply_to, x.state, x.version,
           x.session);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_call& x) {
  return f(caf::meta::type_name("agg.http_call"), x.method, x.target, x.body,
           x.header_names, x.header_values);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_reply& x) {
  return f(caf::meta::type_name("agg.http_reply"), x.status, x.body, x.content_type);
}

} // namespace agg

CAF_BEGIN_TYPE_ID_BLOCK(agg_cluster, caf::id_block::agg::end)
CAF_ADD_TYPE_ID(agg_cluster, (agg::node_hello))
CAF_ADD_TYPE_ID(agg_cluster, (agg::node_status))
CAF_ADD_TYPE_ID(agg_cluster, (agg::wire_frame))
CAF_ADD_TYPE_ID(agg_cluster, (agg::http_call))
CAF_ADD_TYPE_ID(agg_cluster, (agg::http_reply))
CAF_ADD_TYPE_ID(agg_cluster, (std::vector<agg::node_status>))
CAF_ADD_ATOM(agg_cluster, agg, hello_atom, "hello")
CAF_ADD_ATOM(agg_cluster, agg, attach_atom, "attach")
CAF_ADD_ATOM(agg_cluster, agg, forward_atom, "forward")
CAF_ADD_ATOM(agg_cluster, agg, members_atom, "members")
CAF_ADD_ATOM(agg_cluster, agg, detach_atom, "detach")
CAF_END_TYPE_ID_BLOCK(agg_cluster)
