#include "actors/vendor_connection.hpp"

#include "actors/circuit_breaker.hpp"
#include "actors/deadlines.hpp"
#include "actors/seamless_logic.hpp"
#include "actors/token_authority.hpp"
#include "actors/vendor_errc.hpp"
#include "actors/wallet_errc.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/json_parse.hpp"
#include "common/log.hpp"

#include <caf/actor_pool.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace agg {

namespace {

using json = nlohmann::json;

// -- workers: the adapter's calls, on threads of their own ---------------------------

outcome_reply reply_of(const vendors::round_outcome& o) {
  outcome_reply r;
  r.win = o.win;
  r.detail_json = o.detail_json;
  if (o.proof) {
    r.provably_fair = true;
    r.server_seed_hash = o.proof->server_seed_hash;
    r.client_seed = o.proof->client_seed;
    r.nonce = o.proof->nonce;
  }
  return r;
}

template <class F>
auto adapter_call(F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const vendors::invalid_params& e) {
    return caf::error{static_cast<uint8_t>(vendor_errc::invalid_params),
                      vendor_error_category(), caf::make_message(std::string{e.what()})};
  } catch (const vendors::not_provably_fair&) {
    return make_error(vendor_errc::not_provably_fair);
  } catch (const std::exception& e) {
    log::warn("vendor", "adapter call failed", {{"error", e.what()}});
    return make_error(vendor_errc::vendor_error);
  }
}

caf::behavior worker_impl(caf::event_based_actor*, std::shared_ptr<vendors::adapter> a,
                          std::string vendor) {
  return {
      [a](play_atom, const play_request& r, const std::string& round_id) {
        return adapter_call([&] {
          return reply_of(a->play(
              {r.player_id, r.game_id, r.currency, r.stake, r.params_json, round_id}));
        });
      },
      [a, vendor](seeds_atom, int64_t player) {
        return adapter_call([&] {
          auto s = a->seeds(player);
          return seed_view{vendor, s.server_seed_hash, s.client_seed, s.next_nonce};
        });
      },
      [a, vendor](rotate_atom, int64_t player, const std::string& client_seed) {
        return adapter_call([&] {
          auto r = a->rotate_seed(player, client_seed.empty()
                                              ? std::nullopt
                                              : std::optional<std::string>{client_seed});
          return seed_reveal{vendor,
                             r.server_seed,
                             r.server_seed_hash,
                             r.client_seed,
                             r.last_nonce,
                             seed_view{vendor, r.next.server_seed_hash,
                                       r.next.client_seed, r.next.next_nonce}};
        });
      },
      [a](launch_atom, const launch_request& r, const std::string& token) {
        return adapter_call([&] {
          return a->launch({r.player_id, r.game_id, r.currency, token, r.lang, r.country,
                            r.lobby_url});
        });
      },
      [a](resolve_atom, const play_request& r,
          const std::string& round_id) -> caf::result<bool, outcome_reply> {
        try {
          auto o = a->resolve(
              {r.player_id, r.game_id, r.currency, r.stake, r.params_json, round_id});
          if (o) return {true, reply_of(*o)};
          return {false, outcome_reply{}};
        } catch (const std::exception& e) {
          log::warn("vendor", "resolve failed",
                    {{"round", round_id}, {"error", e.what()}});
          return make_error(vendor_errc::vendor_error);
        }
      },
      [a](health_atom) {
        try {
          return a->healthy();
        } catch (const std::exception&) {
          return false;
        }
      },
      [a](details_atom, const std::string& round_id, int64_t player) {
        return adapter_call([&] { return a->round_details(round_id, player); });
      },
      [a](verify_atom, const verify_request& v) {
        return adapter_call([&] {
          return reply_of(a->verify(v.game_id, v.params_json, v.stake, v.server_seed,
                                    v.client_seed, v.nonce));
        });
      },
  };
}

// -- the connection ---------------------------------------------------------------------

struct round_state {
  play_request req;
  std::string round_id;
  caf::typed_response_promise<round_result> promise;
  outcome_reply outcome;
  int attempts = 0;
  bool paying = false; // the outcome is known: settle by paying, else by rolling back
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

struct connection_state {
  vendor_options opts;
  vendor_deps deps;
  std::shared_ptr<vendors::adapter> adapter;
  caf::actor workers;
  std::vector<vendors::game_info> games;
  std::optional<circuit_breaker> breaker;
  std::unordered_map<std::string, round_state> inflight;
  std::unordered_map<std::string, vendor_session> sessions; // seamless tokens seen
  std::unordered_map<int64_t, std::string> live_token;      // by player
  std::unordered_set<std::string> settling; // stale rounds the sweep is settling
  bool probing = false;                     // health probes are under way
  deadline_table deadlines;                 // of the wallet requests in flight
  std::string round_prefix;
  uint64_t round_counter = 0;
  int64_t started_us = 0;
  static inline const char* name = "vendor_connection";

