#include "gateway/process_life.hpp"

#include "common/log.hpp"

#include <caf/event_based_actor.hpp>

#include <cstring>
#include <iostream>
#include <unistd.h>

namespace agg::gateway {

void watch_root(caf::actor_system& sys, const caf::actor& root) {
  sys.spawn(
      [](caf::event_based_actor* self, const caf::actor& watched) {
        self->monitor(watched);
        self->set_down_handler([](caf::down_msg&) { kill(getpid(), SIGUSR1); });
        return caf::behavior{[](caf::unit_t) {}};
      },
      root);
}

std::string ready_line(const server_options& o, uint16_t ws_port, uint16_t http_port,
                       uint16_t vendor_port) {
  auto line = "aggregator ready: players ws://" + o.ws_bind_address + ":" +
              std::to_string(ws_port) + "/v1, operators http://" + o.http_bind_address +
              ":" + std::to_string(http_port);
  if (vendor_port != 0)
    line += ", studios http://" + o.vendor_http_bind_address + ":" +
            std::to_string(vendor_port) + "/vendors/<id>/wallet";
  return line;
}

bool wait_for_stop(const sigset_t& stop_signals) {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (sig == SIGUSR1) {
    log::error("aggregator", "the root supervisor gave up; stopping");
    return true;
  }
  std::cout << "aggregator: " << strsignal(sig) << ", stopping" << std::endl;
  return false;
}

} // namespace agg::gateway
