#include "actors/play/vendor_directory.hpp"

#include "actors/core/vendor_errc.hpp"
#include "actors/play/vendor_connection.hpp"
#include "common/clock.hpp"

#include <chrono>
#include <map>

namespace agg {

namespace {

struct vendor_entry {
  caf::actor handle; // null while down
  game_catalog catalog;
  bool available = false;
  int64_t retry_at_us = 0; // open circuit: a trial round is taken from then on
};

struct directory_state {
  std::map<std::string, vendor_entry> vendors;
  std::function<caf::actor()> presence;
  static inline const char* name = "vendor_directory";
};

using directory_pointer = caf::stateful_actor<directory_state>*;

void announce(directory_pointer self, const std::string& vendor, bool available) {
  auto& e = self->state.vendors[vendor];
  if (e.available == available) return;
  e.available = available;
  if (auto p = self->state.presence())
    self->send(p, broadcast_atom_v, vendor_status{vendor, available});
}

// The live handle of `vendor`, or an error to answer with.
caf::expected<vendor_actor> route(directory_pointer self, const std::string& vendor) {
  auto i = self->state.vendors.find(vendor);
  // An open circuit is the vendor connection's to judge (it lets a trial through after
  // its cool-down); the directory only needs a live connection.
  if (i == self->state.vendors.end() || !i->second.handle)
    return make_error(vendor_errc::vendor_unavailable);
  return caf::actor_cast<vendor_actor>(i->second.handle);
}

caf::behavior directory_impl(directory_pointer self, std::vector<std::string> vendors,
                             std::function<caf::actor()> presence) {
  self->state.presence = std::move(presence);
  for (auto& v : vendors)
    self->state.vendors[v];
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& [id, e] : self->state.vendors)
      if (e.handle && e.handle.address() == dm.source) {
        e.handle = nullptr;
        announce(self, id, false);
      }
  });
  return {
      [self](caf::put_atom, const std::string& vendor, const caf::actor& handle,
             game_catalog& catalog) {
        auto& e = self->state.vendors[vendor];
        e.handle = handle;
        e.catalog = std::move(catalog);
        self->monitor(handle);
        bool available = e.catalog.games.empty() || e.catalog.games.front().available;
        announce(self, vendor, available);
      },
      [self](const vendor_status& s) {
        self->state.vendors[s.vendor].retry_at_us = s.retry_at_us;
        announce(self, s.vendor, s.available);
      },
      [self](games_atom) {
        game_catalog out;
        for (auto& [id, e] : self->state.vendors)
          for (auto g : e.catalog.games) {
            // After its cool-down an open circuit takes a trial round: show it as
            // playable.
            g.available = e.handle && (e.available || now_us() >= e.retry_at_us);
            out.games.push_back(std::move(g));
          }
        return out;
      },
      [self](play_atom, play_request& r) -> caf::result<round_result> {
        auto h = route(self, r.vendor);
        if (!h) return h.error();
        return self->delegate(*h, play_atom_v, std::move(r));
      },
      [self](seeds_atom, const std::string& vendor,
             int64_t player) -> caf::result<seed_view> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return self->delegate(*h, seeds_atom_v, player);
      },
      [self](rotate_atom, const std::string& vendor, int64_t player,
             std::string& seed) -> caf::result<seed_reveal> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return self->delegate(*h, rotate_atom_v, player, std::move(seed));
      },
      [self](verify_atom, verify_request& v) -> caf::result<round_result> {
        auto h = route(self, v.vendor);
        if (!h) return h.error();
        return self->delegate(*h, verify_atom_v, std::move(v));
      },
      [self](launch_atom, launch_request& r) -> caf::result<launch_reply> {
        auto h = route(self, r.vendor);
        if (!h) return h.error();
        return self->delegate(*h, launch_atom_v, std::move(r));
      },
      // The live connection of `vendor`, for a caller that sends it many calls: it
      // monitors the handle and asks again once it goes down.
      [self](caf::get_atom, const std::string& vendor) -> caf::result<caf::actor> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return caf::actor_cast<caf::actor>(*h);
      },
      [self](seamless_atom, const std::string& vendor,
             vendors::seamless_call& c) -> caf::result<vendors::seamless_result> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return self->delegate(*h, seamless_atom_v, std::move(c));
      },
      [self](grant_atom, const std::string& vendor,
             vendors::free_rounds_award& a) -> caf::result<bool> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return self->delegate(*h, grant_atom_v, std::move(a));
      },
      [self](details_atom, const std::string& vendor, std::string& round_id,
             int64_t player) -> caf::result<std::string> {
        auto h = route(self, vendor);
        if (!h) return h.error();
        return self->delegate(*h, details_atom_v, std::move(round_id), player);
      },
  };
}

} // namespace

caf::actor spawn_vendor_directory(caf::actor_system& sys,
                                  std::vector<std::string> vendors,
                                  std::function<caf::actor()> presence) {
  return sys.spawn(directory_impl, std::move(vendors), std::move(presence));
}

caf::atom_value vendor_directory_name() {
  return caf::atom("vendors");
}

} // namespace agg
