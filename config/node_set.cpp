#include "config/node_set.hpp"

#include "common/crypto.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace agg {

const char* to_string(node_role r) {
  return r == node_role::core ? "core" : "edge";
}

namespace {

bool valid_name(std::string_view s) {
  return !s.empty() && s.size() <= 63 && s.front() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// "name=role@host:port"
std::optional<cluster_node> parse_entry(const std::string& s) {
  auto eq = s.find('=');
  auto at = s.find('@');
  auto colon = s.rfind(':');
  if (eq == std::string::npos || at == std::string::npos || colon == std::string::npos ||
      !(eq < at && at < colon))
    return std::nullopt;
  cluster_node n;
  n.name = s.substr(0, eq);
  auto role = s.substr(eq + 1, at - eq - 1);
  n.host = s.substr(at + 1, colon - at - 1);
  auto port = s.substr(colon + 1);
  bool pattern = !n.name.empty() && n.name.back() == '*';
  auto bare = pattern ? std::string_view{n.name}.substr(0, n.name.size() - 1)
                      : std::string_view{n.name};
  if (!valid_name(bare) || n.host.empty() || (n.host == "*") != pattern || port.empty() ||
      port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto p = std::stoi(port);
  if (p < 1 || p > 65535) return std::nullopt;
  n.port = static_cast<uint16_t>(p);
  if (role == "core")
    n.role = node_role::core;
  else if (role == "edge")
    n.role = node_role::edge;
  else
    return std::nullopt;
  if (pattern && n.role != node_role::edge) return std::nullopt;
  return n;
}

uint64_t weight(std::string_view node, std::string_view key) {
  auto h = sha256({node, std::string_view{"\0", 1}, key});
  uint64_t w = 0;
  for (int i = 0; i < 8; ++i)
    w = (w << 8) | h[static_cast<size_t>(i)];
  return w;
}

} // namespace

std::string node_set::entry(const cluster_node& n) {
  return n.name + "=" + to_string(n.role) + "@" + n.host + ":" + std::to_string(n.port);
}

std::optional<std::string> node_set::parse(const cluster_config& c, node_set& out) {
  node_set s;
  if (c.nodes.empty()) return "cluster.nodes: must list every node of the set";
  if (!valid_name(c.node) || c.node.back() == '-')
    return "cluster.node: this node's name, 1 to 63 of [a-z0-9-], got '" + c.node + "'";
  if (c.epoch < 1 || c.epoch > (int64_t{1} << 53))
    return "cluster.epoch: must be a positive integer";
  if (c.app_id.empty() || c.app_id.size() > 64)
    return "cluster.app_id: 1 to 64 characters";
  if (c.heartbeat_ms < 10 || c.heartbeat_ms > 60'000)
    return "cluster.heartbeat_ms: must be between 10 and 60000";
  if (c.connection_timeout_ms < 2 * c.heartbeat_ms || c.connection_timeout_ms > 600'000)
    return "cluster.connection_timeout_ms: must be at least twice heartbeat_ms and at "
           "most 600000";
  if (c.reconnect_ms < 10 || c.reconnect_ms > 600'000)
    return "cluster.reconnect_ms: must be between 10 and 600000";
  std::set<std::string> names;
  std::set<std::pair<std::string, uint16_t>> addresses;
  for (const auto& e : c.nodes) {
    auto n = parse_entry(e);
    if (!n)
      return "cluster.nodes: '" + e +
             "' is not name=core|edge@host:port (or prefix*=edge@*:port)";
    if (!names.insert(n->name).second)
      return "cluster.nodes: the name '" + n->name + "' appears twice";
    if (!n->pattern() && !addresses.insert({n->host, n->port}).second)
      return "cluster.nodes: the address " + n->host + ":" + std::to_string(n->port) +
             " appears twice";
    s.nodes_.push_back(std::move(*n));
  }
  auto self = s.find(c.node);
  if (self == nullptr) return "cluster.node: '" + c.node + "' is not in cluster.nodes";
  if (std::none_of(s.nodes_.begin(), s.nodes_.end(),
                   [](const cluster_node& n) { return n.role == node_role::core; }))
    return "cluster.nodes: at least one node must be a core";
  s.self_ = *self;
  s.self_.name = c.node;
  s.epoch_ = c.epoch;
  std::vector<std::string> entries;
  for (const auto& n : s.nodes_)
    entries.push_back(entry(n));
  std::sort(entries.begin(), entries.end());
  std::string all = "epoch=" + std::to_string(c.epoch);
  for (const auto& e : entries)
    all += "\n" + e;
  s.digest_ = to_hex(sha256(all));
  out = std::move(s);
  return std::nullopt;
}

const cluster_node* node_set::find(std::string_view name) const {
  for (const auto& n : nodes_)
    if (!n.pattern() && n.name == name) return &n;
  if (name.empty() || name.back() == '*') return nullptr;
  for (const auto& n : nodes_)
    if (n.matches(name)) return &n;
  return nullptr;
}

const std::string& node_set::highest(std::string_view key) const {
  const cluster_node* best = nullptr;
  uint64_t best_w = 0;
  for (const auto& n : nodes_) {
    if (n.role != node_role::core) continue;
    auto w = weight(n.name, key);
    if (!best || w > best_w || (w == best_w && n.name < best->name)) {
      best = &n;
      best_w = w;
    }
  }
  return best->name;
}

const std::string& node_set::owner_of(int64_t player_id) const {
  return highest("p:" + std::to_string(player_id));
}

const std::string& node_set::owner_of_username(std::string_view username) const {
  std::string key = "u:";
  for (char c : username)
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return highest(key);
}

} // namespace agg
