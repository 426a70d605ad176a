#include "actors/players/player_session.hpp"

#include "actors/core/error_code.hpp"
#include "actors/core/pam_errc.hpp"
#include "actors/core/vendor_errc.hpp"
#include "actors/core/wallet_errc.hpp"
#include "actors/events/activity_log.hpp"
#include "common/clock.hpp"

#include <deque>
#include <optional>
#include <set>

namespace agg {

namespace {

// Wagering progress is pushed at most this often.
constexpr int64_t bonus_push_interval_us = 1'000'000;

struct session_state {
  std::shared_ptr<client_sink> sink;
  session_deps deps;
  std::optional<login_grant> auth; // set once logged in
  token_claims claims;
  bool auth_in_flight = false; // register, login, resume, logout, self_exclude
  device_info device;          // what the client said of its device at its last login
  std::deque<client_request> waiting; // requests behind that operation
  // The logged-in session's play, for its time limit and reality checks.
  int64_t session_epoch = 0; // a new one at each login: older timers are void
  int64_t session_started_us = 0;
  int64_t stakes = 0;
  int64_t wins = 0;
  int64_t reality_check_us = 0;
  // Bonus pushes: the grants changed since the last push, and when it went out.
  std::set<std::string> bonus_changed;
  std::string bonus_event; // the newest change's event, "progress" for bets and wins
  int64_t bonus_pushed_us = 0;
  bool bonus_push_due = false; // a delayed push is scheduled
  static inline const char* name = "player_session";
};

using session_pointer = caf::stateful_actor<session_state>*;

class session_logic {
public:
  explicit session_logic(session_pointer self) : self_(self), st_(self->state) {}

  void on_request(client_request& r) {
    if (st_.auth_in_flight) {
      if (st_.waiting.size() >= st_.deps.pending_requests_max)
        return fail(r.id, "rate_limited", "too many requests waiting for the login");
      st_.waiting.push_back(std::move(r));
      return;
    }
    if (st_.deps.before_request) st_.deps.before_request(r);
    dispatch(r);
  }

  void on_push(const balance_push& p) {
    if (!st_.auth || p.player_id != st_.auth->player_id) return;
    auto op = static_cast<wallet_op>(p.op);
    if (op == wallet_op::debit) st_.stakes -= p.amount;
    if (op == wallet_op::credit || op == wallet_op::rollback) st_.wins += p.amount;
    st_.sink->deliver(out_balance_push{p});
  }

  // Entries changed some grants: they are pushed at once for a grant, a conversion,
  // a forfeit or an expiry, and at most once a second for wagering progress.
  void on_bonus_notice(const bonus_notice& n) {
    if (!st_.auth || n.player_id != st_.auth->player_id) return;
    st_.bonus_changed.insert(n.grant_ids.begin(), n.grant_ids.end());
    auto kind = static_cast<entry_kind>(n.kind);
    std::string event = kind == entry_kind::bonus_grant        ? "granted"
                        : kind == entry_kind::bonus_conversion ? "converted"
                        : kind == entry_kind::bonus_forfeit    ? "forfeited"
                        : kind == entry_kind::bonus_expiry     ? "expired"
                                                               : "progress";
    if (st_.bonus_event.empty() || event != "progress") st_.bonus_event = event;
    if (st_.bonus_push_due) return;
    auto wait = st_.bonus_pushed_us + bonus_push_interval_us - now_us();
    if (event != "progress" || wait <= 0) return push_bonuses();
    st_.bonus_push_due = true;
    self_->delayed_send(self_, std::chrono::microseconds{wait}, push_atom_v,
                        bonuses_atom_v);
  }

