#pragma once

// The seed_repository of provably fair studios on the server's database: its own
// connection, serialized by a mutex (adapters call it from their worker threads; it
// is used once per thousand rounds of a player and on seed rotation).

#include "persistence/sqlite.hpp"
#include "persistence/studio_seed_store.hpp"
#include "vendors/adapter.hpp"

#include <memory>
#include <mutex>

namespace agg {

class db_seed_repository : public vendors::seed_repository {
public:
  db_seed_repository(const std::string& db_path, const db::tuning& tuning);

  std::optional<vendors::stored_seeds> load(const std::string& vendor,
                                            int64_t player) override;
  void save(const std::string& vendor, int64_t player,
            const vendors::stored_seeds& s) override;
  void rotate(const std::string& vendor, int64_t player,
              const vendors::revealed_seed& old,
              const vendors::stored_seeds& next) override;

private:
  std::mutex mtx_;
  db::connection conn_;
  std::unique_ptr<studio_seed_store> store_;
};

} // namespace agg
