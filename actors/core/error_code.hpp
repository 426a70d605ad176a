#pragma once

// The stable wire code of an error from any domain (wallet, accounts, vendors), as the
// player protocol and the operator API answer it; CAF's own delivery errors (timeouts,
// a receiver gone) become "unavailable".

#include <caf/error.hpp>

#include <string>

namespace agg {

std::string error_code_of(const caf::error& err);

} // namespace agg
