#include "actors/play/seamless_calls.hpp"

#include "actors/core/wallet_errc.hpp"
#include "actors/play/seamless_logic.hpp"
#include "common/clock.hpp"
#include "common/crypto.hpp"
#include "common/log.hpp"

namespace agg {

namespace {

using vendors::seamless_op;
using vendors::seamless_result;
using vendors::seamless_status;

seamless_result unknown_result() {
  seamless_result unknown;
  unknown.status = static_cast<uint8_t>(seamless_status::unknown);
  return unknown;
}

} // namespace

std::string seamless_calls::checked_token(const std::string& token) {
  return sha256_hex("check:" + token).substr(0, 32);
}

caf::result<launch_reply> seamless_calls::launch(launch_request& r) {
  if (!st_.adapter->seamless()) return make_error(vendor_errc::invalid_params);
  if (st_.find_game(r.game_id) == nullptr) return make_error(vendor_errc::unknown_game);
  auto now = now_us();
  vendor_session s{
      // The player id first: any node of a cluster routes a call by it.
      std::to_string(r.player_id) + "-" + to_hex(random_bytes(16)),
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

caf::result<seamless_result> seamless_calls::wallet_call(vendors::seamless_call& c) {
  auto promise = self_->make_response_promise<seamless_result>();
  auto token = c.token;
  auto started = now_us();
  with_session(token, promise,
               [c = std::move(c), promise, started](seamless_calls calls,
                                                    const vendor_session& s) mutable {
                 calls.apply_call(std::move(c), s, promise, started);
               });
  return promise;
}

// Calls found(calls, session) with the session of `token` (a session with player_id 0
// when there is none), from the cache or the store; answers `promise` "unknown" when
// the store does not answer.
template <class Found>
void seamless_calls::with_session(const std::string& token, promise_type promise,
                                  Found found) {
  if (auto i = st_.sessions.find(token); i != st_.sessions.end())
    return found(*this, i->second);
  auto store = st_.deps.sessions ? st_.deps.sessions() : caf::actor{};
  self_->request(store, st_.deps.request_timeout, caf::get_atom_v, token)
      .then(
          [self = self_, found](vendor_session& s) mutable {
            if (s.player_id != 0) remember(self->state, s);
            found(seamless_calls{self}, s);
          },
          [promise](caf::error&) mutable { promise.deliver(unknown_result()); });
}

// Caches a session. A live one is the player's newest (the store supersedes the others
// when it creates one), so the cached copy of the previous one is marked.
void seamless_calls::remember(connection_state& st, const vendor_session& s) {
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

void seamless_calls::apply_call(vendors::seamless_call c, const vendor_session& s,
                                promise_type promise, int64_t started_us) {
  auto refused =
      check_session(c, s, st_.opts.id, now_us(), st_.opts.stake_max_by_currency);
  // A refused token tells the caller nothing about whose it is.
  auto user = refused ? std::string{} : std::to_string(s.player_id);
  auto answer = [promise, user](seamless_status status, std::string currency = {},
                                int64_t balance = 0) mutable {
    promise.deliver(seamless_result{
        static_cast<uint8_t>(status), std::move(currency), balance, {}, user});
  };
  auto op = static_cast<seamless_op>(c.op);
  if (!refused && op == seamless_op::bet)
    if (auto* g = st_.find_game(s.game_code); g != nullptr && c.amount > g->stake_max)
      refused = seamless_status::bet_limit_exceeded; // the game's own limit
  if (op == seamless_op::check && refused && s.superseded && s.player_id != 0 &&
      s.vendor == st_.opts.id)
    return check_again(s, promise);
  if (refused) return answer(*refused);
  if (op == seamless_op::check) return check(s, promise, user);
  auto req = wallet_request_of(c, s, st_.opts.id);
  bool bet = op == seamless_op::bet;
  ask_wallet(
      self_, req,
      [self = self_, answer, req, bet, started_us](wallet_receipt& rc) mutable {
        auto deadline = std::chrono::duration_cast<std::chrono::microseconds>(
                            self->state.opts.bet_deadline)
                            .count();
        if (bet && deadline > 0 && now_us() - started_us > deadline) {
          seamless_calls{self}.void_bet(req, "answered too late");
          return answer(seamless_status::unknown);
        }
        // What the player can stake: cash and the active grants' bonus money.
        answer(seamless_status::ok, rc.currency, rc.balance + rc.bonus_balance);
      },
      [self = self_, answer, req, bet](caf::error& e) mutable {
        auto status = status_of(wallet_error_of(e));
        if (bet && status == seamless_status::unknown)
          seamless_calls{self}.void_bet(req, self->system().render(e));
        answer(status);
      });
}

// A fresh token for the same game session; the old one is superseded.
void seamless_calls::check(const vendor_session& s, promise_type promise,
                           std::string user) {
  auto fresh = s;
  fresh.token = checked_token(s.token);
  fresh.created_us = now_us();
  auto store = st_.deps.sessions ? st_.deps.sessions() : caf::actor{};
  auto answer = [promise, user](seamless_status status, const vendor_session& f) mutable {
    promise.deliver(seamless_result{static_cast<uint8_t>(status),
                                    status == seamless_status::ok ? f.currency : "", 0,
                                    status == seamless_status::ok ? f.token : "", user});
  };
  // Replaces this token only, and only while it is live: a launch that got in first
  // wins.
  self_->request(store, st_.deps.request_timeout, caf::put_atom_v, fresh, s.token)
      .then(
          [self = self_, fresh, old = s.token, answer](bool replaced) mutable {
            auto& st = self->state;
            if (auto i = st.sessions.find(old); i != st.sessions.end())
              i->second.superseded = true;
            if (!replaced) return answer(seamless_status::invalid_token, fresh);
            remember(st, fresh);
            answer(seamless_status::ok, fresh);
          },
          [answer, fresh](caf::error&) mutable {
            answer(seamless_status::unknown, fresh);
          });
}

// A bet whose answer is "unknown": the studio takes it as rolled back, and may never
// say so (a bet whose answer it never got is simply dropped). Roll it back here, so
// that a debit that did commit, or commits later, is refunded or refused.
void seamless_calls::void_bet(const wallet_request& bet, const std::string& why) {
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
      self_, std::move(w), [](wallet_receipt&) {},
      [self = self_, id = bet.tx_id](caf::error& err) {
        log::error("vendor", "bet may be left debited (see the reconciliation report)",
                   {{"vendor", self->state.opts.id},
                    {"tx", id},
                    {"error", self->system().render(err)}});
      });
}

// A check of a token a check already replaced: the same answer again, while the token
// it handed out is the session's live one.
void seamless_calls::check_again(const vendor_session& old, promise_type promise) {
  auto fresh = checked_token(old.token);
  with_session(fresh, promise,
               [promise, fresh](seamless_calls, const vendor_session& s) mutable {
                 seamless_result r;
                 if (s.player_id != 0 && !s.superseded && now_us() < s.expires_us) {
                   r.currency = s.currency;
                   r.token = fresh;
                   r.user = std::to_string(s.player_id);
                 } else {
                   r.status = static_cast<uint8_t>(seamless_status::invalid_token);
                 }
                 promise.deliver(r);
               });
}

} // namespace agg
