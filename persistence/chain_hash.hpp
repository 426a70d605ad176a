#pragma once

// The ledger's hash chain: a canonical, length-prefixed encoding of an entry and
// SHA-256 over the previous hash followed by that encoding.

#include "persistence/ledger_types.hpp"

#include <string>

namespace agg {

// Deterministic bytes of every field of the entry except the two hashes.
std::string canonical_encoding(const ledger_entry& e);

hash256 chain_hash(const hash256& prev, const ledger_entry& e);

} // namespace agg
