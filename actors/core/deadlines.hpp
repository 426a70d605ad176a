#pragma once

// Deadlines for the requests an actor sends with caf::infinite, checked on one
// periodic tick of the actor's own instead of a timeout per request.
//
// A request with a timeout costs CAF's clock thread a wake-up when it is sent, and the
// actor a message when the timeout fires later, answered or not: on a busy actor with a
// request or two per call that is one more thread hand-off per call. A safety-net
// timeout (the callee answers in milliseconds, the deadline is seconds away) needs no
// precision: a sweep every tick (100 ms by default) is enough, and costs one message
// per tick while anything is pending.
//
// Use: the actor's state holds a deadline_table; requests go through
// request_within(self, table, ...); the actor's behavior answers the tick message by
// calling sweep_deadlines(self, table, tick_msg).

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace agg {

class deadline_table {
public:
  using clock = caf::actor_clock::clock_type; // the actor's clock (testable)

  explicit deadline_table(std::chrono::milliseconds tick = std::chrono::milliseconds{100})
      : tick_{tick} {}

  // Registers a deadline; `expire` runs once, on a sweep after `at`, unless the id
  // was settled first.
  uint64_t add(clock::time_point at, std::function<void()> expire) {
    pending_.emplace(++next_id_, entry{at, std::move(expire)});
    return next_id_;
  }

  // True, once, for a pending id: the answer came before the deadline and is the
  // caller's to handle. False after the deadline has expired it.
  bool settle(uint64_t id) { return pending_.erase(id) > 0; }

  // Runs the expiry of every deadline at or before `now`.
  void expire(clock::time_point now) {
    std::vector<std::function<void()>> due;
    for (auto i = pending_.begin(); i != pending_.end();)
      if (i->second.at <= now) {
        due.push_back(std::move(i->second.expire));
        i = pending_.erase(i);
      } else {
        ++i;
      }
    for (auto& f : due)
      f();
  }

  size_t size() const { return pending_.size(); }
  std::chrono::milliseconds tick() const { return tick_; }

  // Whether the caller must schedule a tick now (none is pending and one is needed),
  // and whether a sweep must schedule the next one.
  bool arm() {
    if (ticking_ || pending_.empty()) return false;
    ticking_ = true;
    return true;
  }
  bool rearm() {
    ticking_ = !pending_.empty();
    return ticking_;
  }

private:
  struct entry {
    clock::time_point at;
    std::function<void()> expire;
  };
  std::chrono::milliseconds tick_;
  uint64_t next_id_ = 0;
  bool ticking_ = false;
  std::unordered_map<uint64_t, entry> pending_;
};

namespace detail {

template <class F, class... Ts>
auto settled_only(deadline_table* table, uint64_t id, F f,
                  caf::detail::type_list<Ts...>) {
  return [table, id, f = std::move(f)](Ts... xs) mutable {
    if (table->settle(id)) f(std::forward<Ts>(xs)...);
  };
}

} // namespace detail

// Sends a request without a CAF timeout; `on_error` gets caf::sec::request_timeout
// when `timeout` passes first (on the sweep after it), and a late answer is dropped.
// `table` must be the actor's own (in its state) and `tick_msg` the message whose
// handler calls sweep_deadlines().
template <class Self, class Dest, class OnValue, class OnError, class TickMsg,
          class... Ts>
void request_within(Self* self, deadline_table& table, const TickMsg& tick_msg,
                    const Dest& dest, std::chrono::milliseconds timeout, OnValue on_value,
                    OnError on_error, Ts&&... xs) {
  auto id = table.add(self->clock().now() + timeout, [on_error]() mutable {
    caf::error e = caf::make_error(caf::sec::request_timeout);
    on_error(e);
  });
  if (table.arm()) self->delayed_send(self, table.tick(), tick_msg);
  using value_args = typename caf::detail::get_callable_trait<OnValue>::arg_types;
  using error_args = typename caf::detail::get_callable_trait<OnError>::arg_types;
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
      .then(detail::settled_only(&table, id, std::move(on_value), value_args{}),
            detail::settled_only(&table, id, std::move(on_error), error_args{}));
}

// The tick's handler: expires what is due and schedules the next tick while anything
// is pending.
template <class Self, class TickMsg>
void sweep_deadlines(Self* self, deadline_table& table, const TickMsg& tick_msg) {
  table.expire(self->clock().now());
  if (table.rearm()) self->delayed_send(self, table.tick(), tick_msg);
}

} // namespace agg