  connection_state() = default;
  connection_state(const connection_state&) = delete;
  connection_state& operator=(const connection_state&) = delete;
  // A connection that dies mid-round still answers its players: the round is settled
  // by the restarted connection's sweep (the stake comes back).
  ~connection_state() {
    for (auto& [id, rs] : inflight)
      if (rs.promise.pending())
        rs.promise.deliver(make_error(vendor_errc::round_unsettled));
  }
};

using connection_pointer = vendor_actor::stateful_pointer<connection_state>;

// An adapter's outcome as JSON; text that is not JSON is kept as a string.
json outcome_json(const std::string& detail) {
  auto j = parse_json(detail).doc;
  return j.is_discarded() ? json(detail) : j;
}

std::string bet_tx(const std::string& round) {
  return round + ":bet";
}

class connection_logic {
public:
  explicit connection_logic(connection_pointer self) : self_(self), st_(self->state) {}

  caf::result<round_result> play(play_request& req) {
    // A seamless studio's rounds are played in its own game client after a launch;
    // refused before any stake is taken.
    if (st_.adapter->seamless()) return make_error(vendor_errc::invalid_params);
    auto game = find_game(req.game_id);
    if (game == nullptr) return make_error(vendor_errc::unknown_game);
    if (auto err = check_stake(*game, req)) return err;
    try {
      st_.adapter->check(
          {req.player_id, req.game_id, req.currency, req.stake, req.params_json, ""});
    } catch (const vendors::invalid_params& e) {
      return caf::error{static_cast<uint8_t>(vendor_errc::invalid_params),
                        vendor_error_category(),
                        caf::make_message(std::string{e.what()})};
    } catch (const std::exception& e) {
      log::warn("vendor", "check failed", {{"vendor", st_.opts.id}, {"error", e.what()}});
      return make_error(vendor_errc::vendor_error);
    }
    if (st_.inflight.size() >= st_.opts.concurrency_max)
      return make_error(vendor_errc::vendor_busy);
    if (!st_.breaker->allow()) return make_error(vendor_errc::vendor_unavailable);
    auto round_id = st_.round_prefix + std::to_string(++st_.round_counter);
    auto promise = self_->make_response_promise<round_result>();
    st_.inflight.emplace(round_id,
                         round_state{std::move(req), round_id, promise, {}, 0, false});
    debit(round_id);
    return promise;
  }

  game_catalog catalog() const {
    game_catalog out;
    bool available = st_.breaker->available();
    bool launched = st_.adapter->seamless();
    for (const auto& g : st_.games)
      out.games.push_back({st_.opts.id, g.game_id, g.name, g.category, g.rtp_ppm,
                           g.stake_min, g.stake_max, g.stake_step, g.currencies,
                           available, launched});
    return out;
  }

  // A wallet request bounded by request_timeout on the connection's deadline sweep
  // (actors/deadlines.hpp) rather than on CAF's clock: two of them per round.
  template <class OnValue, class OnError>
  void ask_wallet(wallet_request w, OnValue on_value, OnError on_error) {
    request_within(self_, st_.deadlines, tick_atom_v, st_.deps.wallets(),
                   st_.deps.request_timeout, std::move(on_value), std::move(on_error),
                   wallet_atom_v, std::move(w));
  }

  // Settles rounds of this vendor opened before `cutoff_us` that are not in flight.
  void sweep(int64_t cutoff_us) {
    constexpr int64_t batch = 200;
    self_
        ->request(st_.deps.wallets(), st_.deps.request_timeout, unsettled_atom_v,
                  st_.opts.id, cutoff_us, batch)
        .then(
            [self = self_](round_page& page) {
              connection_logic c{self};
              for (auto& r : page.rounds)
                if (self->state.inflight.count(r.round_id) == 0 &&
                    self->state.settling.insert(r.round_id).second)
                  c.settle_stale(r);
            },
            [self = self_, cutoff_us](caf::error&) {
              // The wallets may not be up yet (at start they come up alongside): try
              // again.
              self->delayed_send(self, std::chrono::milliseconds{200}, sweep_atom_v,
                                 cutoff_us, false);
            });
  }

