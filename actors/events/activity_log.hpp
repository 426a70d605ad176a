#pragma once

// Records account actions as activity records (persistence/activity.hpp) through the
// ledger writer, in the global order, before whoever asked is answered: from any
// event-based or typed actor, `record_activity` sends the records and calls `done`
// once every one of them is durable (true) or failed (false).

#include "actors/core/messages.hpp"
#include "actors/wallet/storage_actors.hpp"
#include "common/clock.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace agg {

// A record with its hash, stamped now. `detail`: a JSON object (username, reason ...).
activity_record make_activity(activity_kind kind, int64_t player_id, std::string address,
                              device_info device, const nlohmann::json& detail);

template <class Self, class Done>
void record_activity(Self* self, std::vector<activity_record> records,
                     std::chrono::milliseconds timeout, Done done) {
  if (records.empty()) return done(true);
  auto writer =
      caf::actor_cast<caf::actor>(self->system().registry().get(ledger_writer_name()));
  if (!writer) return done(false);
  struct pending {
    size_t left;
    bool ok = true;
    Done done;
  };
  auto p = std::make_shared<pending>(pending{records.size(), true, std::move(done)});
  auto finish = [p](bool ok) {
    p->ok = p->ok && ok;
    if (--p->left == 0) p->done(p->ok);
  };
  for (auto& r : records)
    self->request(writer, timeout, activity_atom_v, std::move(r))
        .then([finish](activity_record&) mutable { finish(true); },
              [finish](caf::error&) mutable { finish(false); });
}

} // namespace agg
