#include "gateway/forwarded_for.hpp"

#include <charconv>

namespace agg::gateway {

namespace {

std::optional<boost::asio::ip::address> address_of(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string{text}, ec);
  if (ec) return std::nullopt;
  // An IPv4 client seen through an IPv6 socket is the IPv4 address.
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

} // namespace

std::optional<trusted_proxies>
trusted_proxies::parse(const std::vector<std::string>& cidrs) {
  trusted_proxies out;
  for (const auto& c : cidrs) {
    auto slash = c.find('/');
    auto a = address_of(std::string_view{c}.substr(0, slash));
    if (!a) return std::nullopt;
    int bits = a->is_v4() ? 32 : 128;
    int prefix = bits;
    if (slash != std::string::npos) {
      auto rest = std::string_view{c}.substr(slash + 1);
      auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), prefix);
      if (ec != std::errc{} || p != rest.data() + rest.size() || prefix < 0 ||
          prefix > bits)
        return std::nullopt;
    }
    out.nets_.push_back({*a, prefix});
  }
  return out;
}

bool trusted_proxies::contains(const net& n, const boost::asio::ip::address& a) const {
  if (n.base.is_v4() != a.is_v4()) return false;
  auto compare = [&](const auto& x, const auto& y) {
    int left = n.prefix;
    for (size_t i = 0; i < x.size() && left > 0; ++i, left -= 8) {
      auto mask = static_cast<uint8_t>(left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff);
      if ((x[i] & mask) != (y[i] & mask)) return false;
    }
    return true;
  };
  if (a.is_v4()) return compare(n.base.to_v4().to_bytes(), a.to_v4().to_bytes());
  return compare(n.base.to_v6().to_bytes(), a.to_v6().to_bytes());
}

bool trusted_proxies::trusted(std::string_view address) const {
  auto a = address_of(address);
  if (!a) return false;
  for (const auto& n : nets_)
    if (contains(n, *a)) return true;
  return false;
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