  // -- seamless wallet ---------------------------------------------------------------

  caf::result<launch_reply> launch(launch_request& r) {
    if (!st_.adapter->seamless()) return make_error(vendor_errc::invalid_params);
    auto game = find_game(r.game_id);
    if (game == nullptr) return make_error(vendor_errc::unknown_game);
    auto now = now_us();
    vendor_session s{
        token_authority::new_session_id(),
        st_.opts.id,
        r.player_id,
        r.game_id,
        r.currency,
        now,
        now + std::chrono::duration_cast<std::chrono::microseconds>(st_.opts.session_ttl)
                  .count(),
        false};
    auto promise = self_->make_response_promise<launch_reply>();
    // The studio first: a launch it refuses leaves the player's current game alone.
    // The URL reaches the player only once the session is stored.
    self_->request(st_.workers, st_.opts.round_timeout, launch_atom_v, r, s.token)
        .then(
            [self = self_, s, r, promise](std::string& url) mutable {
              auto& st = self->state;
              auto store = st.deps.sessions ? st.deps.sessions() : caf::actor{};
              self->request(store, st.deps.request_timeout, caf::put_atom_v, s)
                  .then(
                      [self, s, r, promise, url](bool) mutable {
                        remember(self->state, s);
                        promise.deliver(launch_reply{r.vendor, r.game_id, url, s.token});
                      },
                      [promise](caf::error& e) mutable { promise.deliver(e); });
            },
            [promise](caf::error& e) mutable { promise.deliver(e); });
    return promise;
  }

  caf::result<vendors::seamless_result> wallet_call(vendors::seamless_call& c) {
    auto promise = self_->make_response_promise<vendors::seamless_result>();
    auto token = c.token;
    auto started = now_us();
    with_session(token, promise,
                 [c = std::move(c), promise, started](connection_logic logic,
                                                      const vendor_session& s) mutable {
                   logic.apply_call(std::move(c), s, promise, started);
                 });
    return promise;
  }

  // Calls found(logic, session) with the session of `token` (a session with
  // player_id 0 when there is none), from the cache or the store; answers `promise`
  // "unknown" when the store does not answer.
  template <class Found>
  void with_session(const std::string& token,
                    caf::typed_response_promise<vendors::seamless_result> promise,
                    Found found) {
    if (auto i = st_.sessions.find(token); i != st_.sessions.end())
      return found(*this, i->second);
    auto store = st_.deps.sessions ? st_.deps.sessions() : caf::actor{};
    self_->request(store, st_.deps.request_timeout, caf::get_atom_v, token)
        .then(
            [self = self_, found](vendor_session& s) mutable {
              if (s.player_id != 0) remember(self->state, s);
              found(connection_logic{self}, s);
            },
            [promise](caf::error&) mutable {
              vendors::seamless_result unknown;
              unknown.status = static_cast<uint8_t>(vendors::seamless_status::unknown);
              promise.deliver(unknown);
            });
  }

  // The token a check of `token` hands out: derived, so that a retried check (its
  // first answer lost) is answered the same token. Tokens are worth nothing without
  // the studio's signature on the calls that present them.
  static std::string checked_token(const std::string& token) {
    return sha256_hex("check:" + token).substr(0, 32);
  }

  void retry(const std::string& round_id) {
    auto i = st_.inflight.find(round_id);
    if (i == st_.inflight.end()) return;
    if (i->second.paying)
      credit(round_id);
    else
      rollback(round_id);
  }

  // While the circuit is open: asks the studio's health check, again and again until
  // it answers healthy (which closes the circuit) or a round closed it.
  void probe() {
    if (st_.breaker->current() == circuit_breaker::state::closed) {
      st_.probing = false;
      return;
    }
    self_->request(st_.workers, st_.opts.round_timeout, health_atom_v)
        .then(
            [self = self_](bool healthy) {
              connection_logic c{self};
              if (healthy) {
                self->state.probing = false;
                if (self->state.breaker->current() != circuit_breaker::state::closed)
                  c.breaker_result(true);
                return;
              }
              c.next_probe();
            },
            [self = self_](caf::error&) { connection_logic{self}.next_probe(); });
  }

private:
  // Caches a session. A live one is the player's newest (the store supersedes the
  // others when it creates one), so the cached copy of the previous one is marked.
  static void remember(connection_state& st, const vendor_session& s) {
    if (st.sessions.size() >= 100'000) { // the store has them all
      st.sessions.clear();
      st.live_token.clear();
    }
    st.sessions[s.token] = s;
    if (s.superseded) return;
    auto& live = st.live_token[s.player_id];
    if (!live.empty() && live != s.token)
      if (auto i = st.sessions.find(live); i != st.sessions.end())
        i->second.superseded = true;
    live = s.token;
  }

