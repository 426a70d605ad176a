#include "actors/events/feed_subscription.hpp"

#include "actors/events/event_feed.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace agg {

void feed_subscription::connect(caf::event_based_actor* self) {
  retry_pending_ = false;
  auto feed = caf::actor_cast<caf::actor>(self->system().registry().get(feed_name()));
  if (!feed) return retry_later(self);
  if (feed_ && feed_ != feed) self->demonitor(feed_);
  feed_ = feed;
  self->monitor(feed_);
  self->request(feed_, std::chrono::seconds{30}, subscribe_atom_v, opts_.name,
                opts_.durable, opts_.window)
      .then(
          [this](int64_t start) {
            // A durable cursor may be behind what this actor already took: the events
            // in between come again and are dropped as duplicates.
            if (position_ < 0 || start > position_ || !opts_.durable) position_ = start;
          },
          [this, self](const caf::error& err) {
            log::warn("feed_subscription", "subscribe failed",
                      {{"subscriber", opts_.name}, {"error", self->system().render(err)}});
            feed_ = nullptr;
            retry_later(self);
          });
}

void feed_subscription::retry_later(caf::event_based_actor* self) {
  if (retry_pending_) return;
  retry_pending_ = true;
  self->delayed_send(self, opts_.retry, subscribe_atom_v);
}

bool feed_subscription::on_down(caf::event_based_actor* self, const caf::down_msg& dm) {
  if (!feed_ || dm.source != feed_.address()) return false;
  feed_ = nullptr;
  retry_later(self);
  return true;
}

bool feed_subscription::fresh(caf::event_based_actor* self, event_batch& b) {
  if (b.events.empty()) return false;
  if (opts_.stats && b.committed_us > 0)
    opts_.stats->feed_latency.observe(std::max<int64_t>(0, now_us() - b.committed_us));
  auto last = b.events.back().gseq();
  if (position_ >= 0 && b.events.front().gseq() <= position_) {
    std::erase_if(b.events, [&](const feed_event& e) { return e.gseq() <= position_; });
    if (b.events.empty()) {
      ack(self, last);
      return false;
    }
  }
  position_ = std::max(position_, last);
  return true;
}

void feed_subscription::ack(caf::event_based_actor* self, int64_t gseq) {
  if (feed_) self->send(feed_, ack_atom_v, opts_.name, gseq);
}

} // namespace agg
