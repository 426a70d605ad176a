#pragma once

// Which cluster node a database belongs to (docs/cluster.md): the node's name and the
// newest epoch of the node set it ran under. A data directory never serves another
// node's name, nor an older epoch than it has seen.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace agg::db {

// Records (node, epoch, digest) when the database has none or an older epoch; returns
// one line naming the conflict when it belongs to another node or has seen a newer
// epoch (and changes nothing).
std::optional<std::string> claim_for_node(connection& conn, const std::string& node,
                                          int64_t epoch, const std::string& digest,
                                          int64_t now_us);

} // namespace agg::db
