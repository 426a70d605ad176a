#include "actors/players/session_supervisor.hpp"

#include "actors/core/messages.hpp"

#include <unordered_set>

namespace agg {

namespace {

struct supervisor_state {
  std::unordered_set<caf::actor> live;
  int64_t failed = 0;
  std::shared_ptr<metrics> stats;
  static inline const char* name = "session_supervisor";
};

caf::behavior session_supervisor_impl(caf::stateful_actor<supervisor_state>* self,
                                      std::shared_ptr<metrics> stats) {
  self->state.stats = std::move(stats);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    std::erase_if(st.live, [&](const caf::actor& a) { return a.address() == dm.source; });
    if (dm.reason && dm.reason != caf::exit_reason::normal &&
        dm.reason != caf::exit_reason::user_shutdown) {
      ++st.failed;
      if (st.stats) st.stats->session_failures.fetch_add(1, std::memory_order_relaxed);
    }
  });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& s : self->state.live)
      self->send_exit(s, msg.reason);
    self->quit(msg.reason);
  });
  return {
      [self](watch_atom, const caf::actor& session) {
        if (self->state.live.insert(session).second) self->monitor(session);
      },
      [self](stats_atom) {
        return caf::make_message(static_cast<int64_t>(self->state.live.size()),
                                 self->state.failed);
      },
  };
}

} // namespace

caf::actor spawn_session_supervisor(caf::actor_system& sys,
                                    std::shared_ptr<metrics> stats) {
  return sys.spawn(session_supervisor_impl, std::move(stats));
}

} // namespace agg
