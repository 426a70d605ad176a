#include "actors/wallet/storage_actors.hpp"

#include "actors/core/wallet_errc.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "persistence/event_log.hpp"
#include "persistence/ledger_store.hpp"
#include "persistence/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace agg {

namespace {

struct reader_state {
  db::connection conn;
  std::unique_ptr<ledger_reader> store;
  std::unique_ptr<event_log> events;
  static inline const char* name = "ledger_reader";
};

using reader_pointer = reader_actor::stateful_pointer<reader_state>;

// Runs a read; a SQLite failure becomes a retryable storage error for the caller.
template <class F>
auto guarded(F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const std::exception& e) {
    log::error("ledger_reader", "read failed", {{"error", e.what()}});
    return make_error(wallet_errc::storage_error);
  }
}

reader_actor::behavior_type ledger_reader_impl(reader_pointer self, reader_options opts) {
  self->state.conn =
      db::connection::open(opts.db_path, db::open_mode::read_only, opts.tuning);
  self->state.store = std::make_unique<ledger_reader>(self->state.conn);
  self->state.events = std::make_unique<event_log>(self->state.conn);
  return {
      [=](load_atom, int64_t player) {
        return guarded([&] { return self->state.store->load_wallet(player); });
      },
      [=](lookup_atom, const lookup_request& req) {
        return guarded([&] {
          auto& store = *self->state.store;
          return store.snapshot([&] {
            lookup_result out;
            for (const auto& k : req.entries)
              if (auto e = store.find_entry(k.source, k.id))
                out.entries.push_back(std::move(*e));
            for (const auto& k : req.marks)
              if (auto m = store.find_mark(k.source, k.id))
                out.marks.push_back(std::move(*m));
            for (const auto& k : req.rounds)
              if (auto r = store.find_round(k.source, k.id))
                out.rounds.push_back(std::move(*r));
            return out;
          });
        });
      },
      [=](history_atom, int64_t player, int64_t before_seq, int64_t limit) {
        return guarded([&] {
          return history_page{self->state.store->history(player, before_seq, limit)};
        });
      },
      [=](timeline_atom, int64_t player, int64_t before_us, int64_t limit) {
        return guarded([&] {
          return event_batch{self->state.events->of_player(player, before_us, limit), 0};
        });
      },
      [=](unsettled_atom, const std::string& source, int64_t before_us, int64_t limit) {
        return guarded([&] {
          return round_page{
              self->state.store->unsettled_rounds(source, before_us, limit)};
        });
      },
      [=](rounds_atom, int64_t player, int64_t before_seq, int64_t limit) {
        return guarded([&] {
          return round_page{self->state.store->recent_rounds(player, before_seq, limit)};
        });
      },
      [=](reconcile_atom, const std::string& vendor, int64_t from_us, int64_t to_us,
          int64_t open_limit) {
        return guarded([&] {
          auto& conn = self->state.conn;
          return reconciliation_report{vendor_totals(conn, vendor, from_us, to_us),
                                       open_rounds(conn, vendor, to_us, open_limit)};
        });
      },
      [=](events_atom, int64_t after, int64_t limit) {
        return guarded([&] {
          return event_batch{self->state.events->after(after, limit), 0};
        });
      },
      [=](head_atom) { return guarded([&] { return self->state.events->head(); }); },
      [=](cursor_atom, const std::string& name) {
        return guarded(
            [&] { return self->state.events->cursor(name).value_or(int64_t{-1}); });
      },
  };
}

// -- writer --------------------------------------------------------------------

struct pending_append {
  caf::actor sender;
  append_request req;
};

class group_committer {
public:
  group_committer(caf::blocking_actor* self, writer_options opts)
      : self_(self), opts_(std::move(opts)),
        conn_(db::connection::open(opts_.db_path, db::open_mode::read_write_create,
                                   opts_.tuning)),
        appender_(conn_) {
    // Replaces SQLite's automatic checkpoint (same threshold) so that the size of
    // the log after each commit also reaches the checkpointer.
    sqlite3_wal_hook(conn_.handle(), &group_committer::after_commit, this);
  }