  void push_bonuses() {
    st_.bonus_push_due = false;
    auto service = st_.deps.bonus ? st_.deps.bonus() : caf::actor{};
    if (!st_.auth || !service || st_.bonus_changed.empty()) return;
    st_.bonus_pushed_us = now_us();
    auto ids = std::move(st_.bonus_changed);
    auto event = std::move(st_.bonus_event);
    st_.bonus_changed.clear();
    st_.bonus_event.clear();
    self_->request(service, st_.deps.request_timeout, bonuses_atom_v, st_.auth->player_id)
        .then(
            [self = self_, ids, event](bonus_page& p) {
              for (auto& g : p.grants)
                if (ids.count(g.grant_id))
                  self->state.sink->deliver(out_bonus{"", std::move(g), event});
            },
            [](caf::error&) {}); // a push is a hint: the next one or `bonuses` tells
  }

  // A session timer: kind session_minutes ends the session, reality_check_minutes
  // reminds the player (and comes again).
  void on_session_timer(int64_t kind, int64_t epoch) {
    if (!st_.auth || epoch != st_.session_epoch) return;
    if (kind == static_cast<int64_t>(limit_kind::session_minutes)) {
      st_.sink->deliver(out_ack{"", "session_limit_reached"});
      drop_auth();
      return;
    }
    st_.sink->deliver(
        out_reality_check{now_us() - st_.session_started_us, st_.stakes, st_.wins});
    arm(kind, st_.reality_check_us);
  }

  void on_disconnect() {
    leave_presence();
    self_->quit();
  }

private:
  void dispatch(client_request& r) {
    switch (static_cast<client_op>(r.op)) {
      case client_op::ping:
        return st_.sink->deliver(out_pong{r.id, now_us()});
      case client_op::register_account:
        return anonymous_only(r) ? do_register(r) : void();
      case client_op::login:
        return anonymous_only(r) ? do_login(r) : void();
      case client_op::resume:
        return anonymous_only(r) ? do_resume(r) : void();
      case client_op::refresh:
        return authenticated(r) ? do_refresh(r) : void();
      case client_op::logout:
        return authenticated(r) ? do_logout(r) : void();
      case client_op::balance:
        return authenticated(r) ? do_balance(r) : void();
      case client_op::history:
        return authenticated(r) ? do_history(r) : void();
      case client_op::self_exclude:
        return authenticated(r) ? do_self_exclude(r) : void();
      case client_op::games:
        return do_games(r);
      case client_op::play:
        return authenticated(r) ? do_play(r) : void();
      case client_op::rounds:
        return authenticated(r) ? do_rounds(r) : void();
      case client_op::seeds:
        return authenticated(r) ? do_seeds(r) : void();
      case client_op::set_client_seed:
      case client_op::rotate_seed:
        return authenticated(r) ? do_rotate(r) : void();
      case client_op::verify:
        return do_verify(r);
      case client_op::launch:
        return authenticated(r) ? do_launch(r) : void();
      case client_op::deposit:
        return authenticated(r) ? do_deposit(r) : void();
      case client_op::payments:
        return authenticated(r) ? do_payments(r) : void();
      case client_op::withdraw:
        return authenticated(r) ? do_withdraw(r) : void();
      case client_op::cancel_withdrawal:
        return authenticated(r) ? do_cancel_withdrawal(r) : void();
      case client_op::kyc:
        return authenticated(r) ? do_kyc(r) : void();
      case client_op::cool_off:
        return authenticated(r) ? do_self_exclude(r) : void();
      case client_op::limits:
      case client_op::set_limit:
        return authenticated(r) ? do_limits(r) : void();
      case client_op::bonuses:
      case client_op::cancel_bonus:
        return authenticated(r) ? do_bonuses(r) : void();
      case client_op::claim_bonus:
        return authenticated(r) ? do_claim(r) : void();
    }
    fail(r.id, "unknown_type", "unknown request type");
  }

  bool anonymous_only(const client_request& r) {
    if (!st_.auth) return true;
    fail(r.id, "already_authenticated", "log out first");
    return false;
  }

  // The connection is logged in and its session still valid.
  bool authenticated(const client_request& r) {
    if (!st_.auth) {
      fail(r.id, "not_authenticated", "log in first");
      return false;
    }
    auto state = st_.deps.tokens->still_valid(st_.claims, now_us());
    if (state == token_check::ok) return true;
    drop_auth();
    fail(r.id, to_string(state), "the session is no longer valid; log in again");
    return false;
  }

