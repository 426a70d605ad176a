#include "actors/wallet/wallet.hpp"

#include "actors/core/wallet_errc.hpp"
#include "actors/wallet/wallet_core.hpp"
#include "common/clock.hpp"

#include <deque>
#include <optional>

namespace agg {

namespace {

using promise_type = caf::typed_response_promise<wallet_receipt>;

struct queued_request {
  wallet_request req;
  promise_type promise;
};

// A reply held back until the ledger is durable up to wait_seq.
struct held_reply {
  promise_type promise;
  apply_outcome outcome;
  int64_t wait_seq = 0;
  uint8_t op = 0;
};

enum class phase { waiting, loading, ready };

struct wallet_state {
  int64_t player_id = 0;
  wallet_deps deps;
  phase ph = phase::waiting;
  std::optional<wallet_core> core;
  uint32_t epoch = 0; // bumped on every reload; older commit results are ignored
  int64_t committed_seq = 0;
  std::deque<queued_request> queue;
  bool lookup_in_flight = false;
  std::vector<ledger_write> outbox;
  bool flush_due = false; // an append_atom to itself is on its way
  std::deque<held_reply> replies;
  std::chrono::steady_clock::time_point last_active;
  bool stop_requested = false;
  std::optional<uint8_t> pending_status; // set while loading, applied once loaded
  static inline const char* name = "wallet";

  wallet_state() = default;
  wallet_state(const wallet_state&) = delete;
  wallet_state& operator=(const wallet_state&) = delete;
  // A wallet that dies (crash, kill, its registry gone) still answers everyone who
  // waits on it: the outcome is unknown, so the answer is a retryable error.
  ~wallet_state() {
    for (auto& q : queue)
      q.promise.deliver(make_error(wallet_errc::unavailable));
    for (auto& r : replies)
      r.promise.deliver(make_error(wallet_errc::unavailable));
  }
};

using wallet_pointer = wallet_actor::stateful_pointer<wallet_state>;

class wallet_logic {
public:
  explicit wallet_logic(wallet_pointer self) : self_(self), st_(self->state) {}

  void load() {
    st_.ph = phase::loading;
    auto epoch = st_.epoch;
    self_
        ->request(st_.deps.reader, st_.deps.limits.storage_timeout, load_atom_v,
                  st_.player_id)
        .then(
            [self = self_, epoch](wallet_snapshot& s) {
              wallet_logic w{self};
              if (epoch == w.st_.epoch) w.loaded(s);
            },
            [self = self_](caf::error&) {
              // Storage unreachable: refuse what waits and stop; the next request for
              // this player starts a fresh wallet.
              wallet_logic w{self};
              w.fail_queue(wallet_errc::unavailable);
              self->quit(make_error(wallet_errc::unavailable));
            });
  }

  caf::result<wallet_receipt> enqueue(wallet_request&& req) {
    if (req.player_id != st_.player_id) return make_error(wallet_errc::invalid_request);
    if (st_.queue.size() >= st_.deps.limits.queue_len_max)
      return make_error(wallet_errc::unavailable);
    auto promise = self_->make_response_promise<wallet_receipt>();
    st_.queue.push_back({std::move(req), promise});
    st_.last_active = std::chrono::steady_clock::now();
    pump();
    return promise;
  }

  void on_commit(const commit_result& r) {
    if (r.epoch != st_.epoch)
      return; // an answer for writes that a reload already gave up on
    st_.committed_seq = std::max(st_.committed_seq, r.committed_seq);
    release_replies();
    if (r.failed_seq != 0) {
      fail_held(r);
      reload();
      return;
    }
    if (st_.core) st_.core->evict(st_.committed_seq);
    maybe_quit();
  }

  void on_tick() {
    auto idle = std::chrono::steady_clock::now() - st_.last_active;
    if (st_.ph == phase::ready && quiescent() && idle >= st_.deps.limits.idle_timeout &&
        !st_.stop_requested)
      caf::unsafe_send_as(self_, st_.deps.registry, idle_atom_v, st_.player_id);
    arm_tick();
  }