  void run() {
    auto take = [this](append_atom, append_request& req) {
      if (opts_.owns && !opts_.owns(req.player_id)) return refuse(req);
      writes_ += req.writes.size();
      batch_.push_back(
          {caf::actor_cast<caf::actor>(self_->current_sender()), std::move(req)});
    };
    auto take_activity = [this](activity_atom, activity_record& a) {
      ++writes_;
      activities_.push_back(std::move(a));
      activity_promises_.push_back(self_->make_response_promise());
    };
    auto take_cursor = [this](cursor_atom, std::string& name, int64_t gseq) {
      auto& c = cursors_[name];
      c = std::max(c, gseq);
    };
    // The checkpointer asks for the end of a checkpoint it has nearly done: run between
    // two commits, after the batch at hand.
    auto on_checkpoint = [this](checkpoint_atom) { checkpoint_due_ = true; };
    auto on_exit = [this](caf::exit_msg& msg) {
      running_ = false;
      if (msg.reason != caf::exit_reason::user_shutdown &&
          msg.reason != caf::exit_reason::normal)
        self_->fail_state(msg.reason);
    };
    bool quiet = false;
    next_chain_checkpoint_ = std::chrono::steady_clock::now() + chain_interval();
    while (running_) {
      // The batch's first write: wait as long as it takes, or until the next chain
      // checkpoint is due.
      auto until_checkpoint =
          std::max(std::chrono::steady_clock::duration::zero(),
                   next_chain_checkpoint_ - std::chrono::steady_clock::now());
      self_->receive(
          take, take_activity, take_cursor, on_checkpoint, on_exit,
          caf::after(
              std::chrono::duration_cast<std::chrono::microseconds>(until_checkpoint)) >>
              [] {});
      // Gather what arrives within the window (each wait at most one window, so a batch
      // closes within about two); with a zero window this still takes whatever is
      // already queued, without waiting.
      auto deadline = std::chrono::steady_clock::now() + opts_.commit_window;
      quiet = false;
      // do_receive takes a message before it checks: a batch already full goes as is.
      if (running_ && writes_ < opts_.batch_max)
        self_
            ->do_receive(
                take, take_activity, take_cursor, on_checkpoint, on_exit,
                caf::after(opts_.commit_window) >> [&] { quiet = true; })
            .until([&] {
              return !running_ || quiet || writes_ >= opts_.batch_max ||
                     std::chrono::steady_clock::now() >= deadline;
            });
      commit();
      if (checkpoint_due_) finish_checkpoint();
    }
  }

private:
  // A player another node owns: nothing of it is written here (no split brain).
  void refuse(const append_request& req) {
    log::error("ledger_writer", "refused a write for a player this node does not own",
               {{"player", req.player_id}});
    commit_result r{req.player_id, req.epoch, 0, 0,
                    static_cast<uint8_t>(wallet_errc::not_owner)};
    r.failed_seq = req.writes.empty() ? 1 : req.writes.front().entry.seq;
    r.committed_seq = r.failed_seq - 1;
    self_->send(caf::actor_cast<caf::actor>(self_->current_sender()), committed_atom_v,
                r);
  }

  static int after_commit(void* self, sqlite3* db, const char* name, int frames) {
    auto& me = *static_cast<group_committer*>(self);
    if (me.opts_.wal_frames)
      me.opts_.wal_frames->store(frames, std::memory_order_relaxed);
    if (frames >= me.opts_.tuning.wal_autocheckpoint_pages)
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }

