#include "persistence/seed_repository_db.hpp"

#include <chrono>

namespace agg {

namespace {

studio_seed_row row_of(const vendors::stored_seeds& s) {
  return {s.server_seed_hex, s.client_seed, s.next_nonce, s.nonce_reserved};
}

} // namespace

db_seed_repository::db_seed_repository(const std::string& db_path,
                                       const db::tuning& tuning)
    : conn_(db::connection::open(db_path, db::open_mode::read_write_create, tuning)),
      store_(std::make_unique<studio_seed_store>(conn_)) {}

std::optional<vendors::stored_seeds> db_seed_repository::load(const std::string& vendor,
                                                              int64_t player) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto row = store_->load(vendor, player);
  if (!row) return std::nullopt;
  return vendors::stored_seeds{row->server_seed, row->client_seed, row->next_nonce,
                               row->nonce_reserved};
}

void db_seed_repository::save(const std::string& vendor, int64_t player,
                              const vendors::stored_seeds& s) {
  std::lock_guard<std::mutex> guard{mtx_};
  store_->save(vendor, player, row_of(s));
}

void db_seed_repository::rotate(const std::string& vendor, int64_t player,
                                const vendors::revealed_seed& old,
                                const vendors::stored_seeds& next) {
  using namespace std::chrono;
  auto now = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  std::lock_guard<std::mutex> guard{mtx_};
  store_->rotate(
      vendor, player,
      {old.server_seed_hash, old.server_seed, old.client_seed, old.last_nonce, now},
      row_of(next));
}

} // namespace agg
