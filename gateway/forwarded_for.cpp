#include "gateway/forwarded_for.hpp"

namespace agg::gateway {

std::optional<trusted_proxies>
trusted_proxies::parse(const std::vector<std::string>& cidrs) {
  auto nets = cidr_set::parse(cidrs);
  if (!nets) return std::nullopt;
  trusted_proxies out;
  out.nets_ = std::move(*nets);
  return out;
}

bool trusted_proxies::trusted(std::string_view address) const {
  return nets_.contains(address);
}

std::string trusted_proxies::client_of(const std::string& peer,
                                       std::string_view forwarded_for) const {
  if (nets_.empty() || forwarded_for.empty() || !trusted(peer)) return peer;
  // Right to left: each trusted proxy appended the address it got the request from.
  auto rest = forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    auto item = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    auto a = address_of(item);
    if (!a) return peer; // a malformed chain proves nothing
    auto text = a->to_string();
    if (!trusted(text)) return text;
  }
  return peer;
}

} // namespace agg::gateway