  using seamless_promise = caf::typed_response_promise<vendors::seamless_result>;

  void apply_call(vendors::seamless_call c, const vendor_session& s,
                  seamless_promise promise, int64_t started_us) {
    using vendors::seamless_op;
    using vendors::seamless_status;
    auto refused =
        check_session(c, s, st_.opts.id, now_us(), st_.opts.stake_max_by_currency);
    // A refused token tells the caller nothing about whose it is.
    auto user = refused ? std::string{} : std::to_string(s.player_id);
    auto answer = [promise, user](seamless_status status, std::string currency = {},
                                  int64_t balance = 0, std::string token = {}) mutable {
      promise.deliver(vendors::seamless_result{static_cast<uint8_t>(status),
                                               std::move(currency), balance,
                                               std::move(token), user});
    };
    bool check = static_cast<seamless_op>(c.op) == seamless_op::check;
    if (!refused && static_cast<seamless_op>(c.op) == seamless_op::bet)
      if (auto* g = find_game(s.game_code); g != nullptr && c.amount > g->stake_max)
        refused = seamless_status::bet_limit_exceeded; // the game's own limit
    if (check && refused && s.superseded && s.player_id != 0 && s.vendor == st_.opts.id)
      return check_again(s, promise);
    if (refused) return answer(*refused);
    if (check) {
      // A fresh token for the same game session; the old one is superseded.
      auto fresh = s;
      fresh.token = checked_token(s.token);
      fresh.created_us = now_us();
      auto store = st_.deps.sessions ? st_.deps.sessions() : caf::actor{};
      // Replaces this token only, and only while it is live: a launch that got in
      // first wins.
      self_->request(store, st_.deps.request_timeout, caf::put_atom_v, fresh, s.token)
          .then(
              [self = self_, fresh, old = s.token, answer](bool replaced) mutable {
                auto& st = self->state;
                if (auto i = st.sessions.find(old); i != st.sessions.end())
                  i->second.superseded = true;
                if (!replaced) return answer(seamless_status::invalid_token);
                remember(st, fresh);
                answer(seamless_status::ok, fresh.currency, 0, fresh.token);
              },
              [answer](caf::error&) mutable { answer(seamless_status::unknown); });
      return;
    }
    auto req = wallet_request_of(c, s, st_.opts.id);
    bool bet = static_cast<seamless_op>(c.op) == seamless_op::bet;
    ask_wallet(
        req,
        [self = self_, answer, req, bet, started_us](wallet_receipt& rc) mutable {
          auto deadline = std::chrono::duration_cast<std::chrono::microseconds>(
                              self->state.opts.bet_deadline)
                              .count();
          if (bet && deadline > 0 && now_us() - started_us > deadline) {
            connection_logic{self}.void_bet(req, "answered too late");
            return answer(seamless_status::unknown);
          }
          answer(seamless_status::ok, rc.currency, rc.balance);
        },
        [self = self_, answer, req, bet](caf::error& e) mutable {
          auto status = status_of(wallet_error_of(e));
          if (bet && status == seamless_status::unknown)
            connection_logic{self}.void_bet(req, self->system().render(e));
          answer(status);
        });
  }

  // A bet whose answer is "unknown": the studio takes it as rolled back, and may never
  // say so (a bet whose answer it never got is simply dropped). Roll it back here, so
  // that a debit that did commit, or commits later, is refunded or refused.
  void void_bet(const wallet_request& bet, const std::string& why) {
    wallet_request w;
    w.player_id = bet.player_id;
    w.op = static_cast<uint8_t>(wallet_op::rollback);
    w.source = bet.source;
    w.tx_id = bet.tx_id + ":void";
    w.ref_tx_id = bet.tx_id;
    w.round_id = bet.round_id;
    w.currency = bet.currency;
    log::warn("vendor", "bet rolled back",
              {{"vendor", st_.opts.id}, {"tx", bet.tx_id}, {"why", why}});
    ask_wallet(
        std::move(w), [](wallet_receipt&) {},
        [self = self_, id = bet.tx_id](caf::error& err) {
          log::error("vendor", "bet may be left debited (see the reconciliation report)",
                     {{"vendor", self->state.opts.id},
                      {"tx", id},
                      {"error", self->system().render(err)}});
        });
  }

