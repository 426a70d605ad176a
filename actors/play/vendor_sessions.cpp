#include "actors/play/vendor_sessions.hpp"

#include "actors/core/vendor_errc.hpp"
#include "common/log.hpp"
#include "persistence/vendor_session_store.hpp"

#include <memory>

namespace agg {

namespace {

struct store_state {
  db::connection conn;
  std::unique_ptr<vendor_session_store> store;
  static inline const char* name = "vendor_session_store";
};

session_store_actor::behavior_type
store_impl(session_store_actor::stateful_pointer<store_state> self, std::string db_path,
           db::tuning tuning) {
  self->state.conn =
      db::connection::open(db_path, db::open_mode::read_write_create, tuning);
  self->state.store = std::make_unique<vendor_session_store>(self->state.conn);
  return {
      [self](caf::put_atom, const vendor_session& s) -> caf::result<bool> {
        try {
          self->state.store->create(s);
          return true;
        } catch (const std::exception& e) {
          log::error("vendor_sessions", "store failed", {{"error", e.what()}});
          return make_error(vendor_errc::vendor_error);
        }
      },
      [self](caf::put_atom, const vendor_session& s,
             const std::string& old_token) -> caf::result<bool> {
        try {
          return self->state.store->replace(old_token, s);
        } catch (const std::exception& e) {
          log::error("vendor_sessions", "store failed", {{"error", e.what()}});
          return make_error(vendor_errc::vendor_error);
        }
      },
      [self](caf::get_atom, const std::string& token) -> caf::result<vendor_session> {
        try {
          auto s = self->state.store->find(token);
          return s ? *s : vendor_session{};
        } catch (const std::exception& e) {
          log::error("vendor_sessions", "store failed", {{"error", e.what()}});
          return make_error(vendor_errc::vendor_error);
        }
      },
  };
}

} // namespace

session_store_actor spawn_session_store(caf::actor_system& sys,
                                        const std::string& db_path,
                                        const db::tuning& tuning) {
  return sys.spawn<caf::detached>(store_impl, db_path, tuning);
}

caf::atom_value session_store_name() {
  return caf::atom("vsessions");
}

} // namespace agg