  void on_stop() {
    st_.stop_requested = true;
    maybe_quit();
  }

  void arm_tick() {
    self_->delayed_send(self_, st_.deps.limits.idle_timeout / 2, tick_atom_v);
  }

private:
  void loaded(const wallet_snapshot& s) {
    st_.core.emplace(s, st_.deps.limits.cache_entries_max, st_.deps.ids.get());
    if (st_.pending_status) st_.core->set_account_status(*st_.pending_status);
    st_.committed_seq = s.last_seq;
    st_.ph = phase::ready;
    pump();
  }

  bool quiescent() const {
    return st_.queue.empty() && st_.replies.empty() && !st_.lookup_in_flight &&
           st_.outbox.empty();
  }

  void maybe_quit() {
    if (st_.stop_requested && quiescent()) self_->quit();
  }

  // Applies queued requests in order until one needs a lookup.
  void pump() {
    if (st_.ph != phase::ready || st_.lookup_in_flight) return;
    auto& core = *st_.core;
    while (!st_.queue.empty()) {
      lookup_request miss;
      miss.player_id = st_.player_id;
      core.missing(st_.queue.front().req, miss);
      core.rule_out(miss);
      if (!miss.empty()) {
        for (size_t i = 1; i < st_.queue.size(); ++i)
          core.missing(st_.queue[i].req, miss);
        core.rule_out(miss);
        lookup(std::move(miss));
        break;
      }
      auto q = std::move(st_.queue.front());
      st_.queue.pop_front();
      auto outcome = core.apply(q.req, now_us());
      if (outcome.write) {
        st_.outbox.push_back(std::move(*outcome.write));
        outcome.write.reset();
      }
      if (outcome.then) {
        st_.outbox.push_back(std::move(*outcome.then));
        outcome.then.reset();
      }
      st_.replies.push_back(
          {std::move(q.promise), std::move(outcome), core.last_seq(), q.req.op});
    }
    if (st_.queue.empty()) core.forget_absent();
    schedule_flush();
    release_replies();
    maybe_quit();
  }

  void lookup(lookup_request miss) {
    st_.lookup_in_flight = true;
    auto epoch = st_.epoch;
    self_->request(st_.deps.reader, st_.deps.limits.storage_timeout, lookup_atom_v, miss)
        .then(
            [self = self_, epoch, miss](lookup_result& found) {
              wallet_logic w{self};
              w.st_.lookup_in_flight = false;
              if (epoch == w.st_.epoch && w.st_.core) w.st_.core->learn(miss, found);
              w.pump();
            },
            [self = self_](caf::error&) {
              wallet_logic w{self};
              w.st_.lookup_in_flight = false;
              w.fail_queue(wallet_errc::unavailable);
              w.maybe_quit();
            });
  }

  // The entries go to the writer once the messages already in the mailbox are handled
  // (at once when there are none): a bet and the win sent right behind it (play_now)
  // become one append.
  void schedule_flush() {
    if (st_.outbox.empty() || st_.flush_due) return;
    if (self_->mailbox().empty()) return flush();
    st_.flush_due = true;
    self_->send(self_, append_atom_v);
  }

public:
  void flush() {
    st_.flush_due = false;
    if (st_.outbox.empty()) return;
    append_request req{st_.player_id, st_.epoch, std::move(st_.outbox)};
    st_.outbox.clear();
    // The writer is dynamically typed; it answers with (committed_atom, commit_result).
    caf::unsafe_send_as(self_, st_.deps.writer, append_atom_v, std::move(req));
  }

private:
  // Answers every request whose entries are durable now. (Each committed change reaches
  // the player's connections through the event feed.)
  void release_replies() {
    while (!st_.replies.empty() && st_.replies.front().wait_seq <= st_.committed_seq) {
      auto& r = st_.replies.front();
      count(r.op, r.outcome.error);
      if (r.outcome.error != wallet_errc::none)
        r.promise.deliver(make_error(r.outcome.error));
      else
        r.promise.deliver(std::move(r.outcome.receipt));
      st_.replies.pop_front();
    }
  }

