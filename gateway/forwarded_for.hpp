#pragma once

// The client's address behind a trusted reverse proxy: a connection from one of the
// configured networks (trusted_proxies, CIDR) is taken to be from the address its
// X-Forwarded-For names: the right-most entry that is not itself a trusted proxy.
// From anyone else the header is ignored (anybody can send it).

#include "common/cidr.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agg::gateway {

class trusted_proxies {
public:
  // Parses "10.0.0.0/8", "192.168.1.7", "fd00::/8" ...; nullopt when one is invalid.
  static std::optional<trusted_proxies> parse(const std::vector<std::string>& cidrs);

  bool empty() const { return nets_.empty(); }
  bool trusted(std::string_view address) const;
  // The client's address for a connection from `peer` with the given header value.
  std::string client_of(const std::string& peer, std::string_view forwarded_for) const;

private:
  cidr_set nets_;
};

} // namespace agg::gateway
