#pragma once

// An OTP-style supervisor. It starts its children in order and monitors each. When a
// child terminates it restarts it according to the child's policy and the strategy:
// one_for_one restarts only that child; rest_for_one also restarts every child
// started after it (children that hold handles of earlier siblings). More than
// `intensity` restarts within `period` make the supervisor give up and terminate with
// supervisor_escalated, stopping its children first, for its own parent to handle.
// Stopping the supervisor stops its children, last started first.
// Restarts wait a backoff that doubles with each recent restart.

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace agg {

enum class restart_strategy : uint8_t { one_for_one, rest_for_one };

enum class restart_policy : uint8_t {
  permanent, // always restarted
  transient, // restarted only after an abnormal exit
  temporary, // never restarted
};

// The current handles of the children started so far, by id.
using child_handles = std::map<std::string, caf::actor>;

struct child_spec {
  std::string id;
  // Spawns the child. Receives the handles of the siblings listed before it.
  std::function<caf::actor(caf::actor_system&, const child_handles&)> start;
  restart_policy restart = restart_policy::permanent;
  // When set, the child's current handle is kept in the system registry under it.
  caf::atom_value registered_name = caf::atom("");
};

struct supervisor_flags {
  restart_strategy strategy = restart_strategy::one_for_one;
  int64_t intensity = 5;
  std::chrono::milliseconds period{10'000};
  std::chrono::milliseconds backoff{50};
  std::chrono::milliseconds backoff_max{2'000};
  std::function<void()> on_restart; // observer, e.g. a metrics counter; may be empty
};

// Accepts (get_atom, std::string id) -> caf::actor (invalid while restarting) and
// (stats_atom) -> int64_t, the number of restarts so far.
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children);

// The exit reason of a supervisor that exceeded its restart intensity.
caf::error supervisor_escalated();

} // namespace agg