  // A check of a token a check already replaced: the same answer again, while the
  // token it handed out is the session's live one.
  void check_again(const vendor_session& old, seamless_promise promise) {
    auto fresh = checked_token(old.token);
    with_session(fresh, promise,
                 [promise, fresh](connection_logic, const vendor_session& s) mutable {
                   vendors::seamless_result r;
                   if (s.player_id != 0 && !s.superseded && now_us() < s.expires_us) {
                     r.currency = s.currency;
                     r.token = fresh;
                     r.user = std::to_string(s.player_id);
                   } else {
                     r.status =
                         static_cast<uint8_t>(vendors::seamless_status::invalid_token);
                   }
                   promise.deliver(r);
                 });
  }

  const vendors::game_info* find_game(const std::string& id) const {
    for (const auto& g : st_.games)
      if (g.game_id == id) return &g;
    return nullptr;
  }

  caf::error check_stake(const vendors::game_info& g, const play_request& r) const {
    if (!g.currencies.empty() && std::find(g.currencies.begin(), g.currencies.end(),
                                           r.currency) == g.currencies.end())
      return make_error(vendor_errc::currency_not_supported);
    auto max = g.stake_max;
    if (auto i = st_.opts.stake_max_by_currency.find(r.currency);
        i != st_.opts.stake_max_by_currency.end())
      max = std::min(max, i->second);
    if (r.stake < g.stake_min || r.stake > max || g.stake_step <= 0 ||
        r.stake % g.stake_step != 0)
      return make_error(vendor_errc::invalid_stake);
    return {};
  }

  wallet_request wallet_op_of(const round_state& rs, wallet_op op,
                              const std::string& suffix) {
    wallet_request w;
    w.player_id = rs.req.player_id;
    w.op = static_cast<uint8_t>(op);
    w.source = st_.opts.id;
    w.tx_id = rs.round_id + suffix;
    w.round_id = rs.round_id;
    w.currency = rs.req.currency;
    return w;
  }

  void debit(const std::string& round_id) {
    auto& rs = st_.inflight.at(round_id);
    auto w = wallet_op_of(rs, wallet_op::debit, ":bet");
    w.amount = rs.req.stake;
    w.game_id = rs.req.game_id;
    ask_wallet(
        std::move(w),
        [self = self_, round_id](wallet_receipt&) {
          connection_logic{self}.outcome(round_id);
        },
        [self = self_, round_id](caf::error& err) {
          connection_logic c{self};
          // The vendor was never asked: this round says nothing about it.
          self->state.breaker->abandon();
          if (is_retryable(wallet_error_of(err))) {
            // The debit may or may not have happened: roll it back (a rollback of a
            // bet never seen leaves a tombstone, so a late debit is refused).
            c.fail_round(round_id, err);
            return;
          }
          c.finish(round_id, err);
        });
  }

  void outcome(const std::string& round_id) {
    auto& rs = st_.inflight.at(round_id);
    // A studio that can answer at once (no I/O) does so here; otherwise a worker does.
    std::optional<vendors::round_outcome> fast;
    try {
      fast = st_.adapter->play_now({rs.req.player_id, rs.req.game_id, rs.req.currency,
                                    rs.req.stake, rs.req.params_json, round_id});
    } catch (const vendors::invalid_params& e) {
      return outcome_failed(round_id,
                            caf::error{static_cast<uint8_t>(vendor_errc::invalid_params),
                                       vendor_error_category(),
                                       caf::make_message(std::string{e.what()})});
    } catch (const std::exception& e) {
      log::warn("vendor", "play failed", {{"vendor", st_.opts.id}, {"error", e.what()}});
      return outcome_failed(round_id, make_error(vendor_errc::vendor_error));
    }
    if (fast) return outcome_known(round_id, reply_of(*fast));
    self_->request(st_.workers, st_.opts.round_timeout, play_atom_v, rs.req, round_id)
        .then(
            [self = self_, round_id](outcome_reply& o) {
              connection_logic{self}.outcome_known(round_id, std::move(o));
            },
            [self = self_, round_id](caf::error& err) {
              connection_logic{self}.outcome_failed(round_id, err);
            });
  }

