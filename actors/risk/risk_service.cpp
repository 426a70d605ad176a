#include "actors/risk/risk_service.hpp"

#include "actors/core/risk_errc.hpp"
#include "actors/risk/feed_input.hpp"
#include "actors/risk/risk_state.hpp"
#include "actors/risk/risk_views.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "persistence/bonus_parts.hpp"

#include <nlohmann/json.hpp>

namespace agg {

namespace {

constexpr int64_t catch_up_page = 2'048;
constexpr size_t withdrawals_kept = 8;
// Gates older than this are dropped (their asker has long given up).
constexpr int64_t gate_forget_us = 120'000'000;

// Whether the engine has taken the withdrawal's reservation (a player it has no
// profile of has taken none; none is made for asking).
bool taken(const risk_state& st, int64_t player, const std::string& payment_id) {
  auto i = st.profiles.find(player);
  if (i == st.profiles.end()) return false;
  const auto& w = i->second.withdrawals;
  return std::find(w.begin(), w.end(), payment_id) != w.end();
}

gate_decision decide(risk_ptr self, int64_t player) {
  auto& st = self->state;
  auto& p = st.profiles[player];
  evaluate(self, player, now_us());
  gate_decision d;
  auto cleared = p.cleared_score >= 0 && p.last.score <= p.cleared_score;
  if (p.locked || (p.last.score >= st.opts.lock_score && !cleared)) {
    d.allow = false;
    d.reason = p.locked ? "locked" : "score";
    return d;
  }
  if (p.open_case != 0) {
    d.hold = true;
    d.reason = "case";
    return d;
  }
  for (auto other : st.engine->links().group(player)) {
    if (other == player) continue;
    auto i = st.profiles.find(other);
    if (i != st.profiles.end() && i->second.locked) {
      d.hold = true;
      d.reason = "linked_to_locked";
      return d;
    }
  }
  if (p.last.score >= st.opts.review_score && !cleared) {
    d.hold = true;
    d.reason = "score";
  }
  return d;
}

void answer(risk_ptr self, pending_gate& g) {
  auto d = decide(self, g.player);
  if (auto& stats = self->state.opts.stats) {
    stats->risk_gate.inc(!d.allow ? "refuse" : d.hold ? "hold" : "allow");
    stats->risk_gate_latency.observe(now_us() - g.asked_us);
  }
  g.rp.deliver(std::move(d));
}

// Answers the gates whose withdrawal the engine has taken.
void answer_gates(risk_ptr self) {
  auto& st = self->state;
  if (st.gates.empty() || st.catching_up) return;
  auto now = now_us();
  std::vector<pending_gate> left;
  for (auto& g : st.gates) {
    if (taken(st, g.player, g.payment_id))
      answer(self, g);
    else if (now - g.asked_us < gate_forget_us)
      left.push_back(std::move(g));
  }
  st.gates = std::move(left);
}

void take(risk_ptr self, const feed_event& ev) {
  auto& st = self->state;
  if (ev.gseq() <= st.done) return;
  st.done = ev.gseq();
  if (!ev.is_money &&
      ev.activity.kind == static_cast<uint8_t>(activity_kind::login_failed))
    failed_login(self, ev.activity);
  auto out = risk::take_event(*st.engine, ev,
                              [self](const std::string& grant, const std::string& vendor,
                                     const std::string& game) {
                                auto& terms = self->state.grant_terms;
                                auto i = terms.find(grant);
                                if (i == terms.end()) {
                                  std::optional<bonus_grant> g;
                                  try {
                                    g = self->state.grants->by_id(grant);
                                  } catch (const db::error&) {
                                    return int64_t{-1}; // asked again at the next bet
                                  }
                                  if (terms.size() >= 100'000) terms.clear();
                                  i = terms.emplace(grant, std::move(g)).first;
                                }
                                return i->second ? stake_weight(*i->second, vendor, game)
                                                 : int64_t{-1};
                              });
  if (st.opts.stats) st.opts.stats->risk_events.fetch_add(1, std::memory_order_relaxed);
  if (!out.withdrawal_tx.empty()) {
    auto& w = st.profiles[ev.player_id()].withdrawals;
    w.push_back(out.withdrawal_tx);
    if (w.size() > withdrawals_kept) w.pop_front();
  }
  for (auto p : out.due)
    evaluate(self, p, ev.created_us());
}

void take_batch(risk_ptr self, const event_batch& b) {
  for (const auto& ev : b.events)
    take(self, ev);
  if (!b.events.empty()) self->state.feed->ack(self, b.events.back().gseq());
  answer_gates(self);
}

// Reads the log from where the engine stands, a page at a time, until it has reached
// the feed's starting point; then takes the batches the feed sent meanwhile.
void catch_up(risk_ptr self) {
  auto& st = self->state;
  std::vector<feed_event> page;
  try {
    page = st.log->after(st.done, catch_up_page);
  } catch (const db::error& e) {
    log::warn("risk", "event log not read", {{"error", e.what()}});
    self->delayed_send(self, std::chrono::milliseconds{100}, tick_atom_v);
    return;
  }
  for (const auto& ev : page)
    take(self, ev);
  bool more = static_cast<int64_t>(page.size()) == catch_up_page;
  bool reached =
      st.feed->subscribed() &&
      (st.done >= st.feed->position() ||
       (!st.queued.empty() && st.done + 1 >= st.queued.front().events.front().gseq()));
  if (more) {
    self->send(self, tick_atom_v);
    return;
  }
  if (!reached) { // the subscription's answer, or commits not yet readable
    self->delayed_send(self, std::chrono::milliseconds{5}, tick_atom_v);
    return;
  }
  st.catching_up = false;
  while (!st.queued.empty()) {
    auto b = std::move(st.queued.front());
    st.queued.pop_front();
    take_batch(self, b);
  }
  answer_gates(self);
  log::info("risk", "caught up",
            {{"gseq", st.done}, {"players", static_cast<int64_t>(st.engine->players())}});
}

// An operator's write, synced to the disk at its commit (synchronous=FULL for it).
template <class F>
caf::expected<std::string> durable_write(risk_ptr self, F f) {
  auto& conn = self->state.conn;
  conn.pragma("synchronous", 2);
  struct back {
    db::connection& c;
    ~back() {
      try {
        c.pragma("synchronous", 1);
      } catch (const db::error&) {
      }
    }
  } restore{conn};
  return f();
}

caf::expected<std::string> protocol(risk_ptr self, const std::string& op, int64_t id,
                                    const std::string& arg) {
  auto& st = self->state;
  try {
    if (op == "cases") return cases_json(st.store->list(arg, id, 100));
    if (op == "case") {
      auto c = st.store->by_id(id);
      if (!c) return make_error(risk_errc::case_not_found);
      return case_json(*c).dump();
    }
    if (op == "player") return player_risk_json(self, id);
    if (op == "links") return links_json(self, id);
    if (op == "rules") return address_rule_op(self, op, arg);
    if (op == "rule" || op == "unrule")
      return durable_write(self, [&] { return address_rule_op(self, op, arg); });
    if (op == "resolve")
      return durable_write(self, [&] { return resolve_case(self, id, arg); });
    if (op == "reload") {
      auto path = arg.empty() ? st.opts.model_path : arg;
      try {
        st.model = risk::risk_model::load(path);
      } catch (const risk::model_error& e) {
        log::warn("risk", "model not reloaded", {{"error", e.what()}});
        return make_error(risk_errc::model_refused);
      }
      log::info("risk", "model reloaded", {{"path", path}});
      return nlohmann::json{{"model", path}, {"trained", st.model.trained}}.dump();
    }
  } catch (const db::error&) {
    return make_error(risk_errc::storage_error);
  }
  return make_error(risk_errc::case_not_found);
}

caf::behavior risk_impl(risk_ptr self, risk_options opts, risk::risk_model model) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.model = std::move(model);
  st.engine = std::make_unique<risk::engine>(st.opts.engine);
  st.conn = db::connection::open(st.opts.db_path, db::open_mode::read_write_create,
                                 st.opts.tuning);
  // The engine's own cases come back from the log after a crash (it reads the log
  // again at start): they commit without waiting for the disk. An operator's
  // resolution or rule is synced before it is answered (durable_write below).
  st.conn.pragma("synchronous", 1);
  st.log = std::make_unique<event_log>(st.conn);
  st.store = std::make_unique<risk_store>(st.conn);
  st.grants = std::make_unique<grant_store>(st.conn);
  st.stuffing = std::make_unique<risk::credential_watch>(st.opts.stuffing);
  load_cases(self);
  publish_rules(self);
  subscription_options sub;
  sub.name = "risk";
  sub.durable = false;
  sub.window = 4'096;
  sub.stats = st.opts.stats;
  st.feed = std::make_unique<feed_subscription>(std::move(sub));
  st.feed->connect(self);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.feed->on_down(self, dm) && !st.catching_up) {
      // A new subscription starts at the head: what came between is read from the log.
      st.catching_up = true;
      self->send(self, tick_atom_v);
    }
  });
  self->send(self, tick_atom_v);
  return {
      [self](subscribe_atom) { self->state.feed->connect(self); },
      [self](tick_atom) {
        if (self->state.catching_up) catch_up(self);
      },
      [self](events_atom, event_batch& b) {
        auto& st = self->state;
        if (!st.feed->fresh(self, b)) return;
        if (st.catching_up) {
          st.queued.push_back(std::move(b));
          return;
        }
        take_batch(self, b);
      },
      [self](gate_atom, const payment_view& p) -> caf::result<gate_decision> {
        auto& st = self->state;
        pending_gate g{p.player_id, p.payment_id, now_us(),
                       self->make_response_promise<gate_decision>()};
        auto rp = g.rp;
        if (!st.catching_up && taken(st, p.player_id, p.payment_id))
          answer(self, g);
        else
          st.gates.push_back(std::move(g));
        return rp;
      },
      [self](risk_atom, const std::string& op, int64_t id,
             const std::string& arg) -> caf::result<std::string> {
        auto out = protocol(self, op, id, arg);
        if (!out) return out.error();
        return std::move(*out);
      },
  };
}

} // namespace

caf::atom_value risk_name() {
  return caf::atom("risk");
}

caf::actor spawn_risk_service(caf::actor_system& sys, risk_options opts,
                              risk::risk_model model) {
  return sys.spawn<caf::detached>(risk_impl, std::move(opts), std::move(model));
}

} // namespace agg
