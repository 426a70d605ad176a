#include "actors/core/address_rules.hpp"

#include <mutex>

namespace agg {

void address_rules::set(const std::vector<std::pair<std::string, std::string>>& rules) {
  std::vector<std::string> allow, deny;
  for (const auto& [cidr, action] : rules) {
    if (!cidr_set::parse_one(cidr)) continue;
    if (action == "allow") allow.push_back(cidr);
    if (action == "deny") deny.push_back(cidr);
  }
  auto a = cidr_set::parse(allow).value_or(cidr_set{});
  auto d = cidr_set::parse(deny).value_or(cidr_set{});
  std::unique_lock lock{mtx_};
  allow_ = std::move(a);
  deny_ = std::move(d);
}

address_rules::verdict address_rules::of(std::string_view address) const {
  auto a = address_of(address);
  if (!a) return verdict::none;
  std::shared_lock lock{mtx_};
  if (allow_.contains(*a)) return verdict::allow;
  if (deny_.contains(*a)) return verdict::deny;
  return verdict::none;
}

} // namespace agg
