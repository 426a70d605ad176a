#pragma once

// Networks in CIDR notation ("10.0.0.0/8", "192.168.1.7", "fd00::/8"), and whether an
// address falls in one of them. An IPv4 address seen through an IPv6 socket
// (::ffff:a.b.c.d) is the IPv4 address.

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agg {

// The address in text, trimmed of blanks; nullopt when it is none.
std::optional<boost::asio::ip::address> address_of(std::string_view text);

class cidr_set {
public:
  struct net {
    boost::asio::ip::address base;
    int prefix = 0;
  };

  // One network; nullopt when the text is none.
  static std::optional<net> parse_one(std::string_view cidr);
  // nullopt when one of them is invalid.
  static std::optional<cidr_set> parse(const std::vector<std::string>& cidrs);
  // The network's canonical text: its base address with the host bits cleared and
  // the prefix length ("10.1.2.3/8" is "10.0.0.0/8").
  static std::string canonical(const net& n);

  bool empty() const { return nets_.empty(); }
  bool contains(std::string_view address) const;
  bool contains(const boost::asio::ip::address& a) const;
  static bool in(const net& n, const boost::asio::ip::address& a);

private:
  std::vector<net> nets_;
};

} // namespace agg