  void outcome_known(const std::string& round_id, outcome_reply o) {
    breaker_result(true);
    auto& r = st_.inflight.at(round_id);
    r.outcome = std::move(o);
    r.paying = true;
    credit(round_id);
  }

  void outcome_failed(const std::string& round_id, const caf::error& err) {
    bool vendor_fault = err.category() != vendor_error_category() ||
                        err.code() != static_cast<uint8_t>(vendor_errc::invalid_params);
    if (vendor_fault)
      breaker_result(false);
    else
      st_.breaker->abandon();
    if (vendor_fault && st_.adapter->resolvable()) return resolve(round_id);
    fail_round(round_id, vendor_fault ? make_error(vendor_errc::vendor_error) : err);
  }

  // The outcome is unknown: the player hears at once, and the round is settled by
  // what the studio says it did (paid, with a push of the result), else refunded.
  void resolve(const std::string& round_id) {
    auto& rs = st_.inflight.at(round_id);
    rs.paying = false;
    rs.promise.deliver(make_error(vendor_errc::vendor_error));
    rs.promise = {};
    self_->request(st_.workers, st_.opts.round_timeout, resolve_atom_v, rs.req, round_id)
        .then(
            [self = self_, round_id](bool played, outcome_reply& o) {
              connection_logic c{self};
              if (!played) return c.rollback(round_id);
              auto& r = self->state.inflight.at(round_id);
              r.outcome = std::move(o);
              r.paying = true;
              r.req.origin = 0; // the requester heard vendor_error: push it the round
              c.credit(round_id);
            },
            [self = self_, round_id](caf::error&) {
              connection_logic{self}.rollback(round_id);
            });
  }

  std::string stored_detail(const round_state& rs) const {
    json d{{"game", rs.req.game_id},
           {"stake", rs.req.stake},
           {"win", rs.outcome.win},
           {"outcome", outcome_json(rs.outcome.detail_json)}};
    if (rs.outcome.provably_fair)
      d["fairness"] = {{"server_seed_hash", rs.outcome.server_seed_hash},
                       {"client_seed", rs.outcome.client_seed},
                       {"nonce", rs.outcome.nonce}};
    return d.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  void credit(const std::string& round_id) {
    auto& rs = st_.inflight.at(round_id);
    auto w = wallet_op_of(rs, wallet_op::credit, ":win");
    w.ref_tx_id = bet_tx(round_id);
    w.amount = rs.outcome.win;
    w.close_round = true;
    w.round_detail = stored_detail(rs);
    ask_wallet(
        std::move(w),
        [self = self_, round_id](wallet_receipt& rc) {
          connection_logic{self}.paid(round_id, rc);
        },
        [self = self_, round_id](caf::error& err) {
          connection_logic{self}.settle_failed(round_id, err);
        });
  }

  void paid(const std::string& round_id, const wallet_receipt& rc) {
    auto& rs = st_.inflight.at(round_id);
    round_result r{st_.opts.id,
                   round_id,
                   rs.req.game_id,
                   rs.req.player_id,
                   rs.req.currency,
                   rs.req.stake,
                   rs.outcome.win,
                   rc.balance,
                   rs.outcome.detail_json,
                   rs.outcome.server_seed_hash,
                   rs.outcome.client_seed,
                   rs.outcome.nonce,
                   rc.created_us,
                   rs.req.origin};
    if (auto presence = st_.deps.presence()) caf::anon_send(presence, push_atom_v, r);
    if (auto& m = st_.deps.stats)
      m->round_latency.observe(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - rs.started)
                                   .count());
    if (rs.promise.pending()) rs.promise.deliver(std::move(r));
    st_.inflight.erase(round_id);
  }

  // After the debit the round cannot fail silently: roll the stake back.
  void fail_round(const std::string& round_id, const caf::error& reason) {
    auto& rs = st_.inflight.at(round_id);
    rs.paying = false;
    rs.promise.deliver(reason);
    rs.promise = {};
    rollback(round_id);
  }

  void rollback(const std::string& round_id) {
    auto& rs = st_.inflight.at(round_id);
    auto w = wallet_op_of(rs, wallet_op::rollback, ":rollback");
    w.ref_tx_id = bet_tx(round_id);
    ask_wallet(
        std::move(w),
        [self = self_, round_id](wallet_receipt&) {
          self->state.inflight.erase(round_id);
        },
        [self = self_, round_id](caf::error& err) {
          connection_logic{self}.settle_failed(round_id, err);
        });
  }

