#include "actors/supervisor.hpp"

#include "actors/core/messages.hpp"
#include "common/log.hpp"

#include <deque>
#include <optional>

namespace agg {

namespace {

struct child {
  child_spec spec;
  caf::actor handle;
  bool removed = false; // a temporary or transient child that will not come back
};

struct supervisor_state {
  supervisor_flags flags;
  std::vector<child> children;
  std::deque<std::chrono::steady_clock::time_point> recent_restarts;
  int64_t restarts = 0;
  static inline const char* name = "supervisor";
};

using sup_pointer = caf::stateful_actor<supervisor_state>*;

child_handles handles_before(const supervisor_state& st, size_t end) {
  child_handles out;
  for (size_t i = 0; i < end; ++i)
    if (st.children[i].handle) out.emplace(st.children[i].spec.id, st.children[i].handle);
  return out;
}

void start_child(sup_pointer self, size_t i) {
  auto& c = self->state.children[i];
  if (c.removed || c.handle) return;
  c.handle = c.spec.start(self->system(), handles_before(self->state, i));
  // Monitored rather than linked: links do not reach detached blocking actors.
  self->monitor(c.handle);
  if (c.spec.registered_name != caf::atom("")) {
    // put() keeps an existing entry; replace the handle of the previous incarnation.
    self->system().registry().erase(c.spec.registered_name);
    self->system().registry().put(c.spec.registered_name,
                                  caf::actor_cast<caf::strong_actor_ptr>(c.handle));
  }
}

void stop_child(sup_pointer self, child& c, const caf::error& reason) {
  if (!c.handle) return;
  self->demonitor(c.handle);
  self->send_exit(c.handle, reason);
  c.handle = nullptr;
}

// Stops every child, last started first, then the supervisor itself.
void stop_all(sup_pointer self, const caf::error& reason) {
  auto& children = self->state.children;
  for (size_t j = children.size(); j-- > 0;)
    stop_child(self, children[j], reason);
  self->quit(reason);
}

// Records a restart; returns the backoff before it, or nothing when the intensity
// is exceeded.
std::optional<std::chrono::milliseconds> admit_restart(supervisor_state& st) {
  auto now = std::chrono::steady_clock::now();
  while (!st.recent_restarts.empty() &&
         now - st.recent_restarts.front() > st.flags.period)
    st.recent_restarts.pop_front();
  if (static_cast<int64_t>(st.recent_restarts.size()) >= st.flags.intensity)
    return std::nullopt;
  st.recent_restarts.push_back(now);
  ++st.restarts;
  if (st.flags.on_restart) st.flags.on_restart();
  auto delay = st.flags.backoff;
  for (size_t n = 1; n < st.recent_restarts.size() && delay < st.flags.backoff_max; ++n)
    delay *= 2;
  return std::min(delay, st.flags.backoff_max);
}

void on_child_exit(sup_pointer self, size_t i, const caf::error& reason) {
  auto& st = self->state;
  auto& c = st.children[i];
  c.handle = nullptr;
  bool abnormal = reason && reason != caf::exit_reason::normal;
  if (c.spec.restart == restart_policy::temporary ||
      (c.spec.restart == restart_policy::transient && !abnormal)) {
    c.removed = true;
    return;
  }
  auto delay = admit_restart(st);
  if (!delay) {
    log::error("supervisor", "child restarted too often; escalating",
               {{"child", c.spec.id},
                {"restarts", st.flags.intensity},
                {"within_ms", static_cast<int64_t>(st.flags.period.count())}});
    stop_all(self, supervisor_escalated());
    return;
  }
  log::warn("supervisor", "child terminated; restarting",
            {{"child", c.spec.id},
             {"reason", self->system().render(reason)},
             {"delay_ms", static_cast<int64_t>(delay->count())}});
  if (st.flags.strategy == restart_strategy::rest_for_one)
    for (size_t j = st.children.size(); j-- > i + 1;)
      stop_child(self, st.children[j], caf::exit_reason::kill);
  self->delayed_send(self, *delay, restart_atom_v, static_cast<int64_t>(i));
}

caf::behavior supervisor_impl(sup_pointer self, supervisor_flags flags,
                              std::vector<child_spec> specs) {
  auto& st = self->state;
  st.flags = flags;
  for (auto& s : specs)
    st.children.push_back(child{std::move(s), nullptr, false});
  try {
    for (size_t i = 0; i < st.children.size(); ++i)
      start_child(self, i);
  } catch (const std::exception& e) {
    log::error("supervisor", "a child failed to start", {{"error", e.what()}});
    stop_all(self, supervisor_escalated());
    return {};
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (size_t i = 0; i < st.children.size(); ++i) {
      if (st.children[i].handle && st.children[i].handle.address() == msg.source) {
        on_child_exit(self, i, msg.reason);
        return;
      }
    }
  });
  // An exit from our parent (or anyone): stop the children, then ourselves.
  self->set_exit_handler([self](caf::exit_msg& msg) { stop_all(self, msg.reason); });
  return {
      [self](restart_atom, int64_t from) {
        auto& st = self->state;
        try {
          for (auto i = static_cast<size_t>(from); i < st.children.size(); ++i)
            start_child(self, i);
        } catch (const std::exception& e) {
          log::error("supervisor", "a child failed to restart", {{"error", e.what()}});
          stop_all(self, supervisor_escalated());
        }
      },
      [self](caf::get_atom, const std::string& id) -> caf::actor {
        for (auto& c : self->state.children)
          if (c.spec.id == id) return c.handle;
        return nullptr;
      },
      [self](stats_atom) { return self->state.restarts; },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children) {
  return sys.spawn(supervisor_impl, flags, std::move(children));
}

caf::error supervisor_escalated() {
  return caf::error{1, caf::atom("supervisor")};
}

} // namespace agg
