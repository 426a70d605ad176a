#include "persistence/limit_store.hpp"

namespace agg {

limit_store::limit_store(db::connection& conn) : conn_(conn) {}

limit_set limit_store::of_player(int64_t player_id) {
  limit_set out{};
  if (!of_player_)
    of_player_ = conn_.prepare("SELECT kind, amount, pending, pending_from_us FROM "
                               "rg_limits WHERE player_id = ?");
  auto& st = *of_player_;
  st.reset();
  st.bind(1, player_id);
  while (st.step()) {
    auto kind = st.int64(0);
    if (kind < 1 || kind > limit_kind_count) continue;
    out[kind - 1] = limit_value{st.int64(1), st.int64(2), st.int64(3)};
  }
  st.reset();
  return out;
}

limit_value limit_store::set(int64_t player_id, limit_kind kind, int64_t wanted,
                             int64_t now_us, int64_t delay_us) {
  auto current = of_player(player_id)[static_cast<int>(kind) - 1];
  auto next = change_limit(current, wanted, now_us, delay_us);
  if (!upsert_)
    upsert_ = conn_.prepare(
        "INSERT INTO rg_limits(player_id, kind, amount, pending, pending_from_us, "
        "updated_us) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(player_id, kind) DO UPDATE "
        "SET "
        "amount = excluded.amount, pending = excluded.pending, pending_from_us = "
        "excluded.pending_from_us, updated_us = excluded.updated_us");
  auto& st = *upsert_;
  st.reset();
  st.bind(1, player_id)
      .bind(2, int64_t{static_cast<uint8_t>(kind)})
      .bind(3, next.amount)
      .bind(4, next.pending)
      .bind(5, next.pending_from_us)
      .bind(6, now_us)
      .run();
  st.reset();
  return next;
}

play_limits play_limits_of(const limit_set& s, const std::string& currency) {
  play_limits out;
  out.currency = currency;
  for (int p = 0; p < limit_period_count; ++p) {
    out.wager[p] = s[static_cast<int>(limit_kind::wager_day) - 1 + p];
    out.loss[p] = s[static_cast<int>(limit_kind::loss_day) - 1 + p];
  }
  return out;
}

} // namespace agg
