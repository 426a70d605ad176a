#pragma once

// The subscriber's side of the event feed (event_feed.hpp), for an actor that reacts
// to committed events: finds the feed by its registered name, subscribes, watches it
// and subscribes again when it comes back, drops events it has already seen, and
// acknowledges. The actor forwards three messages to it:
//   (subscribe_atom)          -> connect() (sent to itself while the feed is away)
//   a down_msg                -> on_down()
//   (events_atom, event_batch) -> fresh() before handling, ack() after

#include "actors/core/messages.hpp"
#include "actors/core/metrics.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace agg {

struct subscription_options {
  std::string name;
  bool durable = false;   // resumes from a cursor stored in the database
  int64_t window = 4'096; // unacknowledged events at most
  std::chrono::milliseconds retry{10}; // while the feed is away
  std::shared_ptr<metrics> stats; // feed latency observed here; may be null
};

class feed_subscription {
public:
  explicit feed_subscription(subscription_options opts) : opts_(std::move(opts)) {}

  void connect(caf::event_based_actor* self);
  // True when the actor that went down was the feed (a new subscription follows).
  bool on_down(caf::event_based_actor* self, const caf::down_msg& dm);
  // Removes the events at or before the position already taken; observes the time
  // from commit to here. Returns false when nothing new is left (what was dropped is
  // acknowledged).
  bool fresh(caf::event_based_actor* self, event_batch& b);
  // Every event up to gseq is done.
  void ack(caf::event_based_actor* self, int64_t gseq);

  int64_t position() const { return position_; }
  // Subscribed: the feed has answered with a position.
  bool subscribed() const { return feed_ && position_ >= 0; }
  bool connected() const { return static_cast<bool>(feed_); }
  const std::string& name() const { return opts_.name; }

private:
  void retry_later(caf::event_based_actor* self);

  subscription_options opts_;
  caf::actor feed_;
  int64_t position_ = -1; // the last gseq received (-1 before the first subscription)
  bool retry_pending_ = false;
};

} // namespace agg
