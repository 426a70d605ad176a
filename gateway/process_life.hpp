#pragma once

// What the executable does around a running node, the same for a single server and a
// cluster node: the root supervisor's end turned into a signal for the main thread,
// the ready line's listeners, and the wait for a stop signal.

#include "config/server_config.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <csignal>
#include <cstdint>
#include <string>

namespace agg::gateway {

// When `root` (the node's root supervisor) ends, the process gets SIGUSR1, which the
// main thread waits for beside SIGINT and SIGTERM.
void watch_root(caf::actor_system& sys, const caf::actor& root);

// "aggregator ready: players ws://..., operators http://...[, studios http://...]";
// `vendor_port` 0: no studio listener.
std::string ready_line(const server_options& o, uint16_t ws_port, uint16_t http_port,
                       uint16_t vendor_port);

// Waits for one of `stop_signals` and says which; true when it was SIGUSR1 (the root
// supervisor gave up), which makes the exit status 1.
bool wait_for_stop(const sigset_t& stop_signals);

} // namespace agg::gateway
