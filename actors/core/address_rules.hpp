#pragma once

// The operators' address rules (docs/risk.md): CIDR ranges to deny or to allow. The
// risk service keeps them durable and sets them here; the player edge refuses a
// connection from a denied address before its WebSocket handshake, and the login gate
// spares an allowed address its registration velocity limits. An address in an allow
// rule is never refused by a deny rule. Thread-safe.

#include "common/cidr.hpp"

#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace agg {

class address_rules {
public:
  enum class verdict : uint8_t { none, allow, deny };

  // (cidr, "allow" or "deny") pairs; any other is skipped.
  void set(const std::vector<std::pair<std::string, std::string>>& rules);
  verdict of(std::string_view address) const;

private:
  mutable std::shared_mutex mtx_;
  cidr_set allow_;
  cidr_set deny_;
};

} // namespace agg
