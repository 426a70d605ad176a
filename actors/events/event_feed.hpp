#pragma once

// The event feed: every committed change (ledger entries and activity records, in the
// global order) handed to named subscribers. The ledger writer publishes each commit
// here; the feed keeps the newest events in a bounded ring and feeds a subscriber that
// fell behind it from the database (through a ledger reader) until it has caught up.
//
// Protocol (the feed is dynamically typed, registered as feed_name()):
//   subscriber -> feed: (subscribe_atom, name, durable, window) -> int64_t, the gseq
//     after which delivery starts. A durable subscriber starts after its stored cursor
//     (0 the first time: everything); any other after the current head. Subscribing
//     again under a name replaces the earlier actor and keeps its position.
//   feed -> subscriber: (events_atom, event_batch), consecutive events in order, never
//     more than `window` unacknowledged.
//   subscriber -> feed: (ack_atom, name, gseq): every event up to gseq is done. A
//     durable subscriber's cursor is written to the database at an interval, so that
//     after a crash it resumes at most that interval behind (delivery is at least
//     once; each event carries its gseq so that a consumer drops duplicates).
// The feed also answers (stats_atom) -> int64_t, its head, and (events_atom, after,
// limit) -> event_batch, a page of the log read from the database, for pollers.

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"
#include "actors/wallet/storage_actors.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace agg {

caf::atom_value feed_name();

struct feed_options {
  size_t buffer_events = 65'536; // the newest events kept in memory
  int64_t batch_max = 1'024;     // events per delivery
  std::chrono::milliseconds cursor_interval{
      250}; // durable cursors written at most so often
  std::chrono::milliseconds poll_interval{1'000}; // head read back from the database
  std::chrono::milliseconds read_timeout{15'000};
  std::function<reader_actor()> reader; // for catch-up; may return an invalid handle
  std::function<caf::actor()> writer;   // for cursors; may return an invalid handle
  std::shared_ptr<metrics> stats;       // may be null
};

caf::actor spawn_event_feed(caf::actor_system& sys, feed_options opts);

} // namespace agg
