#include "persistence/cluster_identity.hpp"

namespace agg::db {

std::optional<std::string> claim_for_node(connection& conn, const std::string& node,
                                          int64_t epoch, const std::string& digest,
                                          int64_t now_us) {
  auto read = conn.prepare("SELECT node, epoch FROM cluster_identity LIMIT 1");
  if (read.step()) {
    auto owner = read.text(0);
    auto seen = read.int64(1);
    if (owner != node)
      return "this data directory is node '" + owner + "''s shard, not '" + node + "''s";
    if (seen > epoch)
      return "this data directory has run under epoch " + std::to_string(seen) +
             ", newer than the configured " + std::to_string(epoch);
    read.reset();
    conn.prepare("UPDATE cluster_identity SET epoch = ?, digest = ?, updated_us = ?")
        .bind(1, epoch)
        .bind(2, digest)
        .bind(3, now_us)
        .run();
    return std::nullopt;
  }
  read.reset();
  auto insert = conn.prepare("INSERT INTO cluster_identity(node, epoch, digest, "
                             "updated_us) VALUES (?, ?, ?, ?)");
  insert.bind(1, node);
  insert.bind(2, epoch);
  insert.bind(3, digest);
  insert.bind(4, now_us);
  insert.run();
  return std::nullopt;
}

} // namespace agg::db
