#include "persistence/studio_seed_store.hpp"

namespace agg {

studio_seed_store::studio_seed_store(db::connection& conn)
    : conn_(conn), load_(conn.prepare(
                       "SELECT server_seed, client_seed, next_nonce, nonce_reserved FROM "
                       "studio_seeds WHERE vendor = ? AND player_id = ?")),
      save_(conn.prepare(
          "INSERT INTO studio_seeds(vendor, player_id, server_seed, client_seed, "
          "next_nonce, "
          "nonce_reserved) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(vendor, player_id) DO "
          "UPDATE SET "
          "server_seed = excluded.server_seed, client_seed = excluded.client_seed, "
          "next_nonce = excluded.next_nonce, nonce_reserved = excluded.nonce_reserved")),
      reveal_(conn.prepare(
          "INSERT OR IGNORE INTO studio_revealed_seeds(vendor, player_id, "
          "server_seed_hash, server_seed, client_seed, last_nonce, revealed_us) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")),
      revealed_(
          conn.prepare("SELECT server_seed_hash, server_seed, client_seed, last_nonce, "
                       "revealed_us FROM studio_revealed_seeds WHERE vendor = ? AND "
                       "server_seed_hash = ?")) {}

std::optional<studio_seed_row> studio_seed_store::load(const std::string& vendor,
                                                       int64_t player) {
  load_.bind(1, vendor).bind(2, player);
  std::optional<studio_seed_row> out;
  if (load_.step())
    out = studio_seed_row{load_.text(0), load_.text(1), load_.int64(2), load_.int64(3)};
  load_.reset();
  return out;
}

void studio_seed_store::save(const std::string& vendor, int64_t player,
                             const studio_seed_row& row) {
  save_.bind(1, vendor)
      .bind(2, player)
      .bind(3, row.server_seed)
      .bind(4, row.client_seed)
      .bind(5, row.next_nonce)
      .bind(6, row.nonce_reserved)
      .run();
}

void studio_seed_store::rotate(const std::string& vendor, int64_t player,
                               const revealed_seed_row& old,
                               const studio_seed_row& next) {
  db::transaction tx{conn_};
  reveal_.bind(1, vendor)
      .bind(2, player)
      .bind(3, old.server_seed_hash)
      .bind(4, old.server_seed)
      .bind(5, old.client_seed)
      .bind(6, old.last_nonce)
      .bind(7, old.revealed_us)
      .run();
  save(vendor, player, next);
  tx.commit();
}

std::optional<revealed_seed_row> studio_seed_store::revealed(const std::string& vendor,
                                                             const std::string& hash) {
  revealed_.bind(1, vendor).bind(2, hash);
  std::optional<revealed_seed_row> out;
  if (revealed_.step())
    out = revealed_seed_row{revealed_.text(0), revealed_.text(1), revealed_.text(2),
                            revealed_.int64(3), revealed_.int64(4)};
  revealed_.reset();
  return out;
}

} // namespace agg