  // A win or rollback that failed: retry the retryable with backoff; give up after
  // settle_attempts_max (the sweep settles the round later).
  void settle_failed(const std::string& round_id, const caf::error& err) {
    auto& rs = st_.inflight.at(round_id);
    if (is_retryable(wallet_error_of(err)) &&
        ++rs.attempts < st_.opts.settle_attempts_max) {
      auto delay = std::chrono::milliseconds{50} * (1 << std::min(rs.attempts, 6));
      self_->delayed_send(self_, delay, tick_atom_v, round_id);
      return;
    }
    log::error("vendor", "round left unsettled",
               {{"vendor", st_.opts.id},
                {"round", round_id},
                {"error", self_->system().render(err)}});
    if (rs.promise.pending())
      rs.promise.deliver(make_error(vendor_errc::round_unsettled));
    st_.inflight.erase(round_id);
  }

  void finish(const std::string& round_id, const caf::error& err) {
    auto i = st_.inflight.find(round_id);
    if (i == st_.inflight.end()) return;
    i->second.promise.deliver(err);
    st_.inflight.erase(i);
  }

  // A round left open by an earlier run (or a failed settlement): paid if the studio
  // can show it played it, else refunded.
  void settle_stale(const round_record& r) {
    if (!st_.adapter->resolvable()) return rollback_stale(r);
    play_request req{r.player_id, st_.opts.id, r.game_id, r.currency, r.bet_total, "", 0};
    self_->request(st_.workers, st_.opts.round_timeout, resolve_atom_v, req, r.round_id)
        .then(
            [self = self_, r](bool played, outcome_reply& o) {
              connection_logic c{self};
              if (played)
                c.pay_stale(r, o);
              else
                c.rollback_stale(r);
            },
            [self = self_, r](caf::error&) { connection_logic{self}.rollback_stale(r); });
  }

  void pay_stale(const round_record& r, const outcome_reply& o) {
    auto w = stale_request(r, wallet_op::credit, ":win");
    w.amount = o.win;
    w.close_round = true;
    w.round_detail = json{{"game", r.game_id},
                          {"stake", r.bet_total},
                          {"win", o.win},
                          {"outcome", outcome_json(o.detail_json)}}
                         .dump(-1, ' ', false, json::error_handler_t::replace);
    settle_stale_with(std::move(w), "pay");
  }

  void rollback_stale(const round_record& r) {
    settle_stale_with(stale_request(r, wallet_op::rollback, ":rollback"), "settle");
  }

  // The win or rollback of a stale round: its bet is "<round_id>:bet".
  wallet_request stale_request(const round_record& r, wallet_op op,
                               const char* suffix) const {
    wallet_request w;
    w.player_id = r.player_id;
    w.op = static_cast<uint8_t>(op);
    w.source = st_.opts.id;
    w.tx_id = r.round_id + suffix;
    w.ref_tx_id = bet_tx(r.round_id);
    w.round_id = r.round_id;
    w.currency = r.currency;
    return w;
  }

  void settle_stale_with(wallet_request w, const char* what) {
    auto id = w.round_id;
    ask_wallet(
        std::move(w),
        [self = self_, id](wallet_receipt&) { self->state.settling.erase(id); },
        [self = self_, id, what](caf::error& err) {
          self->state.settling.erase(id);
          log::error("vendor", std::string{"could not "} + what + " a stale round",
                     {{"vendor", self->state.opts.id},
                      {"round", id},
                      {"error", self->system().render(err)}});
        });
  }

  void next_probe() {
    self_->delayed_send(self_, st_.opts.health_probe_interval, probe_atom_v);
  }

  void breaker_result(bool ok) {
    bool changed = ok ? st_.breaker->success() : st_.breaker->failure();
    if (!changed) return;
    if (!ok && st_.adapter->has_health_check() && !st_.probing) {
      st_.probing = true;
      next_probe();
    }
    auto wait = st_.breaker->retry_at() - circuit_breaker::clock::now();
    vendor_status s{
        st_.opts.id, ok,
        ok ? 0
           : now_us() +
                 std::chrono::duration_cast<std::chrono::microseconds>(wait).count()};
    log::warn("vendor", ok ? "circuit closed" : "circuit opened",
              {{"vendor", st_.opts.id}});
    caf::anon_send(st_.deps.directory, s);
  }

