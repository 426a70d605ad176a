#include "actors/events/kafka_publisher.hpp"

#include "actors/core/messages.hpp"
#include "actors/events/feed_subscription.hpp"
#include "actors/events/kafka_producer.hpp"
#include "common/log.hpp"
#include "persistence/event_json.hpp"

#include <algorithm>
#include <deque>

namespace agg {

namespace {

struct outgoing {
  int64_t gseq = 0;
  bool money = true;
  bool produced = false;  // handed to the current producer
  bool delivered = false; // acknowledged by the broker
  std::string key;
  std::string type;
  std::string value;
};

struct publisher_state {
  kafka_publisher_options opts;
  std::string wallet_topic;
  std::string activity_topic;
  std::unique_ptr<feed_subscription> feed;
  std::unique_ptr<kafka_producer> producer;
  int64_t generation = 0; // of the producer; deliveries of an earlier one are dropped
  bool restart_pending = false;
  bool retry_pending = false;
  // Received and not yet acknowledged with every one before it, in gseq order (the
  // feed delivers consecutive events).
  std::deque<outgoing> pending;
  int64_t in_flight = 0;     // of them, not delivered
  int64_t produced_upto = 0; // every pending event up to it handed to the producer
  int64_t acked = 0;
  static inline const char* name = "kafka_publisher";
};

using publisher = caf::stateful_actor<publisher_state>*;

// The pending event with this gseq, or end().
std::deque<outgoing>::iterator find(publisher_state& st, int64_t gseq) {
  auto m = std::lower_bound(st.pending.begin(), st.pending.end(), gseq,
                            [](const outgoing& o, int64_t g) { return o.gseq < g; });
  return m != st.pending.end() && m->gseq == gseq ? m : st.pending.end();
}

void set_in_flight(publisher self) {
  if (auto& s = self->state.opts.stats) s->kafka_in_flight.store(self->state.in_flight);
}

void start_producer(publisher self) {
  auto& st = self->state;
  st.producer.reset();
  ++st.generation;
  st.produced_upto = 0; // everything not delivered goes to the new producer
  for (auto& m : st.pending)
    m.produced = m.delivered;
  kafka_producer_options p;
  p.brokers = st.opts.brokers;
  p.settings = st.opts.settings;
  auto me = caf::actor_cast<caf::actor_addr>(self);
  auto stats = st.opts.stats;
  auto generation = st.generation;
  p.on_deliveries = [me, generation](std::vector<kafka_delivery> ds) {
    std::vector<int64_t> ok;
    std::vector<int64_t> failed;
    std::string error;
    for (auto& d : ds) {
      (d.ok ? ok : failed).push_back(d.id);
      if (!d.ok && error.empty()) error = std::move(d.error);
    }
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::anon_send(a, delivered_atom_v, generation, std::move(ok), std::move(failed),
                     std::move(error));
  };
  p.on_brokers = [stats](int up) {
    if (stats) stats->kafka_connected.store(up > 0 ? 1 : 0);
  };
  p.on_error = [me, generation, stats](std::string message) {
    log::warn("kafka", "producer failed; a new one takes over", {{"error", message}});
    if (stats) stats->kafka_errors.fetch_add(1);
    if (auto a = caf::actor_cast<caf::actor>(me))
      caf::anon_send(a, restart_atom_v, generation);
  };
  try {
    st.producer = std::make_unique<kafka_producer>(std::move(p));
  } catch (const std::exception& e) {
    log::error("kafka", "producer not started", {{"error", e.what()}});
    st.restart_pending = true;
    self->delayed_send(self, st.opts.retry, restart_atom_v, st.generation);
  }
}

// Hands every pending event not yet produced to the producer, in order.
void produce_waiting(publisher self) {
  auto& st = self->state;
  if (!st.producer) return;
  auto from = std::lower_bound(st.pending.begin(), st.pending.end(), st.produced_upto + 1,
                               [](const outgoing& o, int64_t g) { return o.gseq < g; });
  for (auto i = from; i != st.pending.end(); ++i) {
    auto& m = *i;
    if (m.produced) continue;
    auto id = std::to_string(m.gseq);
    std::string error;
    if (!st.producer->produce(m.money ? st.wallet_topic : st.activity_topic, m.key,
                              m.value, {{"id", id}, {"type", m.type}}, m.gseq, &error)) {
      // The local queue is full: the rest waits, in order.
      if (!st.retry_pending) {
        st.retry_pending = true;
        self->delayed_send(self, std::chrono::milliseconds{10}, tick_atom_v);
      }
      log::debug("kafka", "produce deferred", {{"error", error}});
      return;
    }
    m.produced = true;
    st.produced_upto = m.gseq;
  }
}

// Acknowledges to the feed every event up to the first one not yet delivered.
void advance(publisher self) {
  auto& st = self->state;
  while (!st.pending.empty() && st.pending.front().delivered)
    st.pending.pop_front();
  int64_t upto = st.pending.empty() ? st.feed->position() : st.pending.front().gseq - 1;
  if (upto > st.acked) {
    st.acked = upto;
    st.feed->ack(self, upto);
  }
  set_in_flight(self);
}

caf::behavior publisher_impl(publisher self, kafka_publisher_options opts) {
  auto& st = self->state;
  st.wallet_topic = opts.topic_prefix + ".wallet";
  st.activity_topic = opts.topic_prefix + ".activity";
  subscription_options sub;
  sub.name = "kafka";
  sub.durable = true;
  sub.window = opts.in_flight_max;
  st.opts = std::move(opts);
  st.feed = std::make_unique<feed_subscription>(std::move(sub));
  start_producer(self);
  st.feed->connect(self);
  self->set_down_handler(
      [self](caf::down_msg& dm) { self->state.feed->on_down(self, dm); });
  return {
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self](events_atom, event_batch& b) {
        auto& st = self->state;
        if (!st.feed->fresh(self, b)) return;
        for (const auto& ev : b.events) {
          outgoing m;
          m.gseq = ev.gseq();
          m.money = ev.is_money;
          m.key = std::to_string(ev.player_id());
          m.type = event_type(ev);
          m.value = to_json(ev);
          st.pending.push_back(std::move(m));
          ++st.in_flight;
        }
        produce_waiting(self);
        set_in_flight(self);
      },
      [self](delivered_atom, int64_t generation, const std::vector<int64_t>& ok,
             const std::vector<int64_t>& failed, const std::string& error) {
        auto& st = self->state;
        if (generation != st.generation) return;
        for (auto id : ok) {
          auto m = find(st, id);
          if (m == st.pending.end() || m->delivered) continue;
          m->delivered = true;
          --st.in_flight;
        }
        if (st.opts.stats) {
          st.opts.stats->kafka_delivered.fetch_add(static_cast<int64_t>(ok.size()));
          st.opts.stats->kafka_connected.store(ok.empty() ? 0 : 1);
        }
        advance(self);
        if (failed.empty()) return;
        if (st.opts.stats)
          st.opts.stats->kafka_errors.fetch_add(static_cast<int64_t>(failed.size()));
        log::warn("kafka", "delivery failed; producing again from the first",
                  {{"failed", static_cast<int64_t>(failed.size())},
                   {"first", failed.front()},
                   {"error", error}});
        if (!st.restart_pending) {
          st.restart_pending = true;
          self->delayed_send(self, st.opts.retry, restart_atom_v, st.generation);
        }
      },
      [self](restart_atom, int64_t generation) {
        auto& st = self->state;
        if (generation != st.generation) return;
        st.restart_pending = false;
        start_producer(self);
        produce_waiting(self);
      },
      [self](tick_atom) {
        self->state.retry_pending = false;
        produce_waiting(self);
      },
      [self](caf::get_atom) { return self->state.feed->subscribed(); },
      [self](stats_atom) { return self->state.acked; },
  };
}

} // namespace

caf::actor spawn_kafka_publisher(caf::actor_system& sys, kafka_publisher_options opts) {
  return sys.spawn(publisher_impl, std::move(opts));
}

} // namespace agg
