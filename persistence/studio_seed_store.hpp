#pragma once

// The per-player seeds of provably fair studios and the seeds they retired. No CAF.

#include "persistence/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace agg {

struct studio_seed_row {
  std::string server_seed; // hex
  std::string client_seed;
  int64_t next_nonce = 0;
  int64_t nonce_reserved = 0;
};

struct revealed_seed_row {
  std::string server_seed_hash;
  std::string server_seed;
  std::string client_seed;
  int64_t last_nonce = -1;
  int64_t revealed_us = 0;
};

class studio_seed_store {
public:
  explicit studio_seed_store(db::connection& conn);

  std::optional<studio_seed_row> load(const std::string& vendor, int64_t player);
  void save(const std::string& vendor, int64_t player, const studio_seed_row& row);
  // One transaction: the retired seed is recorded and the new one stored.
  void rotate(const std::string& vendor, int64_t player, const revealed_seed_row& old,
              const studio_seed_row& next);
  std::optional<revealed_seed_row> revealed(const std::string& vendor,
                                            const std::string& server_seed_hash);

private:
  db::connection& conn_;
  db::statement load_;
  db::statement save_;
  db::statement reveal_;
  db::statement revealed_;
};

} // namespace agg