  connection_pointer self_;
  connection_state& st_;
};

vendor_actor::behavior_type connection_impl(connection_pointer self, vendor_options opts,
                                            vendor_deps deps) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.deps = std::move(deps);
  auto factory = vendors::find_adapter(st.opts.kind);
  if (!factory)
    throw std::runtime_error("vendor " + st.opts.id + ": no adapter of kind '" +
                             st.opts.kind + "'");
  st.adapter = factory({st.opts.id, st.opts.settings, st.deps.seeds.get()});
  st.games = st.adapter->games();
  st.breaker.emplace(st.opts.breaker_failures, st.opts.breaker_cooldown);
  auto adapter = st.adapter;
  auto vendor = st.opts.id;
  auto& sys = self->system();
  st.workers = caf::actor_pool::make(
      sys.dummy_execution_unit(), st.opts.workers,
      [&sys, adapter, vendor] {
        return sys.spawn<caf::detached>(worker_impl, adapter, vendor);
      },
      caf::actor_pool::round_robin());
  self->link_to(st.workers);
  std::mt19937_64 rng{std::random_device{}()};
  st.started_us = now_us();
  st.round_prefix = st.opts.id + "-" + std::to_string(st.started_us) + "-" +
                    std::to_string(rng() % 1'000'000) + "-";
  // Tell the directory (with the catalog), then settle what a previous run left open.
  caf::anon_send(st.deps.directory, caf::put_atom_v, st.opts.id,
                 caf::actor_cast<caf::actor>(self), connection_logic{self}.catalog());
  // A seamless studio owns its rounds: it rolls back what it cannot finish.
  if (!st.adapter->seamless()) self->send(self, sweep_atom_v, st.started_us, true);
  return {
      [self](play_atom, play_request& r) { return connection_logic{self}.play(r); },
      [self](games_atom) { return connection_logic{self}.catalog(); },
      [self](seeds_atom, int64_t player) -> caf::result<seed_view> {
        return self->delegate(caf::actor_cast<vendor_actor>(self->state.workers),
                              seeds_atom_v, player);
      },
      [self](rotate_atom, int64_t player, std::string& seed) -> caf::result<seed_reveal> {
        return self->delegate(caf::actor_cast<vendor_actor>(self->state.workers),
                              rotate_atom_v, player, std::move(seed));
      },
      [self](verify_atom, verify_request& v) -> caf::result<round_result> {
        auto promise = self->make_response_promise<round_result>();
        self->request(self->state.workers, self->state.opts.round_timeout, verify_atom_v,
                      v)
            .then(
                [promise, v](outcome_reply& o) mutable {
                  promise.deliver(round_result{
                      v.vendor, "", v.game_id, 0, "", v.stake, o.win, 0, o.detail_json,
                      o.server_seed_hash, o.client_seed, o.nonce, 0, 0});
                },
                [promise](caf::error& e) mutable { promise.deliver(e); });
        return promise;
      },
      // A sweep settles rounds opened before the cutoff; `periodic` schedules the next.
      [self](sweep_atom, int64_t cutoff_us, bool periodic) {
        connection_logic{self}.sweep(cutoff_us);
        if (!periodic) return;
        auto& o = self->state.opts;
        auto next = std::chrono::duration_cast<std::chrono::microseconds>(
            o.sweep_interval - o.stale_after);
        self->delayed_send(self, o.sweep_interval, sweep_atom_v, now_us() + next.count(),
                           true);
      },
      [self](tick_atom) { sweep_deadlines(self, self->state.deadlines, tick_atom_v); },
      [self](probe_atom) { connection_logic{self}.probe(); },
      [self](tick_atom, const std::string& round_id) {
        connection_logic{self}.retry(round_id);
      },
      [self](launch_atom, launch_request& r) { return connection_logic{self}.launch(r); },
      [self](seamless_atom, vendors::seamless_call& c) {
        return connection_logic{self}.wallet_call(c);
      },
      [self](details_atom, std::string& round_id,
             int64_t player) -> caf::result<std::string> {
        return self->delegate(caf::actor_cast<vendor_actor>(self->state.workers),
                              details_atom_v, std::move(round_id), player);
      },
  };
}

} // namespace

caf::actor spawn_vendor_connection(caf::actor_system& sys, vendor_options opts,
                                   vendor_deps deps) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(connection_impl, std::move(opts), std::move(deps)));
}

} // namespace agg
