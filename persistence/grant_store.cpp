#include "persistence/grant_store.hpp"

#include "persistence/grant_rows.hpp"

namespace agg {

using namespace std::string_literals;

namespace {

std::vector<bonus_grant> read_all(db::statement& st) {
  std::vector<bonus_grant> out;
  while (st.step())
    out.push_back(db::read_grant(st));
  return out;
}

} // namespace

grant_store::grant_store(db::connection& conn) : conn_(conn) {}

std::optional<bonus_grant> grant_store::by_id(const std::string& grant_id) {
  auto st = conn_.prepare("SELECT "s + db::grant_columns +
                          " FROM bonus_grants WHERE grant_id = ?");
  st.bind(1, grant_id);
  if (!st.step()) return std::nullopt;
  return db::read_grant(st);
}

std::vector<bonus_grant> grant_store::of_player(int64_t player_id, int64_t limit) {
  auto st = conn_.prepare("SELECT "s + db::grant_columns +
                          " FROM bonus_grants WHERE player_id = ? ORDER BY status <> 1, "
                          "created_us DESC, grant_id LIMIT ?");
  st.bind(1, player_id).bind(2, limit);
  return read_all(st);
}

std::vector<bonus_grant> grant_store::due_to_expire(int64_t now_us, int64_t limit) {
  auto st = conn_.prepare("SELECT "s + db::grant_columns +
                          " FROM bonus_grants WHERE status = 1 AND expires_us > 0 AND "
                          "expires_us <= ? ORDER BY expires_us LIMIT ?");
  st.bind(1, now_us).bind(2, limit);
  return read_all(st);
}

} // namespace agg
