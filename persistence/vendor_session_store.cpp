#include "persistence/vendor_session_store.hpp"

namespace agg {

vendor_session_store::vendor_session_store(db::connection& conn)
    : conn_(conn), supersede_(conn.prepare(
                       "UPDATE vendor_sessions SET superseded = 1 WHERE vendor = ? AND "
                       "player_id = ? AND superseded = 0")),
      supersede_one_(conn.prepare("UPDATE vendor_sessions SET superseded = 1 WHERE "
                                  "token = ? AND superseded = 0")),
      insert_(conn.prepare(
          "INSERT OR REPLACE INTO vendor_sessions(token, vendor, player_id, game_code, "
          "currency, created_us, expires_us, superseded) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, 0)")),
      find_(conn.prepare(
          "SELECT token, vendor, player_id, game_code, currency, created_us, "
          "expires_us, superseded FROM vendor_sessions WHERE token = ?")) {}

void vendor_session_store::create(const vendor_session& s) {
  db::transaction tx{conn_};
  supersede_.bind(1, s.vendor).bind(2, s.player_id).run();
  insert(s);
  tx.commit();
}

bool vendor_session_store::replace(const std::string& old_token,
                                   const vendor_session& s) {
  db::transaction tx{conn_};
  supersede_one_.bind(1, old_token).run();
  if (conn_.changes() == 0) return false; // the transaction rolls back
  insert(s);
  tx.commit();
  return true;
}

void vendor_session_store::insert(const vendor_session& s) {
  insert_.bind(1, s.token)
      .bind(2, s.vendor)
      .bind(3, s.player_id)
      .bind(4, s.game_code)
      .bind(5, s.currency)
      .bind(6, s.created_us)
      .bind(7, s.expires_us)
      .run();
}

std::optional<vendor_session> vendor_session_store::find(const std::string& token) {
  find_.bind(1, token);
  std::optional<vendor_session> out;
  if (find_.step())
    out = vendor_session{find_.text(0),  find_.text(1),      find_.int64(2),
                         find_.text(3),  find_.text(4),      find_.int64(5),
                         find_.int64(6), find_.int64(7) != 0};
  find_.reset();
  return out;
}

} // namespace agg