  // Everything held back at or after the failed entry was computed on a view that
  // included it: the entry itself gets the writer's verdict, the rest may retry.
  void fail_held(const commit_result& r) {
    auto failure = static_cast<wallet_errc>(r.failure);
    for (auto& h : st_.replies) {
      bool is_failed_entry = h.outcome.error == wallet_errc::none &&
                             !h.outcome.receipt.replayed &&
                             h.outcome.receipt.seq == r.failed_seq;
      auto err = is_failed_entry ? failure : wallet_errc::storage_error;
      count(h.op, err);
      h.promise.deliver(make_error(err));
    }
    st_.replies.clear();
  }

  void fail_queue(wallet_errc err) {
    for (auto& q : st_.queue) {
      count(q.req.op, err);
      q.promise.deliver(make_error(err));
    }
    st_.queue.clear();
  }

  void count(uint8_t op, wallet_errc outcome) {
    if (st_.deps.stats)
      st_.deps.stats->count_wallet_op(op, static_cast<uint8_t>(outcome));
  }

  void reload() {
    ++st_.epoch;
    st_.core.reset();
    st_.outbox.clear();
    st_.lookup_in_flight = false;
    load();
  }

  wallet_pointer self_;
  wallet_state& st_;
};

wallet_actor::behavior_type wallet_impl(wallet_pointer self, int64_t player_id,
                                        wallet_deps deps, caf::actor_addr predecessor) {
  self->state.player_id = player_id;
  self->state.deps = std::move(deps);
  self->state.last_active = std::chrono::steady_clock::now();
  if (predecessor) {
    self->monitor(predecessor);
    self->set_down_handler([self, predecessor](caf::down_msg& dm) {
      if (dm.source == predecessor && self->state.ph == phase::waiting)
        wallet_logic{self}.load();
    });
  } else {
    wallet_logic{self}.load();
  }
  wallet_logic{self}.arm_tick();
  return {
      [self](wallet_atom, wallet_request& req) {
        return wallet_logic{self}.enqueue(std::move(req));
      },
      [self](committed_atom, const commit_result& r) { wallet_logic{self}.on_commit(r); },
      [self](append_atom) { wallet_logic{self}.flush(); },
      [self](status_atom, uint8_t status) {
        // Applies to requests not yet applied, too: a lock stops what is queued.
        if (self->state.core) self->state.core->set_account_status(status);
        self->state.pending_status = status;
        return true;
      },
      [self](limits_atom, const play_limits& limits) -> caf::result<bool> {
        auto& st = self->state;
        if (st.core && st.core->limits().any()) {
          // Its totals are kept since it started: only the limits change.
          auto totals = st.core->totals();
          st.core->set_limits(limits, totals);
          return true;
        }
        // The first limits: what was wagered and lost comes from the ledger. The answer
        // waits for them, so that the player's next bet is checked against them.
        auto rp = self->make_response_promise<bool>();
        self->request(st.deps.reader, st.deps.limits.storage_timeout, load_atom_v,
                      st.player_id)
            .then(
                [self, rp](wallet_snapshot& s) mutable {
                  if (self->state.core) self->state.core->set_limits(s.limits, s.totals);
                  rp.deliver(true);
                },
                [rp](caf::error&) mutable { rp.deliver(true); });
        return rp;
      },
      [self](tick_atom) { wallet_logic{self}.on_tick(); },
      [self](stop_atom) { wallet_logic{self}.on_stop(); },
  };
}

} // namespace

wallet_actor spawn_wallet(caf::local_actor* parent, int64_t player_id, wallet_deps deps,
                          caf::actor_addr predecessor) {
  return parent->spawn<caf::monitored>(wallet_impl, player_id, std::move(deps),
                                       std::move(predecessor));
}

} // namespace agg
