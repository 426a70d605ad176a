#pragma once

// The ledger's hash chain: a canonical, length-prefixed encoding of an entry and
// SHA-256 over the previous hash followed by that encoding. Also the SHA-256 and
// HMAC-SHA256 that the rest of the server uses.

#include "persistence/ledger_types.hpp"

#include <string>

namespace agg {

// Deterministic bytes of every field of the entry except the two hashes.
std::string canonical_encoding(const ledger_entry& e);

hash256 chain_hash(const hash256& prev, const ledger_entry& e);

hash256 sha256(std::string_view data);

// HMAC-SHA256 of `data` under `key` (any length, empty too): session tokens, the remote
// studio protocol's signatures and the provably fair byte stream all use this one.
hash256 hmac_sha256(std::string_view key, std::string_view data);

std::string to_hex(const hash256& h);

} // namespace agg
