#include "actors/risk/linking.hpp"

#include <algorithm>

namespace agg::risk {

const char* to_string(link_kind k) {
  switch (k) {
    case link_kind::device:
      return "device";
    case link_kind::instrument:
      return "instrument";
    case link_kind::address:
      return "address";
    case link_kind::registration:
      return "registration";
  }
  return "unknown";
}

account_links::account_links(link_options opts) : opts_(opts) {}

int64_t account_links::find(int64_t player) {
  auto i = parent_.find(player);
  if (i == parent_.end()) {
    parent_[player] = player;
    size_[player] = 1;
    return player;
  }
  auto root = player;
  while (parent_[root] != root)
    root = parent_[root];
  while (parent_[player] != root) { // path compression
    auto next = parent_[player];
    parent_[player] = root;
    player = next;
  }
  return root;
}

void account_links::unite(int64_t a, int64_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return;
  if (size_[a] < size_[b]) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
}

void account_links::observe(int64_t player, link_kind kind, const std::string& value,
                            int64_t at_us) {
  if (value.empty()) return;
  key k{static_cast<uint8_t>(kind), value};
  auto& id = ids_[k];
  auto [it, fresh] = id.users.emplace(player, at_us);
  if (!fresh) {
    it->second = std::max(it->second, at_us);
    return;
  }
  used_by_[player].push_back(k);
  find(player);
  if (id.public_) return;
  if (static_cast<int64_t>(id.users.size()) > opts_.share_cap) {
    // Now public: the links it made are undone.
    id.public_ = true;
    rebuild();
    return;
  }
  for (const auto& [other, _] : id.users)
    if (other != player) unite(player, other);
}

void account_links::prune(int64_t now_us) {
  bool changed = false;
  for (auto i = ids_.begin(); i != ids_.end();) {
    auto& id = i->second;
    if (i->first.first == static_cast<uint8_t>(link_kind::address)) {
      for (auto u = id.users.begin(); u != id.users.end();) {
        if (now_us - u->second > opts_.address_window_us) {
          auto& keys = used_by_[u->first];
          keys.erase(std::remove(keys.begin(), keys.end(), i->first), keys.end());
          u = id.users.erase(u);
          changed = true;
        } else {
          ++u;
        }
      }
      id.public_ = static_cast<int64_t>(id.users.size()) > opts_.share_cap;
    }
    if (id.users.empty())
      i = ids_.erase(i);
    else
      ++i;
  }
  if (changed) rebuild();
}

void account_links::rebuild() {
  for (auto& [player, root] : parent_) {
    root = player;
    size_[player] = 1;
  }
  for (const auto& [k, id] : ids_) {
    if (id.public_ || id.users.size() < 2) continue;
    auto first = id.users.begin()->first;
    for (const auto& [other, _] : id.users)
      unite(first, other);
  }
}

int64_t account_links::group_size(int64_t player) {
  return size_[find(player)];
}

std::vector<int64_t> account_links::group(int64_t player) {
  auto root = find(player);
  std::vector<int64_t> out;
  std::vector<int64_t> players;
  players.reserve(parent_.size());
  for (const auto& [p, _] : parent_)
    players.push_back(p);
  for (auto p : players)
    if (find(p) == root) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<link_reason> account_links::links_of(int64_t player) const {
  std::vector<link_reason> out;
  auto used = used_by_.find(player);
  if (used == used_by_.end()) return out;
  for (const auto& k : used->second) {
    auto id = ids_.find(k);
    if (id == ids_.end() || id->second.public_) continue;
    for (const auto& [other, _] : id->second.users)
      if (other != player)
        out.push_back(link_reason{other, static_cast<link_kind>(k.first), k.second});
  }
  return out;
}

bool account_links::is_public(link_kind kind, const std::string& value) const {
  auto i = ids_.find(key{static_cast<uint8_t>(kind), value});
  return i != ids_.end() && i->second.public_;
}

} // namespace agg::risk