  // Copies the frames the checkpointer left (those of the last commits): the next
  // commit then starts the log over instead of making it longer.
  void finish_checkpoint() {
    checkpoint_due_ = false;
    try {
      auto w = conn_.checkpoint_passive();
      // All copied: the log starts over with the next commit, which reports its size;
      // until then the checkpointer has nothing to do.
      if (opts_.wal_frames && w.copied_frames == w.log_frames)
        opts_.wal_frames->store(0, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      log::error("ledger_writer", "failed", {{"error", e.what()}});
    }
  }

  std::chrono::steady_clock::duration chain_interval() const {
    return opts_.chain_checkpoint_interval.count() > 0
               ? std::chrono::steady_clock::duration{opts_.chain_checkpoint_interval}
               : std::chrono::hours{24 * 365};
  }

  // When due and anything was committed since the last checkpoint, adds to this
  // commit a record of the head as the previous commit left it.
  void add_chain_checkpoint() {
    auto now = std::chrono::steady_clock::now();
    if (opts_.chain_checkpoint_interval.count() <= 0 || now < next_chain_checkpoint_)
      return;
    next_chain_checkpoint_ = now + chain_interval();
    const auto& head = appender_.global();
    if (head.gseq == 0 || head.gseq == last_checkpoint_record_) return;
    activity_record a;
    a.kind = static_cast<uint8_t>(activity_kind::chain_checkpoint);
    a.created_us = now_us();
    a.detail = "{\"gseq\":" + std::to_string(head.gseq) + ",\"ghash\":\"" +
               to_hex(head.ghash) + "\"}";
    a.hash = activity_hash(a);
    pending_checkpoint_ = head;
    ++writes_;
    activities_.push_back(std::move(a));
    activity_promises_.emplace_back(); // nobody waits for it
  }

  void note_chain_checkpoint() {
    if (!pending_checkpoint_) return;
    auto h = *pending_checkpoint_;
    pending_checkpoint_.reset();
    for (const auto& a : activities_)
      if (a.kind == static_cast<uint8_t>(activity_kind::chain_checkpoint))
        last_checkpoint_record_ = a.gseq;
    auto hex = to_hex(h.ghash);
    log::info("ledger_writer", "chain checkpoint",
              {{"checkpoint", to_string(h)}, {"gseq", h.gseq}});
    if (opts_.stats) opts_.stats->set_checkpoint(h.gseq, hex, now_us());
  }

  void commit() {
    add_chain_checkpoint();
    if (batch_.empty() && activities_.empty() && cursors_.empty()) return;
    std::vector<const std::vector<ledger_write>*> writes;
    writes.reserve(batch_.size());
    for (auto& p : batch_)
      writes.push_back(&p.req.writes);
    std::vector<append_outcome> outcomes;
    bool failed = false;
    auto started = std::chrono::steady_clock::now();
    try {
      if (opts_.before_commit && opts_.before_commit(writes_))
        throw db::error(10, "injected commit failure");
      outcomes = appender_.append(writes, &activities_, &cursors_);
    } catch (const std::exception& e) {
      log::error("ledger_writer", "commit failed",
                 {{"writes", static_cast<int64_t>(writes_)}, {"error", e.what()}});
      failed = true;
      appender_.clear_head_cache();
    }
    if (auto& m = opts_.stats) {
      auto took = std::chrono::steady_clock::now() - started;
      m->commit_latency.observe(
          std::chrono::duration_cast<std::chrono::microseconds>(took).count());
      (failed ? m->failed_commits : m->commits).fetch_add(1, std::memory_order_relaxed);
      if (!failed)
        m->commit_writes.fetch_add(static_cast<int64_t>(writes_),
                                   std::memory_order_relaxed);
    }
    for (size_t i = 0; i < batch_.size(); ++i) {
      auto& p = batch_[i];
      commit_result r{p.req.player_id, p.req.epoch, 0, 0, 0};
      int64_t first = p.req.writes.empty() ? 0 : p.req.writes.front().entry.seq;
      if (failed) {
        r.committed_seq = first - 1;
        r.failed_seq = first;
        r.failure = static_cast<uint8_t>(wallet_errc::storage_error);
      } else {
        const auto& o = outcomes[i];
        r.committed_seq = o.failed_seq != 0 ? o.failed_seq - 1 : o.committed_seq;
        r.failed_seq = o.failed_seq;
        if (o.failure == append_failure::duplicate_tx)
          r.failure = static_cast<uint8_t>(wallet_errc::duplicate_transaction);
        else if (o.failure == append_failure::chain_break)
          r.failure = static_cast<uint8_t>(wallet_errc::storage_error);
      }
      self_->send(p.sender, committed_atom_v, r);
    }
    for (size_t i = 0; i < activities_.size(); ++i) {
      auto& promise = activity_promises_[i];
      if (!promise.pending()) continue;
      if (failed)
        promise.deliver(make_error(wallet_errc::storage_error));
      else
        promise.deliver(activities_[i]);
    }
    if (failed) {
      pending_checkpoint_.reset();
    } else {
      note_chain_checkpoint();
      if (opts_.stats)
        opts_.stats->chain_head_gseq.store(appender_.global().gseq,
                                           std::memory_order_relaxed);
      publish(outcomes);
    }
    batch_.clear();
    activities_.clear();
    activity_promises_.clear();
    if (!failed) cursors_.clear();
    writes_ = 0;
  }

  // Hands the feed every entry and record this commit made durable, in global order:
  // the batches' entries (each batch's written ones follow its first gseq), then the
  // activity records.
  void publish(const std::vector<append_outcome>& outcomes) {
    auto feed = opts_.feed ? opts_.feed() : caf::actor{};
    if (!feed) return;
    event_batch out;
    out.committed_us = now_us();
    for (size_t i = 0; i < batch_.size(); ++i) {
      const auto& o = outcomes[i];
      if (o.first_gseq == 0) continue;
      int64_t gseq = o.first_gseq;
      int64_t last = o.failed_seq != 0 ? o.failed_seq - 1 : o.committed_seq;
      size_t n = 0;
      for (const auto& w : batch_[i].req.writes) {
        if (w.entry.seq > last || n >= o.ghashes.size()) break;
        feed_event ev;
        ev.money = w.entry;
        ev.money.gseq = gseq++;
        ev.money.ghash = o.ghashes[n++];
        out.events.push_back(std::move(ev));
      }
    }
    for (auto& a : activities_) {
      feed_event ev;
      ev.is_money = false;
      ev.activity = std::move(a);
      out.events.push_back(std::move(ev));
    }
    if (out.events.empty()) return;
    auto by_gseq = [](const feed_event& a, const feed_event& b) {
      return a.gseq() < b.gseq();
    };
    if (!std::is_sorted(out.events.begin(), out.events.end(), by_gseq))
      std::sort(out.events.begin(), out.events.end(), by_gseq);
    self_->send(feed, publish_atom_v, std::move(out));
  }

  caf::blocking_actor* self_;
  writer_options opts_;
  db::connection conn_;
  ledger_appender appender_;
  std::vector<pending_append> batch_;
  std::vector<activity_record> activities_;
  std::vector<caf::response_promise> activity_promises_;
  std::map<std::string, int64_t> cursors_; // feed subscribers' cursors to write
  size_t writes_ = 0;
  bool running_ = true;
  bool checkpoint_due_ = false;
  std::chrono::steady_clock::time_point next_chain_checkpoint_;
  std::optional<global_head> pending_checkpoint_; // in the commit at hand
  int64_t last_checkpoint_record_ = -1;           // gseq of the last checkpoint record
};

void ledger_writer_impl(caf::blocking_actor* self, writer_options opts) {
  group_committer{self, std::move(opts)}.run();
}

struct checkpointer_state {
  db::connection conn;
  std::chrono::steady_clock::time_point last;
  static inline const char* name = "checkpointer";
};

// A pass that finds fewer new frames than this ends the checkpoint's passes.
constexpr int64_t settled_frames = 1024;
constexpr int passes_max = 4;

// How often the checkpointer looks at the writer's log size at most.
constexpr std::chrono::milliseconds look_interval{20};

caf::behavior checkpointer_impl(caf::stateful_actor<checkpointer_state>* self,
                                checkpointer_options opts) {
  self->state.conn = db::connection::open(
      opts.db.db_path, db::open_mode::read_write_create, opts.db.tuning);
  self->state.last = std::chrono::steady_clock::now();
  auto look = std::min(opts.interval, look_interval);
  self->delayed_send(self, look, tick_atom_v);
  return {
      [self, opts, look](tick_atom) {
        self->delayed_send(self, look, tick_atom_v);
        auto now = std::chrono::steady_clock::now();
        bool due = now - self->state.last >= opts.interval ||
                   (opts.wal_frames && opts.wal_frames->load(std::memory_order_relaxed) >=
                                           opts.after_frames);
        if (!due) return;
        self->state.last = now;
        // The log starts over only once every frame in it is copied, and the writer
        // appends while we copy. So: passes until one finds few new frames (each copies
        // what the writer appended during the one before), then the writer copies the
        // rest between two commits, which costs it little, and its next commit starts
        // the log over. Left to itself, the writer would copy the whole log in one
        // stall once it outgrew wal_checkpoint_pages_max.
        try {
          db::wal_state w;
          int64_t seen = 0;
          for (int pass = 0; pass < passes_max; ++pass) {
            w = self->state.conn.checkpoint_passive();
            bool settled = w.log_frames - seen < settled_frames;
            seen = w.log_frames;
            if (settled) break;
          }
          if (w.log_frames > 0 && opts.writer) self->send(opts.writer, checkpoint_atom_v);
        } catch (const std::exception& e) {
          log::warn("checkpointer", "checkpoint failed", {{"error", e.what()}});
        }
      },
  };
}

} // namespace

caf::actor spawn_checkpointer(caf::actor_system& sys, checkpointer_options opts) {
  return sys.spawn<caf::detached>(checkpointer_impl, std::move(opts));
}

reader_actor spawn_ledger_reader(caf::actor_system& sys, const reader_options& opts) {
  return sys.spawn<caf::detached>(ledger_reader_impl, opts);
}

caf::atom_value ledger_writer_name() {
  return caf::atom("writer");
}

caf::actor spawn_ledger_writer(caf::actor_system& sys, const writer_options& opts) {
  return sys.spawn<caf::detached>(ledger_writer_impl, opts);
}

} // namespace agg