  void fail(const std::string& id, std::string code, std::string message) {
    st_.sink->deliver(out_error{id, std::move(code), std::move(message)});
  }

  void fail(const std::string& id, const caf::error& err) {
    st_.sink->deliver(
        out_error{id, error_code_of(err), self_->system().render(err), retry_at_of(err)});
  }

  // -- authentication ---------------------------------------------------------

  void begin_auth() { st_.auth_in_flight = true; }

  // Runs what waited behind the operation that just ended.
  void end_auth() {
    st_.auth_in_flight = false;
    while (!st_.waiting.empty() && !st_.auth_in_flight) {
      auto r = std::move(st_.waiting.front());
      st_.waiting.pop_front();
      on_request(r);
    }
  }

  void arm(int64_t kind, int64_t after_us) {
    self_->delayed_send(self_, std::chrono::microseconds{after_us}, limits_atom_v, kind,
                        st_.session_epoch);
  }

  // Reads the player's time limits and arms their timers.
  void start_session_timers() {
    ++st_.session_epoch;
    st_.session_started_us = now_us();
    st_.stakes = st_.wins = 0;
    auto service = st_.deps.limits ? st_.deps.limits() : caf::actor{};
    if (!service) return;
    self_->request(service, st_.deps.request_timeout, limits_atom_v, st_.auth->player_id)
        .then(
            [self = self_, epoch = st_.session_epoch](limits_view& v) {
              auto& st = self->state;
              if (epoch != st.session_epoch) return;
              auto at = [&](limit_kind k) {
                auto i = static_cast<size_t>(k) - 1;
                return i < v.values.size() ? v.values[i].at(now_us()) : -1;
              };
              auto minute_us = st.deps.minute_us;
              session_logic s{self};
              if (auto m = at(limit_kind::session_minutes); m > 0)
                s.arm(static_cast<int64_t>(limit_kind::session_minutes), m * minute_us);
              if (auto m = at(limit_kind::reality_check_minutes); m > 0) {
                st.reality_check_us = m * minute_us;
                s.arm(static_cast<int64_t>(limit_kind::reality_check_minutes),
                      st.reality_check_us);
              }
            },
            [](caf::error&) {});
  }

  void logged_in(const std::string& id, std::string type, login_grant g) {
    st_.claims = token_claims{g.player_id, g.session_id, now_us(), g.expires_us};
    // The token's own issue time is what revocation compares against.
    st_.deps.tokens->verify(g.token, now_us(), st_.claims);
    st_.auth = g;
    start_session_timers();
    self_->send(st_.deps.presence, join_atom_v, g.player_id, caf::actor{self_});
    out_session msg{id, std::move(type), std::move(g), {}};
    auto wallets = st_.deps.wallets();
    wallet_request q;
    q.player_id = msg.grant.player_id;
    q.op = static_cast<uint8_t>(wallet_op::balance);
    q.currency = msg.grant.currency;
    self_->request(wallets, st_.deps.request_timeout, wallet_atom_v, q)
        .then(
            [self = self_, msg](wallet_receipt& rc) mutable {
              msg.balances.push_back({rc.currency, rc.balance, rc.bonus_balance});
              self->state.sink->deliver(std::move(msg));
              session_logic{self}.end_auth();
            },
            [self = self_, msg](caf::error&) mutable {
              // Logged in all the same; the balance follows with the next push or
              // request.
              self->state.sink->deliver(std::move(msg));
              session_logic{self}.end_auth();
            });
  }

  void auth_failed(const std::string& id, const caf::error& err) {
    fail(id, err);
    end_auth();
  }

