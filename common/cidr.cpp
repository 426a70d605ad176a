#include "common/cidr.hpp"

#include <algorithm>
#include <charconv>

namespace agg {

std::optional<boost::asio::ip::address> address_of(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string{text}, ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

std::optional<cidr_set::net> cidr_set::parse_one(std::string_view c) {
  auto slash = c.find('/');
  auto a = address_of(c.substr(0, slash));
  if (!a) return std::nullopt;
  int bits = a->is_v4() ? 32 : 128;
  int prefix = bits;
  if (slash != std::string_view::npos) {
    auto rest = c.substr(slash + 1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), prefix);
    if (ec != std::errc{} || p != rest.data() + rest.size() || prefix < 0 ||
        prefix > bits)
      return std::nullopt;
  }
  return net{*a, prefix};
}

std::optional<cidr_set> cidr_set::parse(const std::vector<std::string>& cidrs) {
  cidr_set out;
  for (const auto& c : cidrs) {
    auto n = parse_one(c);
    if (!n) return std::nullopt;
    out.nets_.push_back(*n);
  }
  return out;
}

namespace {

template <class Bytes>
void clear_host_bits(Bytes& b, int prefix) {
  for (size_t i = 0; i < b.size(); ++i) {
    int keep = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    b[i] = static_cast<uint8_t>(b[i] & ((0xff << (8 - keep)) & 0xff));
  }
}

} // namespace

std::string cidr_set::canonical(const net& n) {
  if (n.base.is_v4()) {
    auto b = n.base.to_v4().to_bytes();
    clear_host_bits(b, n.prefix);
    return boost::asio::ip::address_v4(b).to_string() + "/" + std::to_string(n.prefix);
  }
  auto b = n.base.to_v6().to_bytes();
  clear_host_bits(b, n.prefix);
  return boost::asio::ip::address_v6(b).to_string() + "/" + std::to_string(n.prefix);
}

bool cidr_set::in(const net& n, const boost::asio::ip::address& a) {
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

bool cidr_set::contains(const boost::asio::ip::address& a) const {
  for (const auto& n : nets_)
    if (in(n, a)) return true;
  return false;
}

bool cidr_set::contains(std::string_view address) const {
  auto a = address_of(address);
  return a && contains(*a);
}

} // namespace agg
