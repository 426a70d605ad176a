#include "actors/events/event_feed.hpp"

#include "common/clock.hpp"
#include "common/log.hpp"

#include <deque>
#include <map>

namespace agg {

caf::atom_value feed_name() {
  return caf::atom("feed");
}

namespace {

struct subscriber {
  caf::actor who; // invalid while the subscriber is away
  bool durable = false;
  int64_t window = 1;
  int64_t acked = 0;     // every event up to here is done
  int64_t sent = 0;      // every event up to here has been sent
  int64_t persisted = 0; // the cursor last handed to the writer
  bool reading = false;  // a catch-up read is on its way
  int64_t acked_at_us = 0;
};

struct feed_state {
  feed_options opts;
  std::deque<feed_event> ring;
  std::deque<int64_t> committed; // commit time of each event in the ring
  int64_t ring_first = 1;        // gseq of ring.front()
  int64_t head = 0;              // the last committed gseq known
  int64_t head_at_us = 0;
  bool head_known = false; // from the database or a publish
  int64_t last_poll_us = 0;
  std::map<std::string, subscriber> subs;
  std::vector<std::function<void()>> waiting; // subscriptions until the head is known
  static inline const char* name = "event_feed";

  int64_t ring_last() const { return ring_first + static_cast<int64_t>(ring.size()) - 1; }
};

using feed_pointer = caf::stateful_actor<feed_state>*;

void pump(feed_pointer self, const std::string& name);
void know_head(feed_pointer self);

void pump_all(feed_pointer self) {
  for (auto& [name, sub] : self->state.subs)
    pump(self, name);
}

void deliver(feed_pointer self, subscriber& sub, event_batch b) {
  sub.sent = b.events.back().gseq();
  self->send(sub.who, events_atom_v, std::move(b));
}

// Sends the subscriber what its window allows: from the ring when it is there, else
// from the database.
void pump(feed_pointer self, const std::string& name) {
  auto& st = self->state;
  auto i = st.subs.find(name);
  if (i == st.subs.end()) return;
  auto& sub = i->second;
  while (sub.who && !sub.reading && sub.sent < st.head &&
         sub.sent - sub.acked < sub.window) {
    auto n = std::min(
        {sub.window - (sub.sent - sub.acked), st.opts.batch_max, st.head - sub.sent});
    auto next = sub.sent + 1;
    if (!st.ring.empty() && next >= st.ring_first && next <= st.ring_last()) {
      event_batch b;
      auto from = static_cast<size_t>(next - st.ring_first);
      auto to = std::min(st.ring.size(), from + static_cast<size_t>(n));
      b.events.assign(st.ring.begin() + static_cast<std::ptrdiff_t>(from),
                      st.ring.begin() + static_cast<std::ptrdiff_t>(to));
      b.committed_us = st.committed[from];
      deliver(self, sub, std::move(b));
      continue;
    }
    auto reader = st.opts.reader ? st.opts.reader() : reader_actor{};
    if (!reader) return;
    sub.reading = true;
    auto after = sub.sent;
    auto who = sub.who;
    self->request(reader, st.opts.read_timeout, events_atom_v, after, n)
        .then(
            [self, name, after, who](event_batch& b) {
              auto i = self->state.subs.find(name);
              if (i == self->state.subs.end()) return;
              auto& sub = i->second;
              sub.reading = false;
              if (sub.who == who && sub.sent == after && !b.events.empty() &&
                  b.events.front().gseq() == after + 1)
                deliver(self, sub, std::move(b));
              pump(self, name);
            },
            [self, name](const caf::error& err) {
              log::warn("event_feed", "catch-up read failed",
                        {{"subscriber", name}, {"error", self->system().render(err)}});
              if (auto i = self->state.subs.find(name); i != self->state.subs.end())
                i->second.reading = false; // tried again at the next tick
            });
    return;
  }
}

void take(feed_pointer self, event_batch& b) {
  auto& st = self->state;
  if (b.events.empty()) return;
  // Events at or before the head came already (a writer that restarted resends none,
  // but a poll of the head may have run ahead): only the rest is new.
  std::erase_if(b.events,
                [&](const feed_event& e) { return e.gseq() <= st.ring_last(); });
  if (b.events.empty()) return;
  auto first = b.events.front().gseq();
  if (st.ring.empty() || first != st.ring_last() + 1) {
    // A gap (events committed while the feed was away): the ring starts over here and
    // whoever needs what came before reads it from the database.
    st.ring.clear();
    st.committed.clear();
    st.ring_first = first;
  }
  for (auto& e : b.events) {
    st.ring.push_back(std::move(e));
    st.committed.push_back(b.committed_us);
  }
  while (st.ring.size() > st.opts.buffer_events) {
    st.ring.pop_front();
    st.committed.pop_front();
    ++st.ring_first;
  }
  if (st.ring_last() > st.head) {
    st.head = st.ring_last();
    st.head_at_us = b.committed_us;
  }
  know_head(self);
  pump_all(self);
}

// Answers the subscriptions that waited for the head.
void know_head(feed_pointer self) {
  auto& st = self->state;
  if (st.head_known) return;
  st.head_known = true;
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  for (auto& admit_it : waiting)
    admit_it();
}

void admit(feed_pointer self, const std::string& name, bool durable, int64_t window,
           const caf::actor& who, caf::typed_response_promise<int64_t> rp) {
  auto& st = self->state;
  self->monitor(who);
  window = std::max<int64_t>(1, window);
  if (auto i = st.subs.find(name); i != st.subs.end()) {
    // The same name again (its actor restarted): it goes on from what it acknowledged;
    // what it had been sent and not acknowledged comes again.
    auto& sub = i->second;
    sub.who = who;
    sub.window = window;
    sub.reading = false;
    if (!durable) sub.acked = st.head;
    sub.sent = sub.acked;
    rp.deliver(sub.acked);
    return pump(self, name);
  }
  if (!durable) {
    st.subs.emplace(name, subscriber{who, false, window, st.head, st.head, st.head});
    rp.deliver(st.head);
    return;
  }
  auto reader = st.opts.reader ? st.opts.reader() : reader_actor{};
  if (!reader) {
    rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    return;
  }
  self->request(reader, st.opts.read_timeout, cursor_atom_v, name)
      .then(
          [self, rp, name, who, window](int64_t cursor) mutable {
            auto start = std::max<int64_t>(0, cursor);
            self->state.subs.insert_or_assign(
                name, subscriber{who, true, window, start, start, start});
            rp.deliver(start);
            pump(self, name);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

void persist_cursors(feed_pointer self) {
  auto& st = self->state;
  auto writer = st.opts.writer ? st.opts.writer() : caf::actor{};
  if (!writer) return;
  for (auto& [name, sub] : st.subs)
    if (sub.durable && sub.acked > sub.persisted) {
      self->send(writer, cursor_atom_v, name, sub.acked);
      sub.persisted = sub.acked;
    }
}

// Each subscriber's lag: events behind the head, and how old the oldest event it has
// not acknowledged is.
void report(feed_pointer self) {
  auto& st = self->state;
  if (!st.opts.stats) return;
  auto now = now_us();
  std::vector<feed_lag> lags;
  for (auto& [name, sub] : st.subs) {
    feed_lag l;
    l.name = name;
    l.events = st.head - sub.acked;
    if (l.events > 0) {
      auto next = sub.acked + 1;
      int64_t since = st.head_at_us;
      if (!st.ring.empty() && next >= st.ring_first && next <= st.ring_last())
        since = st.ring[static_cast<size_t>(next - st.ring_first)].created_us();
      else if (!st.ring.empty())
        since = st.ring.front().created_us();
      l.seconds_us = since > 0 ? std::max<int64_t>(0, now - since) : 0;
    }
    l.connected = static_cast<bool>(sub.who);
    lags.push_back(std::move(l));
  }
  st.opts.stats->set_feed(st.head, std::move(lags));
}

caf::behavior feed_impl(feed_pointer self, feed_options opts) {
  self->state.opts = std::move(opts);
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& [name, sub] : self->state.subs)
      if (sub.who && sub.who.address() == dm.source) sub.who = nullptr;
  });
  // The head as the database has it: what was committed while the feed was away.
  auto poll = [self] {
    auto reader = self->state.opts.reader ? self->state.opts.reader() : reader_actor{};
    if (!reader) return;
    self->request(reader, self->state.opts.read_timeout, head_atom_v)
        .then(
            [self](int64_t head) {
              auto& st = self->state;
              if (head > st.head) {
                st.head = head;
                if (st.head_at_us == 0) st.head_at_us = now_us();
              }
              know_head(self);
              pump_all(self);
            },
            [](const caf::error&) {});
  };
  poll();
  self->delayed_send(self, self->state.opts.cursor_interval, tick_atom_v);
  return {
      [self](publish_atom, event_batch& b) { take(self, b); },
      [self](subscribe_atom, const std::string& name, bool durable,
             int64_t window) -> caf::result<int64_t> {
        auto who = caf::actor_cast<caf::actor>(self->current_sender());
        if (!who) return caf::sec::invalid_argument;
        auto rp = self->make_response_promise<int64_t>();
        auto admit_it = [=]() mutable { admit(self, name, durable, window, who, rp); };
        if (self->state.head_known)
          admit_it();
        else
          self->state.waiting.push_back(admit_it);
        return rp;
      },
      [self](ack_atom, const std::string& name, int64_t gseq) {
        auto i = self->state.subs.find(name);
        if (i == self->state.subs.end()) return;
        auto& sub = i->second;
        if (gseq > sub.acked) {
          sub.acked = std::min(gseq, sub.sent);
          sub.acked_at_us = now_us();
        }
        pump(self, name);
      },
      [self, poll](tick_atom) {
        auto& st = self->state;
        self->delayed_send(self, st.opts.cursor_interval, tick_atom_v);
        persist_cursors(self);
        report(self);
        auto now = now_us();
        if (now - st.last_poll_us >= st.opts.poll_interval.count() * 1'000) {
          st.last_poll_us = now;
          poll();
        }
        pump_all(self); // catch-up reads that failed are tried again
      },
      [self](stats_atom) { return self->state.head; },
      [self](events_atom, int64_t after, int64_t limit) -> caf::result<event_batch> {
        auto reader =
            self->state.opts.reader ? self->state.opts.reader() : reader_actor{};
        if (!reader) return caf::sec::request_receiver_down;
        return self->delegate(reader, events_atom_v, after, limit);
      },
  };
}

} // namespace

caf::actor spawn_event_feed(caf::actor_system& sys, feed_options opts) {
  return sys.spawn(feed_impl, std::move(opts));
}

} // namespace agg