  void do_register(const client_request& r) {
    begin_auth();
    st_.device = r.device;
    register_request reg{r.username, r.password, r.email,
                         r.currency, true,       st_.sink->peer_address(),
                         r.device,   r.country};
    self_->request(st_.deps.logins, st_.deps.request_timeout, register_atom_v, reg)
        .then(
            [self = self_, id = r.id](login_grant& g) {
              session_logic{self}.logged_in(id, "registered", std::move(g));
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  void do_login(const client_request& r) {
    begin_auth();
    st_.device = r.device;
    login_request login{r.username, r.password, st_.sink->peer_address(), r.device};
    self_->request(st_.deps.logins, st_.deps.request_timeout, login_atom_v, login)
        .then(
            [self = self_, id = r.id](login_grant& g) {
              session_logic{self}.logged_in(id, "logged_in", std::move(g));
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  void do_resume(const client_request& r) {
    token_claims claims;
    auto state = st_.deps.tokens->verify(r.token, now_us(), claims);
    if (state != token_check::ok)
      return fail(r.id, to_string(state), "the token cannot be used; log in again");
    begin_auth();
    st_.device = r.device;
    self_
        ->request(st_.deps.accounts, st_.deps.request_timeout, account_atom_v,
                  claims.player_id)
        .then(
            [self = self_, id = r.id, token = r.token, claims](account_view& a) {
              session_logic s{self};
              if (a.status != static_cast<uint8_t>(account_status::active)) {
                auto code =
                    a.status == static_cast<uint8_t>(account_status::locked)
                        ? pam_errc::account_locked
                    : a.status == static_cast<uint8_t>(account_status::cooling_off)
                        ? pam_errc::account_cooling_off
                        : pam_errc::account_self_excluded;
                return s.auth_failed(id, make_error(code));
              }
              login_grant g{a.player_id,       a.username, a.currency,       a.status,
                            claims.session_id, token,      claims.expires_us};
              auto& st = self->state;
              auto record = make_activity(
                  activity_kind::resumed, a.player_id, st.sink->peer_address(), st.device,
                  {{"username", a.username}, {"session", g.session_id}});
              record_activity(self, {std::move(record)}, st.deps.request_timeout,
                              [self, id, g = std::move(g)](bool ok) mutable {
                                session_logic s{self};
                                if (!ok)
                                  return s.auth_failed(
                                      id, make_error(pam_errc::storage_error));
                                s.logged_in(id, "resumed", std::move(g));
                              });
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  // The session's new expiry is stored first, so that a logout is remembered across
  // restarts for as long as any of its tokens is valid.
  void do_refresh(const client_request& r) {
    auto now = now_us();
    token_claims fresh{st_.auth->player_id, st_.auth->session_id, now,
                       now + st_.deps.tokens->ttl_us()};
    begin_auth();
    self_
        ->request(st_.deps.accounts, st_.deps.request_timeout, refresh_atom_v,
                  fresh.session_id, fresh.expires_us)
        .then(
            [self = self_, id = r.id, fresh](bool extended) {
              auto& st = self->state;
              session_logic s{self};
              if (!extended || !st.auth) {
                s.drop_auth();
                s.fail(id, "token_revoked", "the session was ended; log in again");
                return s.end_auth();
              }
              st.auth->token = st.deps.tokens->issue(fresh);
              st.auth->expires_us = fresh.expires_us;
              st.claims = fresh;
              st.sink->deliver(out_session{id, "refreshed", *st.auth, {}});
              s.end_auth();
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  void do_logout(const client_request& r) {
    begin_auth();
    auto session = st_.auth->session_id;
    auto expires = st_.auth->expires_us;
    auto record =
        make_activity(activity_kind::logged_out, st_.auth->player_id,
                      st_.sink->peer_address(), st_.device, {{"session", session}});
    drop_auth();
    self_
        ->request(st_.deps.accounts, st_.deps.request_timeout, logout_atom_v, session,
                  expires)
        .then(
            [self = self_, id = r.id, record = std::move(record)](bool) mutable {
              auto& st = self->state;
              // The session is revoked either way; the answer waits for the record.
              record_activity(self, {std::move(record)}, st.deps.request_timeout,
                              [self, id](bool ok) {
                                session_logic s{self};
                                if (!ok)
                                  return s.auth_failed(
                                      id, make_error(pam_errc::storage_error));
                                self->state.sink->deliver(out_ack{id, "logged_out"});
                                s.end_auth();
                              });
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  void do_self_exclude(const client_request& r) {
    begin_auth();
    auto player = st_.auth->player_id;
    bool cool = r.op == static_cast<uint8_t>(client_op::cool_off);
    auto status = static_cast<uint8_t>(cool ? account_status::cooling_off
                                            : account_status::self_excluded);
    int64_t until = cool         ? now_us() + r.hours * 3'600'000'000
                    : r.days > 0 ? now_us() + r.days * 86'400'000'000
                                 : 0;
    auto ack = cool ? "cooling_off" : "self_excluded";
    self_
        ->request(st_.deps.accounts, st_.deps.request_timeout, status_atom_v, player,
                  status, st_.sink->peer_address(), until)
        .then(
            [self = self_, id = r.id, player, status, ack](account_view&) {
              auto& st = self->state;
              // The live wallet refuses money going out from now on.
              self->request(st.deps.wallets(), st.deps.request_timeout, status_atom_v,
                            player, status)
                  .then([](bool) {}, [](caf::error&) {});
              session_logic s{self};
              s.drop_auth();
              st.sink->deliver(out_ack{id, ack});
              s.end_auth();
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.auth_failed(id, e);
            });
  }

  void drop_auth() {
    leave_presence();
    st_.auth.reset();
    st_.claims = {};
  }

  void leave_presence() {
    if (st_.auth)
      self_->send(st_.deps.presence, leave_atom_v, st_.auth->player_id,
                  caf::actor{self_});
  }

  // -- wallet reads -----------------------------------------------------------

  void do_balance(const client_request& r) {
    wallet_request q;
    q.player_id = st_.auth->player_id;
    q.op = static_cast<uint8_t>(wallet_op::balance);
    q.currency = r.currency.empty() ? st_.auth->currency : r.currency;
    self_->request(st_.deps.wallets(), st_.deps.request_timeout, wallet_atom_v, q)
        .then(
            [self = self_, id = r.id](wallet_receipt& rc) {
              self->state.sink->deliver(
                  out_balance{id, {{rc.currency, rc.balance, rc.bonus_balance}}});
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.fail(id, e);
            });
  }

  void do_history(const client_request& r) {
    auto limit = std::min(r.limit <= 0 ? 20 : r.limit, st_.deps.history_limit_max);
    self_
        ->request(st_.deps.wallets(), st_.deps.request_timeout, history_atom_v,
                  st_.auth->player_id, r.before_seq, limit)
        .then(
            [self = self_, id = r.id, limit](history_page& page) {
              int64_t next = static_cast<int64_t>(page.entries.size()) == limit
                                 ? page.entries.back().seq
                                 : 0;
              self->state.sink->deliver(out_history{id, std::move(page.entries), next});
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.fail(id, e);
            });
  }

  // -- payments ----------------------------------------------------------------------

  // Asks the cashier; on success delivers make(reply), else the error.
  template <class R, class Make, class... Ts>
  void ask_cashier(const std::string& id, Make make, Ts&&... xs) {
    auto cashier = st_.deps.cashier ? st_.deps.cashier() : caf::actor{};
    if (!cashier) return fail(id, "unavailable", "the cashier is unavailable");
    self_->request(cashier, st_.deps.request_timeout, std::forward<Ts>(xs)...)
        .then([self = self_, id,
               make](R& reply) { self->state.sink->deliver(make(id, reply)); },
              [self = self_, id](caf::error& e) { session_logic{self}.fail(id, e); });
  }

  void do_deposit(const client_request& r) { payment(r, deposit_atom_v); }

  // A withdrawal while a bonus is active needs the player's word that the bonus is
  // lost (forfeit_bonus): then every active grant is forfeited first; without it the
  // request is refused (bonus_active) before anything is reserved.
  void do_withdraw(const client_request& r) {
    auto service = st_.deps.bonus ? st_.deps.bonus() : caf::actor{};
    if (!service) return payment(r, withdraw_atom_v);
    auto err = [self = self_, id = r.id](caf::error& e) {
      session_logic{self}.fail(id, e);
    };
    auto player = st_.auth->player_id;
    // The connection may have logged out (or in as another player) meanwhile.
    auto still = [player](session_pointer self) {
      return self->state.auth && self->state.auth->player_id == player;
    };
    if (r.forfeit_bonus) {
      self_->request(service, st_.deps.request_timeout, forfeit_atom_v, player)
          .then(
              [self = self_, r, still](int64_t) {
                if (!still(self))
                  return session_logic{self}.fail(r.id, "not_authenticated",
                                                  "logged out meanwhile");
                session_logic{self}.payment(r, withdraw_atom_v);
              },
              err);
      return;
    }
    auto currency = r.currency.empty() ? st_.auth->currency : r.currency;
    self_->request(service, st_.deps.request_timeout, bonuses_atom_v, player)
        .then(
            [self = self_, r, currency, still](bonus_page& page) {
              if (!still(self))
                return session_logic{self}.fail(r.id, "not_authenticated",
                                                "logged out meanwhile");
              for (const auto& g : page.grants)
                if (g.status == static_cast<uint8_t>(grant_status::active) &&
                    g.currency == currency)
                  return session_logic{self}.fail(
                      r.id, "bonus_active",
                      "an active bonus would be forfeited: send forfeit_bonus true");
              session_logic{self}.payment(r, withdraw_atom_v);
            },
            err);
  }

  void do_cancel_withdrawal(const client_request& r) {
    ask_cashier<payment_view>(
        r.id,
        [](const std::string& id, payment_view& v) {
          return out_payment{id, std::move(v)};
        },
        cancel_atom_v, st_.auth->player_id, r.payment_id, st_.sink->peer_address());
  }

  void do_kyc(const client_request& r) {
    self_
        ->request(st_.deps.accounts, st_.deps.request_timeout, account_atom_v,
                  st_.auth->player_id)
        .then(
            [self = self_, id = r.id](account_view& a) {
              self->state.sink->deliver(out_kyc{id, std::move(a)});
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.fail(id, e);
            });
  }

  // Reads the limits or, with set_limit, asks for one (stricter at once, looser later).
  void do_limits(const client_request& r) {
    auto service = st_.deps.limits ? st_.deps.limits() : caf::actor{};
    if (!service) return fail(r.id, "unavailable", "limits are unavailable");
    auto ok = [self = self_, id = r.id](limits_view& v) {
      self->state.sink->deliver(out_limits{id, std::move(v)});
    };
    auto err = [self = self_, id = r.id](caf::error& e) {
      session_logic{self}.fail(id, e);
    };
    if (r.op == static_cast<uint8_t>(client_op::limits)) {
      self_
          ->request(service, st_.deps.request_timeout, limits_atom_v, st_.auth->player_id)
          .then(ok, err);
      return;
    }
    limit_kind kind;
    if (!limit_kind_from_string(r.limit_name, kind))
      return fail(r.id, "invalid_limit", "no such limit");
    limit_change c{st_.auth->player_id, static_cast<uint8_t>(kind), r.limit_amount,
                   st_.sink->peer_address()};
    self_->request(service, st_.deps.request_timeout, limits_atom_v, std::move(c))
        .then(ok, err);
  }

  // Reads the player's grants or, with cancel_bonus, forfeits one.
  void do_bonuses(const client_request& r) {
    auto service = st_.deps.bonus ? st_.deps.bonus() : caf::actor{};
    if (!service) return fail(r.id, "unavailable", "bonuses are unavailable");
    auto err = [self = self_, id = r.id](caf::error& e) {
      session_logic{self}.fail(id, e);
    };
    if (r.op == static_cast<uint8_t>(client_op::bonuses)) {
      self_
          ->request(service, st_.deps.request_timeout, bonuses_atom_v,
                    st_.auth->player_id)
          .then(
              [self = self_, id = r.id](bonus_page& p) {
                self->state.sink->deliver(out_bonuses{id, std::move(p)});
              },
              err);
      return;
    }
    self_
        ->request(service, st_.deps.request_timeout, forfeit_atom_v, st_.auth->player_id,
                  r.grant_id)
        .then(
            [self = self_, id = r.id](bonus_grant& g) {
              self->state.sink->deliver(out_bonus{id, std::move(g), {}});
            },
            err);
  }

  // A bonus code: a grant at once, or an opt-in for the next deposit or period.
  void do_claim(const client_request& r) {
    auto service = st_.deps.bonus ? st_.deps.bonus() : caf::actor{};
    if (!service) return fail(r.id, "unavailable", "bonuses are unavailable");
    self_
        ->request(service, st_.deps.request_timeout, claim_atom_v, st_.auth->player_id,
                  r.code)
        .then(
            [self = self_, id = r.id](claim_result& c) {
              self->state.sink->deliver(out_claim{id, std::move(c)});
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.fail(id, e);
            });
  }

  // A deposit or a withdrawal: the cashier answers with the payment.
  template <class Atom>
  void payment(const client_request& r, Atom atom) {
    payment_request d;
    d.player_id = st_.auth->player_id;
    d.currency = r.currency;
    d.amount = r.amount;
    d.provider = r.provider;
    d.instrument = r.instrument;
    d.address = st_.sink->peer_address();
    ask_cashier<payment_view>(
        r.id,
        [](const std::string& id, payment_view& v) {
          return out_payment{id, std::move(v)};
        },
        atom, std::move(d));
  }

  void do_payments(const client_request& r) {
    auto limit = std::min(r.limit <= 0 ? 20 : r.limit, st_.deps.history_limit_max);
    ask_cashier<payment_page>(
        r.id,
        [](const std::string& id, payment_page& p) {
          return out_payments{id, std::move(p)};
        },
        payments_atom_v, st_.auth->player_id, r.before_us, limit);
  }

  // -- games and rounds -------------------------------------------------------------

  // Asks the vendor directory; on success delivers make(reply), else the error.
  template <class R, class Make, class... Ts>
  void ask_vendors(const std::string& id, Make make, Ts&&... xs) {
    auto vendors = st_.deps.vendors ? st_.deps.vendors() : caf::actor{};
    if (!vendors) return fail(id, "vendor_unavailable", "no game vendors are configured");
    self_->request(vendors, st_.deps.request_timeout, std::forward<Ts>(xs)...)
        .then([self = self_,
               make](R& reply) { self->state.sink->deliver(make(std::move(reply))); },
              [self = self_, id](caf::error& e) { session_logic{self}.fail(id, e); });
  }

  void do_games(const client_request& r) {
    ask_vendors<game_catalog>(
        r.id,
        [id = r.id](game_catalog c) {
          return out_games{id, std::move(c)};
        },
        games_atom_v);
  }

  void do_play(const client_request& r) {
    play_request p{st_.auth->player_id, r.vendor,    r.game_id,
                   st_.auth->currency,  r.stake,     r.params_json,
                   self_->id(),         r.free_round};
    ask_vendors<round_result>(
        r.id,
        [id = r.id](round_result rr) {
          return out_round{id, std::move(rr)};
        },
        play_atom_v, std::move(p));
  }

  void do_rounds(const client_request& r) {
    auto limit = std::min(r.limit <= 0 ? 20 : r.limit, st_.deps.history_limit_max);
    self_
        ->request(st_.deps.wallets(), st_.deps.request_timeout, rounds_atom_v,
                  st_.auth->player_id, r.before_seq, limit)
        .then(
            [self = self_, id = r.id](round_page& page) {
              self->state.sink->deliver(out_rounds{id, std::move(page)});
            },
            [self = self_, id = r.id](caf::error& e) {
              session_logic{self}.fail(id, e);
            });
  }

  void do_seeds(const client_request& r) {
    ask_vendors<seed_view>(
        r.id,
        [id = r.id](seed_view s) {
          return out_seeds{id, std::move(s)};
        },
        seeds_atom_v, r.vendor, st_.auth->player_id);
  }

  void do_rotate(const client_request& r) {
    auto seed = static_cast<client_op>(r.op) == client_op::set_client_seed
                    ? r.client_seed
                    : std::string{};
    if (static_cast<client_op>(r.op) == client_op::set_client_seed && seed.empty())
      return fail(r.id, "invalid_field", "'client_seed' is required");
    ask_vendors<seed_reveal>(
        r.id,
        [id = r.id](seed_reveal s) {
          return out_seeds_rotated{id, std::move(s)};
        },
        rotate_atom_v, r.vendor, st_.auth->player_id, std::move(seed));
  }

  void do_launch(const client_request& r) {
    launch_request l{st_.auth->player_id, r.vendor, r.game_id,
                     st_.auth->currency,  r.lang,   r.country,
                     r.lobby_url};
    ask_vendors<launch_reply>(
        r.id,
        [id = r.id](launch_reply lr) {
          return out_launch{id, std::move(lr)};
        },
        launch_atom_v, std::move(l));
  }

  void do_verify(const client_request& r) {
    verify_request v{r.vendor,      r.game_id,     r.params_json, r.stake,
                     r.server_seed, r.client_seed, r.nonce};
    ask_vendors<round_result>(
        r.id,
        [id = r.id](round_result rr) {
          return out_verified{id, std::move(rr)};
        },
        verify_atom_v, std::move(v));
  }

  session_pointer self_;
  session_state& st_;
};

caf::behavior session_impl(session_pointer self, std::shared_ptr<client_sink> sink,
                           session_deps deps) {
  self->state.sink = std::move(sink);
  self->state.deps = std::move(deps);
  return {
      [self](client_request& r) { session_logic{self}.on_request(r); },
      [self](push_atom, const balance_push& p) { session_logic{self}.on_push(p); },
      [self](push_atom, const bonus_notice& n) {
        session_logic{self}.on_bonus_notice(n);
      },
      [self](push_atom, bonuses_atom) { session_logic{self}.push_bonuses(); },
      [self](limits_atom, int64_t kind, int64_t epoch) {
        session_logic{self}.on_session_timer(kind, epoch);
      },
      [self](push_atom, const round_result& r) {
        // The connection that played it has its reply; the others get a push.
        auto& st = self->state;
        if (st.auth && r.player_id == st.auth->player_id && r.origin != self->id())
          st.sink->deliver(out_round{"", r});
      },
      [self](push_atom, const vendor_status& s) {
        self->state.sink->deliver(out_vendor_status{s});
      },
      [self](push_atom, const payment_view& p) {
        auto& st = self->state;
        if (st.auth && p.player_id == st.auth->player_id)
          st.sink->deliver(out_payment{"", p});
      },
      [self](disconnect_atom) { session_logic{self}.on_disconnect(); },
  };
}

} // namespace

caf::actor spawn_player_session(caf::actor_system& sys, const caf::actor& supervisor,
                                std::shared_ptr<client_sink> sink, session_deps deps) {
  auto session = sys.spawn(session_impl, sink, std::move(deps));
  // A session that fails tells its connection with its last breath. (The sink refers
  // to its connection weakly, so holding it here keeps nothing else alive.)
  session->attach_functor([sink](const caf::error& reason) {
    if (!reason || reason == caf::exit_reason::normal ||
        reason == caf::exit_reason::user_shutdown)
      return;
    sink->deliver(out_error{"", "internal_error", "the session failed; reconnect"});
    sink->close(1011, "session failed");
  });
  caf::anon_send(supervisor, watch_atom_v, session);
  return session;
}

} // namespace agg
