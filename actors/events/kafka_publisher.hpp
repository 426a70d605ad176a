#pragma once

// The Kafka publisher: a durable subscriber of the event feed ("kafka") that relays
// every event to Kafka, money to <prefix>.wallet and activity to <prefix>.activity,
// keyed by the player's id so that one player's events stay in order in one partition
// (events of no player have the key "0"). The value is the event's JSON
// (docs/events.md); the headers "id" (its gseq) and "type" repeat what a consumer
// needs to route and drop duplicates without parsing it.
//
// Its cursor moves only over events the broker has acknowledged: the feed holds it to
// `in_flight_max` unacknowledged events, so that while Kafka is away the backlog waits
// in the ledger (the outbox), not in memory, and goes out in order when it returns.
// A failed delivery (a fatal producer error, or the operator's own message timeout)
// starts a new producer after `retry` and produces every unacknowledged event again,
// in order: delivery is at least once, never a gap.

#include "actors/core/metrics.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

namespace agg {

struct kafka_publisher_options {
  std::string brokers;
  std::string topic_prefix = "agg";
  int64_t in_flight_max = 8'192;
  std::chrono::milliseconds retry{1'000};
  std::vector<std::pair<std::string, std::string>> settings; // librdkafka's, as given
  std::shared_ptr<metrics> stats;                            // may be null
};

// (caf::get_atom) -> bool: subscribed to the feed; (stats_atom) -> int64_t: the last
// gseq acknowledged by the broker with every one before it.
caf::actor spawn_kafka_publisher(caf::actor_system& sys, kafka_publisher_options opts);

} // namespace agg
